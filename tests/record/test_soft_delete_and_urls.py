import pytest
from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from hypothesis import given
from hypothesis import strategies as st

from unmask.record import services
from unmask.record.models import Link, Organization, Response
from unmask.record.text import make_slug


def test_deleting_is_soft_and_reversible(make_org, make_link, client):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    link = make_link(a, b)
    services.soft_delete(b, reason="Entered by mistake")
    assert not Organization.objects.public().filter(pk=b.pk).exists()
    assert not Link.objects.public().exists()  # the link named a hidden organization
    assert client.get(b.get_absolute_url()).status_code == 404

    services.restore(b, reason="It was right after all")
    assert set(Link.objects.public()) == {link}
    assert client.get(b.get_absolute_url()).status_code == 200


def test_deleting_needs_a_reason(make_org):
    org = make_org("Korvex Aerodynamics")
    with pytest.raises(ValidationError):
        services.soft_delete(org, reason="")
    org.refresh_from_db()
    assert not org.is_deleted


def test_the_public_id_survives_a_rename_and_old_slugs_redirect(make_org, client):
    org = make_org("Korvex Aerodynamics")
    old_url, public_id = org.get_absolute_url(), org.public_id
    services.update_record(org, name="Korvex Defence Systems", reason="Renamed in 2024 (registry)")
    org.refresh_from_db()
    assert org.public_id == public_id
    assert org.get_absolute_url() == f"/org/{public_id}/korvex-defence-systems/"
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, org.get_absolute_url())
    assert client.get(f"/org/{public_id}/").status_code == 301
    assert "Korvex Defence Systems" in client.get(org.get_absolute_url()).content.decode()


def test_a_published_reply_is_shown_beside_the_claim_and_cannot_be_deleted(
    make_org, make_link, client
):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    make_link(a, b, summary="Lindqvist delivers carbon wing spars")
    link = Link.objects.get()
    reply = services.record_response(
        organization=a,
        link=link,
        received_on="2024-02-01",
        channel="email",
        text="We stopped all deliveries in 2022.",
    )
    page = client.get(b.get_absolute_url()).content.decode()
    assert "We stopped all deliveries" not in page  # not yet checked
    services.publish_response(reply)
    for org in (a, b):
        page = client.get(org.get_absolute_url()).content.decode()
        _claim, _, rest = page.partition("Lindqvist delivers carbon wing spars")
        assert "We stopped all deliveries in 2022." in rest.split('<article class="link')[0]
    with pytest.raises(ValidationError, match="always shown"):
        services.soft_delete(reply, reason="They asked us to")
    assert Response.objects.public().count() == 1


def test_only_an_organization_named_in_a_link_can_answer_it(make_org, make_link):
    a, b, c = (
        make_org("Korvex Aerodynamics"),
        make_org("Lindqvist Composites", country="SE"),
        make_org("Ostrava Metal", country="CZ"),
    )
    link = make_link(a, b)
    with pytest.raises(ValidationError, match="Only an organization named in a link"):
        services.record_response(
            organization=c, link=link, received_on="2024-02-01", channel="letter", text="Not us."
        )


def test_a_published_reply_cannot_be_rewritten(make_org, make_link):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    reply = services.record_response(
        organization=a,
        link=make_link(a, b),
        received_on="2024-02-01",
        channel="email",
        text="We deny this.",
    )
    services.publish_response(reply)
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.update_record(reply, text="We confirm this.", reason="Typo")
    reply.refresh_from_db()
    assert reply.text == "We deny this."


@given(st.text(max_size=120))
def test_a_slug_is_django_s_slugify_of_the_text_in_ascii(text):
    """make_slug() does slugify()'s steps itself (a calendar makes thousands of slugs): any
    text, in any script, gets the slug slugify() would give it."""
    expected = slugify(anyascii(text))[:80].strip("-") or "item"
    assert make_slug(text) == expected
