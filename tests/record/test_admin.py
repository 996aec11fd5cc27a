"""The editors' workspace, driven through HTTP as an editor would: forms, inlines, history, revert."""

import pytest

from unmask.record.models import Link, Organization


def _inline(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _org_form(**fields) -> dict:
    data = {
        "name": "Korvex Aerodynamics",
        "kind": "company",
        "country": "DE",
        "description": "",
        "description_language": "en",
        "change_reason": "",
    }
    data.update(_inline("names") | _inline("identifiers") | _inline("texts"))
    data.update(_inline("citations") | _inline("sites"))
    data.update(fields)
    return data


def _link_form(link, **fields) -> dict:
    """The link change form as the page sends it, with no inline rows unless added."""
    data = {
        "subject": link.subject_id,
        "relation": link.relation,
        "object": link.object_id,
        "product": "",
        "summary": "",
        "start": "",
        "end": "",
        "share": "",
        "amount": "",
        "currency": "",
        "new_status": "",
        "status_note": "",
        "status_effective": "",
        "change_reason": "",
    }
    return data | _inline("citations") | _inline("status_events") | _inline("responses") | fields


@pytest.fixture
def signed_in(client, reviewer):
    client.force_login(reviewer)
    return client


def test_an_editor_adds_an_organization_with_a_citation_inline(client, editor, source):
    client.force_login(editor)
    data = _org_form(**_inline("citations", total=1))
    data.update(
        {
            "citations-0-source": source.pk,
            "citations-0-quote": "Korvex builds the airframe",
            "citations-0-locator": "p. 12",
        }
    )
    response = client.post("/admin/record/organization/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organization.objects.get()
    assert org.citations.get().locator == "p. 12"
    assert org.history.get().history_user == editor


def test_the_admin_warns_about_a_duplicate_and_keeps_what_was_typed(signed_in, make_org):
    make_org("Korvex Aerodynamics GmbH")
    response = signed_in.post(
        "/admin/record/organization/add/", _org_form(description="Airframes since 1998")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "may already be in the record: Korvex Aerodynamics GmbH (same name and country)" in page
    assert "Airframes since 1998" in page
    assert Organization.objects.count() == 1
    response = signed_in.post(
        "/admin/record/organization/add/", _org_form(confirm_not_duplicate="on")
    )
    assert response.status_code == 302
    assert Organization.objects.count() == 2


def test_the_admin_warns_about_an_unpublished_organization_written_otherwise(signed_in, make_org):
    draft = make_org("Nordlicht Antriebe GmbH", publish=False)
    name = "Nordlicht Antriebe Gesellschaft mit beschränkter Haftung"
    response = signed_in.post("/admin/record/organization/add/", _org_form(name=name))
    page = response.content.decode()
    assert response.status_code == 200
    assert "likely the same: «Nordlicht Antriebe GmbH», same name)" in page
    assert Organization.objects.count() == 1
    # Editing the organization itself: no warning about itself.
    url = f"/admin/record/organization/{draft.pk}/change/"
    response = signed_in.post(url, _org_form(name=name, change_reason="Registered name"))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_change_needs_a_reason_and_history_shows_who_why_and_the_diff(
    signed_in, make_org, reviewer
):
    org = make_org("Korvex Aerodynamics")
    url = f"/admin/record/organization/{org.pk}/change/"
    response = signed_in.post(url, _org_form(name="Korvex Defence Systems"))
    assert "a reason is required" in response.content.decode()
    response = signed_in.post(
        url,
        _org_form(name="Korvex Defence Systems", change_reason="Renamed, registry entry 2024-03"),
    )
    assert response.status_code == 302
    history = signed_in.get(f"/admin/record/organization/{org.pk}/history/").content.decode()
    assert "Renamed, registry entry 2024-03" in history
    assert "rivka" in history
    assert "Korvex Aerodynamics" in history and "Korvex Defence Systems" in history  # the diff


def test_revert_through_the_admin_restores_an_earlier_version(signed_in, make_org):
    org = make_org("Korvex Aerodynamics")
    url = f"/admin/record/organization/{org.pk}/change/"
    signed_in.post(url, _org_form(name="Korvex Typo Systms", change_reason="Rename"))
    first = org.history.order_by("history_date").first()
    revert_url = f"/admin/record/organization/{org.pk}/history/{first.history_id}/"
    form_page = signed_in.get(revert_url).content.decode()
    assert 'value="Korvex Aerodynamics"' in form_page
    response = signed_in.post(
        revert_url, _org_form(name="Korvex Aerodynamics", change_reason="The rename was a typo")
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Korvex Aerodynamics"
    assert (
        org.history.first().history_change_reason
        == "Reverted to an earlier version: The rename was a typo"
    )


def test_a_status_change_in_the_admin_needs_a_note(signed_in, make_org, make_link):
    link = make_link(
        make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    )
    url = f"/admin/record/link/{link.pk}/change/"
    data = (
        _link_form(link, new_status="disputed", change_reason="Status review")
        | _inline("citations", 1, 1)
        | _inline("status_events", 1, 1)
    )
    citation = link.citations.get()
    data |= {
        "citations-0-id": citation.pk,
        "citations-0-link": link.pk,
        "citations-0-source": citation.source_id,
        "citations-0-quote": citation.quote,
        "citations-0-locator": "",
        "citations-0-note": "",
        "status_events-0-id": link.status_events.get().pk,
        "status_events-0-link": link.pk,
    }
    response = signed_in.post(url, data)
    assert "Say why: a note is required for this change." in response.content.decode()
    ended = data | {"new_status": "ended", "status_note": "Supplier left the program"}
    page = signed_in.post(url, ended).content.decode()  # a form error, not a server error
    assert "Effective date: say when the link ended (a year is enough)." in page
    response = signed_in.post(url, data | {"status_note": "The company denies it in a letter"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "disputed"
    assert link.status_events.last().note == "The company denies it in a letter"


def test_publishing_from_the_admin_refuses_uncited_links_with_a_message(signed_in, make_org):
    from unmask.record import services

    link = services.create_link(
        subject=make_org("Korvex Aerodynamics"),
        object=make_org("Lindqvist Composites", country="SE"),
        relation="owns",
    )
    response = signed_in.post(
        "/admin/record/link/",
        {"action": "publish_selected", "_selected_action": [link.pk]},
        follow=True,
    )
    assert "cannot be published without at least one citation" in response.content.decode()
    assert not Link.objects.public().exists()


def test_soft_delete_from_the_admin_asks_for_a_reason(signed_in, make_org):
    org = make_org("Korvex Aerodynamics")
    data = {"action": "soft_delete_selected", "_selected_action": [org.pk]}
    page = signed_in.post("/admin/record/organization/", data).content.decode()
    assert "Delete, with a reason" in page
    signed_in.post("/admin/record/organization/", data | {"apply": "1", "reason": "Entered twice"})
    org.refresh_from_db()
    assert org.is_deleted
    assert org.history.first().history_change_reason == "Entered twice"


def test_an_editor_cannot_publish_from_the_admin(client, editor, make_org, make_link, source):
    from unmask.record import services

    link = make_link(
        make_org("Korvex Aerodynamics"),
        make_org("Lindqvist Composites", country="SE"),
        publish=False,
    )
    services.add_citation(link, source, locator="p. 3")
    client.force_login(editor)
    response = client.post(
        "/admin/record/link/",
        {"action": "publish_selected", "_selected_action": [link.pk]},
        follow=True,
    )
    assert "permission" in response.content.decode()
    assert not Link.objects.public().exists()


def test_a_revert_restores_content_but_not_publication(client, editor, make_org):
    from unmask.record import services

    org = make_org("Korvex Aerodynamics")  # published
    services.unpublish(org, reason="Under review after a complaint")
    client.force_login(editor)
    published_version = org.history.filter(published_at__isnull=False).first()
    url = f"/admin/record/organization/{org.pk}/history/{published_version.history_id}/"
    response = client.post(url, _org_form(change_reason="Back to the earlier wording"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert (
        org.published_at is None
    )  # publishing is a reviewer's action, not a side effect of revert


def test_adding_only_a_citation_needs_no_reason_and_is_kept(signed_in, make_org, source):
    org = make_org("Korvex Aerodynamics")
    existing = org.citations.get()
    data = _org_form(**_inline("citations", total=2, initial=1))
    data |= {
        "citations-0-id": existing.pk,
        "citations-0-organization": org.pk,
        "citations-0-source": source.pk,
        "citations-0-quote": "",
        "citations-0-locator": existing.locator,
        "citations-0-note": "",
        "citations-1-organization": org.pk,
        "citations-1-source": source.pk,
        "citations-1-quote": "",
        "citations-1-locator": "p. 44",
    }
    response = signed_in.post(f"/admin/record/organization/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(org.citations.values_list("locator", flat=True)) == ["p. 1", "p. 44"]


def test_an_editor_gets_a_form_error_when_trying_to_confirm(client, editor, make_org, make_link):
    link = make_link(
        make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    )
    client.force_login(editor)
    data = _link_form(link, new_status="confirmed", status_note="Looks solid")
    response = client.post(f"/admin/record/link/{link.pk}/change/", data)
    assert response.status_code == 200
    assert "Only a reviewer can confirm a link." in response.content.decode()
    link.refresh_from_db()
    assert link.status == "reported"
