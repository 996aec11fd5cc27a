"""The CSV import a chunk at a time (exchange/formats/orgs_csv/chunks.py) keeps the import's promises
where chunks could break them: rows that name the same new organization in one chunk or across
two, a problem in a later chunk, the history and the undo of organizations written in bulk, and
the permission to create."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from unmask.exchange import batches
from unmask.exchange.formats.orgs_csv import chunks
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import visibility
from unmask.record.models import Identifier, Organization, OrganizationName

HEADER = "id,name,kind,country,description,other_names,identifiers\n"


def write(tmp_path, text: str):
    path = tmp_path / "orgs.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_rows_naming_the_same_new_organization_give_one_in_a_chunk_or_across(
    tmp_path, db, monkeypatch, chunk
):
    monkeypatch.setattr(chunks, "CHUNK", chunk)
    path = write(
        tmp_path,
        ",Vardø Fasteners AS,company,NO,,,registry:NO 918 273\n"  # line 2: creates
        + ",Vardo Fasteners,company,NO,Bolts,VF Bolts,\n"  # 3: the same (name key), adds
        + ",Brisund Alloys,company,SE,,,\n"  # 4: creates
        + ",Another Name,,,,,registry:NO918273\n"  # 5: the same identifier: renames it
        + ",Brisund Alloys,,SE,,,\n"  # 6: the same, gives nothing new
        + "new,Brisund Alloys,company,SE,A second one on purpose,,\n",  # 7: "new" creates
    )
    outcome = orgs_csv.import_file(path)
    assert outcome.ok, outcome.problems
    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 2, 1)
    vardo = Organization.objects.get(identifiers__normalized="NO918273")
    assert (vardo.name, vardo.description) == ("Another Name", "Bolts")
    assert list(vardo.names.values_list("name", flat=True)) == ["VF Bolts"]
    assert Organization.objects.filter(name="Brisund Alloys").count() == 2
    history = vardo.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert {h.history_change_reason for h in history} == {outcome.batch.reason}


def test_a_row_matching_a_new_organization_and_one_of_the_record_is_ambiguous(
    tmp_path, make_org, monkeypatch
):
    monkeypatch.setattr(chunks, "CHUNK", 1000)
    tormek = make_org("Tormek Industri", country="NO", identifiers=[("registry", "NO 555")])
    path = write(
        tmp_path,
        ",Tormek Industri,company,SE,,,\n"  # another country: a new organization
        + ",Tormek Industri,company,,,,\n",  # no country: both are candidates
    )
    outcome = orgs_csv.import_file(path)
    assert (outcome.created, outcome.ambiguous_count) == (1, 1)
    new = Organization.objects.get(name="Tormek Industri", country="SE")
    assert {pid for pid, _name in outcome.ambiguous[0].candidates} == {
        tormek.public_id,
        new.public_id,
    }


def test_a_problem_in_a_later_chunk_leaves_nothing_written(tmp_path, db, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 2)
    good = "".join(f",Fjellvik Gear {i},company,NO,,FG {i},registry:FG-{i}\n" for i in range(5))
    path = write(tmp_path, good + ",Fjellvik Gear 9,spaceship,NO,,,\n")
    outcome = orgs_csv.import_file(path)
    assert not outcome.ok and outcome.batch is None
    assert [(p.line, p.column) for p in outcome.problems] == [(7, "kind")]
    assert outcome.created == 5  # what applying would have done without the bad row
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()
    assert not ImportItem.objects.exists() and not Organization.history.exists()
    assert not OrganizationName.objects.exists() and not Identifier.objects.exists()


def test_organizations_written_in_bulk_have_their_history_and_are_undone_with_the_batch(
    tmp_path, editor, reviewer, monkeypatch
):
    monkeypatch.setattr(chunks, "CHUNK", 2)
    path = write(
        tmp_path,
        ",Skarholt Optics,institute,NO,Lenses,Skarholt|SO Lab,registry:NO 1|domain:skarholt.example\n"
        + ",Merivale Castings,company,GB,,,\n"
        + ",Ostrava Valves,company,CZ,,OV,lei:5299000000000000OV83\n",
    )
    outcome = orgs_csv.import_file(path, actor=editor)
    assert outcome.ok and outcome.created == 3
    batch = outcome.batch
    orgs = list(Organization.objects.all())
    names, identifiers = OrganizationName.objects.all(), Identifier.objects.all()
    assert (len(orgs), names.count(), identifiers.count()) == (3, 3, 3)
    for record in [*orgs, *names, *identifiers]:
        (entry,) = record.history.all()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
            "+",
            editor,
            batch.reason,
        )
    for org in orgs:  # drafts, with the derived state the services keep
        assert org.published_at is None and not org.is_public
        assert org.search_text == visibility.search_text(org) and org.slug and org.name_key
    assert batch.items.filter(action=ImportItem.CREATED).count() == 9

    batches.undo(batch, actor=reviewer)
    assert not Organization.objects.alive().exists()
    assert not OrganizationName.objects.exists() and not Identifier.objects.exists()
    skarholt = Organization.objects.get(name="Skarholt Optics")
    assert skarholt.history.first().history_change_reason.startswith("Undo of import batch")


def test_an_actor_who_may_not_create_organizations_is_refused(tmp_path, outsider):
    path = write(tmp_path, ",Lindgrove Pumps,company,GB,,,\n")
    with pytest.raises(PermissionDenied):
        orgs_csv.import_file(path, actor=outsider)
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize("chunk", [1, 1000])
def test_rows_changing_organizations_of_the_record_match_as_the_rows_above_left_them(
    tmp_path, make_org, reviewer, monkeypatch, chunk
):
    """Updates are written a chunk at a time, but each row sees what the rows above did: a
    renamed organization no longer answers to its old name, and two rows changing one
    organization give two changes, each with its history entry and its undo."""
    monkeypatch.setattr(chunks, "CHUNK", chunk)
    alder = make_org("Alder Ridge Machining", country="NO", description="Shafts")
    brenn = make_org("Brennholt Sensors", country="SE", identifiers=[("registry", "SE 77")])
    path = write(
        tmp_path,
        f"{alder.public_id},Alder Ridge Precision,,,,,\n"  # line 2: renames it
        + ",Alder Ridge Machining,company,NO,,,\n"  # 3: the old name is free: creates
        + ",Alder Ridge Precision,,NO,Shafts and gears,,\n"  # 4: the new name: changes it
        + ",Brennholt Sensors,,SE,Gyroscopes,BHS,\n"  # 5: changes it
        + ",Unrelated Name,,,,,registry:SE77\n"  # 6: the same identifier: renames it
        + ",Brennholt Sensors,,SE,,,\n",  # 7: the old name is free: creates, without a kind
    )
    outcome = orgs_csv.import_file(path)
    assert [(p.line, p.column) for p in outcome.problems] == [(7, "kind")]

    path = write(tmp_path, "\n".join(path.read_text().splitlines()[1:-1]) + "\n")
    outcome = orgs_csv.import_file(path, actor=reviewer)
    assert outcome.ok, outcome.problems
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 4, 0)
    alder.refresh_from_db()
    brenn.refresh_from_db()
    assert (alder.name, alder.description) == ("Alder Ridge Precision", "Shafts and gears")
    assert (brenn.name, brenn.description) == ("Unrelated Name", "Gyroscopes")
    assert list(brenn.names.values_list("name", flat=True)) == ["BHS"]
    assert brenn.search_text == visibility.search_text(brenn)
    assert Organization.objects.filter(name="Alder Ridge Machining").count() == 1
    imported = alder.history.filter(history_change_reason=outcome.batch.reason)
    changes = [h.name for h in imported.order_by("history_id")]
    assert changes == ["Alder Ridge Precision", "Alder Ridge Precision"]

    batches.undo(outcome.batch, actor=reviewer)
    alder.refresh_from_db()
    brenn.refresh_from_db()
    assert (alder.name, alder.description) == ("Alder Ridge Machining", "Shafts")
    assert (brenn.name, brenn.description) == ("Brennholt Sensors", "")
    assert not brenn.names.exists()
    assert (
        not Organization.objects.alive()
        .filter(name="Alder Ridge Machining")
        .exclude(pk=alder.pk)
        .exists()
    )
