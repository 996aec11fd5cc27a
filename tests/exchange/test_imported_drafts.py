"""After an import, a reviewer publishes in bulk the imported drafts whose rows carried sources:
the admin's filter lists them, its action publishes them through services.publish with a
reason, and an uncited or hand-made draft is left alone."""

from __future__ import annotations

import pytest

from unmask.exchange import drafts
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.record import services
from unmask.record.models import Organization

CHANGELIST = "/admin/record/organization/"


@pytest.fixture
def imported(tmp_path, source):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "id,name,kind,country,description,other_names,identifiers\n"
        ",Norrsken Metals,company,SE,,,\n"
        ",Brenmark Avionics,company,DE,,,\n"
        ",Ostrava Castings,company,CZ,,,\n"
    )
    orgs_csv.import_file(path)
    orgs = {org.name: org for org in Organization.objects.all()}
    for name in ("Norrsken Metals", "Brenmark Avionics"):
        services.add_citation(orgs[name], source, locator="row 2")
    by_hand = services.create_organization(name="Hand Made GmbH", country="DE", kind="company")
    services.add_citation(by_hand, source, locator="p. 9")  # cited, but not imported
    return orgs


def test_only_cited_imported_drafts_are_listed_and_published(client, reviewer, imported):
    client.force_login(reviewer)
    listed = client.get(CHANGELIST, {"imported": "ready"}).content.decode()
    assert "Norrsken Metals" in listed and "Brenmark Avionics" in listed
    assert "Ostrava Castings" not in listed and "Hand Made GmbH" not in listed
    assert drafts.ready_count() == 2

    everything = [org.pk for org in imported.values()]
    step = client.post(
        CHANGELIST, {"action": "publish_cited_selected", "_selected_action": everything}
    )
    assert step.status_code == 200  # asks for the reason, listing only the cited drafts
    assert "1 of the selected is left out" in step.content.decode()
    done = client.post(
        CHANGELIST,
        {
            "action": "publish_cited_selected",
            "_selected_action": everything,
            "apply": "1",
            "reason": "Checked the import of the 2024 registry extract",
        },
    )
    assert done.status_code == 302

    published = set(Organization.objects.public().values_list("name", flat=True))
    assert published == {"Norrsken Metals", "Brenmark Avionics"}
    norrsken = Organization.objects.get(name="Norrsken Metals")
    assert norrsken.history.first().history_change_reason.startswith("Checked the import")
    assert norrsken.history.first().history_user == reviewer
    assert drafts.ready_count() == 0  # the cached count follows the record's version


def test_an_editor_cannot_publish_them(client, editor, imported):
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {
            "action": "publish_cited_selected",
            "_selected_action": [org.pk for org in imported.values()],
            "apply": "1",
            "reason": "Looks fine",
        },
    )
    assert not Organization.objects.public().exists()
