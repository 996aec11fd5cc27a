"""Nothing is public without a citation, and what a link names must be public too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unmask.record import services
from unmask.record.models import Link, Organization, Site


def test_an_uncited_link_cannot_be_published(make_org):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    link = services.create_link(subject=a, object=b, relation="supplies_component")
    with pytest.raises(ValidationError) as exc:
        services.publish(link)
    assert "cannot be published without at least one citation" in exc.value.messages[0]
    assert not Link.objects.public().exists()


def test_a_cited_published_link_is_public_until_its_last_citation_is_deleted(make_org, make_link):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    link = make_link(a, b)
    assert list(Link.objects.public()) == [link]
    for citation in link.citations.all():
        services.soft_delete(citation, reason="Source withdrawn by its publisher")
    assert not Link.objects.public().exists()


def test_a_link_to_an_unpublished_organization_is_not_public(make_org, source):
    a = make_org("Korvex Aerodynamics")
    hidden = make_org("Vantor Systems", publish=False)
    link = services.create_link(subject=a, object=hidden, relation="finances")
    services.add_citation(link, source, locator="p. 4")
    with pytest.raises(ValidationError, match="Publish “Vantor Systems” first"):
        services.publish(link)
    Link.objects.filter(pk=link.pk).update(published_at="2024-01-01T00:00Z")  # even if forced
    assert not Link.objects.public().exists()


def test_a_site_is_public_only_with_a_citation(make_org, source):
    org = make_org("Korvex Aerodynamics")
    site = services.save_record(
        Site(
            organization=org,
            role="factory",
            city="Aachen",
            country="DE",
            latitude=50.77,
            longitude=6.08,
        )
    )
    with pytest.raises(ValidationError):
        services.publish(site)
    services.add_citation(site, source, quote="the plant in Aachen")
    services.publish(site)
    assert list(Site.objects.public()) == [site]


def test_an_organization_needs_a_citation_too(db):
    org = services.create_organization(name="Korvex Aerodynamics", country="DE", kind="company")
    with pytest.raises(ValidationError):
        services.publish(org)
    assert not Organization.objects.public().exists()


def test_an_editor_cannot_publish_but_a_reviewer_can(make_org, source, editor, reviewer):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    link = services.create_link(subject=a, object=b, relation="insures", actor=editor)
    services.add_citation(link, source, locator="p. 9", actor=editor)
    with pytest.raises(PermissionDenied):
        services.publish(link, actor=editor)
    services.publish(link, actor=reviewer)
    link.refresh_from_db()
    assert link.published_by == reviewer


def test_someone_without_a_role_cannot_write(outsider):
    with pytest.raises(PermissionDenied):
        services.create_organization(
            name="Korvex Aerodynamics", country="DE", kind="company", actor=outsider
        )
    assert not Organization.objects.exists()


def test_deleting_a_source_hides_the_claims_it_alone_supported(make_org, make_link, source, client):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    make_link(a, b)
    assert client.get(source.get_absolute_url()).status_code == 200
    services.soft_delete(source, reason="The document turned out to be forged")
    assert not Link.objects.public().exists()
    assert not Organization.objects.public().exists()
    assert client.get(source.get_absolute_url()).status_code == 404


def test_a_source_behind_drafts_only_stays_private(db, client):
    draft_source = services.create_source(
        title="Notes on Vantor", kind="research", url="https://example.net/n"
    )
    org = services.create_organization(name="Vantor Systems", country="FR", kind="company")
    services.add_citation(org, draft_source, locator="§2")
    assert client.get(draft_source.get_absolute_url()).status_code == 404


def test_archived_copies_are_public_only_behind_public_claims(make_org, client, reviewer):
    from django.core.files.base import ContentFile

    archived = services.create_source(
        title="Registry extract",
        kind="registry",
        archived_file=ContentFile(b"%PDF-1.4 fake", name="extract.pdf"),
    )
    org = services.create_organization(name="Vantor Systems", country="FR", kind="company")
    services.add_citation(org, archived, locator="p. 1")
    url = f"/media/{archived.archived_file.name}"
    assert client.get(url).status_code == 404  # backs a draft only
    client.force_login(reviewer)
    assert client.get(url).status_code == 200  # staff see it
    client.logout()
    services.publish(org)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fake"
    # Readers find it from the profile's citation and from the source page.
    for page in (org.get_absolute_url(), archived.get_absolute_url()):
        assert f'href="{url}" download' in client.get(page).content.decode(), page


def test_a_reply_sent_as_a_document_can_be_downloaded_once_published(make_org, client):
    from django.core.files.base import ContentFile

    org = make_org("Vantor Systems", country="FR")
    reply = services.record_response(
        organization=org,
        text="We never supplied the engine.",
        channel="letter",
        received_on="2024-03-01",
        document=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"),
    )
    url = f"/media/{reply.document.name}"
    assert client.get(url).status_code == 404  # waiting for review
    assert url not in client.get(org.get_absolute_url()).content.decode()
    services.publish_response(reply)
    assert f'href="{url}" download' in client.get(org.get_absolute_url()).content.decode()
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 letter"
