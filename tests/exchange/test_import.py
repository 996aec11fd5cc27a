"""Importing organizations from CSV as real files come: matched against the record, all or
nothing, the same file twice changes nothing, a batch undone as a whole, and every error with
its file, line and column."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.exchange.models import ImportBatch
from unmask.exchange.selection import Selection
from unmask.record.models import Organization

HEADER = "id,name,kind,country,description,other_names,identifiers\n"


def write(tmp_path, text: str, encoding="utf-8", name="orgs.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_dry_run_reports_and_writes_nothing_then_apply_and_again_changes_nothing(tmp_path, network):
    engines = network["orgs"]["engines"]
    path = write(
        tmp_path,
        HEADER
        + ",Korvex Aerodynamics GmbH,company,DE,Engines,KX Aero,registry:HRB 4411\n"
        + ",Brenmark Avionics,company,DE,Flight computers,,lei:529900T8BM49AURSDO55\n"
        + ",Norrsken Metals,company,Sweden,,,\n",
    )
    before = Organization.objects.count()
    dry = orgs_csv.import_file(path, dry_run=True)
    assert dry.ok and (dry.created, dry.updated, dry.unchanged) == (2, 1, 0)
    assert Organization.objects.count() == before and not ImportBatch.objects.exists()

    done = orgs_csv.import_file(path)
    assert (done.created, done.updated, done.unchanged) == (dry.created, dry.updated, 0)
    engines.refresh_from_db()
    assert engines.description == "Engines"  # matched by name and country (legal form ignored)
    assert "KX Aero" in engines.names.values_list("name", flat=True)
    assert engines.identifiers.filter(scheme="registry").exists()
    new = Organization.objects.get(name="Norrsken Metals")
    assert new.country.code == "SE" and not new.is_public  # a draft, for reviewers to cite
    history = new.history.first()
    assert history.history_change_reason == done.batch.reason

    again = orgs_csv.import_file(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Organization.objects.count() == before + 2


def test_the_sites_own_export_of_organizations_imported_again_changes_nothing(
    tmp_path, network, make_org
):
    """The organizations.csv of the site's export, as a person downloads it and imports it
    back: cells a spreadsheet would run (guarded with a quote, which the import takes off
    again), a name beginning with a tab, texts with spaces around them: all the same."""
    make_org("=HYPERLINK(1)", kind="other", description="-Formula-like description")
    make_org("\tTabbed Holding", description="  Spaces around.\n")
    make_org("+Plus  Two  Spaces", description="@mention")
    csvbundle.write(Selection.everything(), tmp_path / "export")
    path = tmp_path / "export" / "organizations.csv"
    cells = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in cells and "'\tTabbed Holding" in cells  # guarded as written

    outcome = orgs_csv.import_file(path)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert (outcome.created, outcome.updated) == (0, 0)
    assert outcome.unchanged == Organization.objects.public().count() == outcome.rows
    assert Organization.objects.filter(name="\tTabbed Holding").exists()


def test_one_bad_row_means_nothing_is_written_and_says_where(tmp_path, network):
    path = write(
        tmp_path,
        HEADER
        + ",Good Row Industries,company,DE,,,\n"
        + ",,company,DE,,,\n"
        + ",Bad Kind Ltd,spaceship,DE,,,\n"
        + ",Bad Country Ltd,company,Atlantis,,,\n"
        + ",Bad Id Ltd,company,DE,,,isbn:123\n"
        + "zzzzzzzz,Unknown Id,company,DE,,,\n",
    )
    before = Organization.objects.count()
    outcome = orgs_csv.import_file(path)
    assert not outcome.ok and outcome.batch is None
    where = [(p.line, p.column) for p in outcome.problems]
    assert where == [(3, "name"), (4, "kind"), (5, "country"), (6, "identifiers"), (7, "id")]
    assert str(outcome.problems[1]).startswith("orgs.csv, line 4, column kind: 'spaceship'")
    assert Organization.objects.count() == before  # the good row was not written either


def test_ambiguous_rows_are_listed_and_left_out_until_a_person_decides(tmp_path, make_org):
    first = make_org("Halvard Systems", country="NO")
    second = make_org("Halvard Systems AS", country="NO", allow_duplicate=True)
    path = write(tmp_path, HEADER + ",Halvard Systems,company,NO,New text,,\n")
    outcome = orgs_csv.import_file(path)
    assert outcome.ok and outcome.ambiguous_count == 1 and outcome.updated == 0
    assert {pid for pid, _name in outcome.ambiguous[0].candidates} == {
        first.public_id,
        second.public_id,
    }
    decided = write(
        tmp_path, HEADER + f"{second.public_id},Halvard Systems,company,NO,New text,,\n"
    )
    assert orgs_csv.import_file(decided).updated == 1
    second.refresh_from_db()
    assert second.description == "New text"


def test_a_likely_duplicate_is_listed_and_left_out_until_a_person_decides(tmp_path, make_org):
    korvath = make_org("Korvath Savunma A.Ş.", country="TR", publish=False)
    path = write(
        tmp_path,
        HEADER
        + ",Korvath Savunma Sanayi ve Ticaret Anonim Şirketi,company,TR,Drones,,\n"  # 2: likely
        + ",Korvath Savunma A.Ş.,company,TR,Airframes,,\n"  # 3: the same name: updates it
        + ",Halvorsen Gyroteknikk AS,company,NO,,,\n"  # 4: nothing like it: created
        + ",Halvorson Gyroteknikk,company,NO,,,\n"  # 5: likely the one row 4 creates
        + ",Halvorsen Avionikk AS,company,NO,,,\n"  # 6: a word apart: another, created
        + "new,Halvorson Gyroteknikk,company,NO,,,\n",  # 7: "new" creates it anyway
    )
    dry = orgs_csv.import_file(path, dry_run=True)
    outcome = orgs_csv.import_file(path)
    assert outcome.ok and (outcome.created, outcome.updated, outcome.ambiguous_count) == (3, 1, 2)
    assert (dry.created, dry.updated, dry.ambiguous_count) == (3, 1, 2)
    likely = {a.line: a for a in outcome.ambiguous}
    assert likely.keys() == {2, 5} and all(a.likely for a in likely.values())
    ((pid, why),) = likely[2].candidates
    assert pid == korvath.public_id
    assert why == "Korvath Savunma A.Ş. (likely the same: «Korvath Savunma A.Ş.», same name)"
    halvorsen = Organization.objects.get(name="Halvorsen Gyroteknikk AS")
    assert likely[5].candidates == [
        (
            halvorsen.public_id,
            "Halvorsen Gyroteknikk AS (likely the same: «Halvorsen Gyroteknikk AS», a typing"
            " slip in the name)",
        )
    ]
    korvath.refresh_from_db()
    assert korvath.description == "Airframes"
    assert Organization.objects.filter(name="Halvorson Gyroteknikk").count() == 1  # row 7's

    decided = write(
        tmp_path,
        HEADER + f"{korvath.public_id},Korvath Savunma A.Ş.,company,TR,,"
        "Korvath Savunma Sanayi ve Ticaret Anonim Şirketi,\n",
    )
    assert orgs_csv.import_file(decided).updated == 1
    assert korvath.names.get().name == "Korvath Savunma Sanayi ve Ticaret Anonim Şirketi"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-16", "\t"), ("cp1252", ";"), ("utf-8", ";")],
)
def test_encodings_and_separators_of_real_files(tmp_path, db, encoding, delimiter):
    text = (HEADER + ",Société Générale d'Équipement,company,FR,Ça marche,,\n").replace(
        ",", delimiter
    )
    path = write(tmp_path, text, encoding=encoding)
    outcome = orgs_csv.import_file(path)
    assert outcome.ok, outcome.problems
    assert Organization.objects.get().name == "Société Générale d'Équipement"


def test_a_batch_is_undone_as_a_whole(tmp_path, network):
    engines = network["orgs"]["engines"]
    old_description = engines.description
    path = write(
        tmp_path,
        HEADER
        + ",Korvex Aerodynamics,company,DE,Changed,KX Aero,\n,Norrsken Metals,company,SE,,,\n",
    )
    batch = orgs_csv.import_file(path).batch
    out = io.StringIO()
    call_command("import", "--undo", str(batch.pk), stdout=out)
    engines.refresh_from_db()
    assert engines.description == old_description
    assert not engines.names.filter(name="KX Aero").exists()
    assert Organization.objects.alive().filter(name="Norrsken Metals").count() == 0
    batch.refresh_from_db()
    assert batch.undone_at is not None
    with pytest.raises(CommandError, match="already undone"):
        call_command("import", "--undo", str(batch.pk), stdout=io.StringIO())


def test_the_command_reports_errors_and_exits_non_zero(tmp_path, db):
    path = write(tmp_path, HEADER + ",No Kind Given,,DE,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert "orgs.csv, line 2, column kind" in err.getvalue()
    assert not Organization.objects.exists()


def test_the_admin_shows_the_dry_run_then_applies_and_undoes(
    client, editor, reviewer, outsider, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client.force_login(outsider)
    assert client.get("/admin/exchange/importbatch/import/").status_code in (302, 403)
    client.force_login(editor)
    template = client.get("/admin/exchange/importbatch/template.csv")
    assert template.content.decode().startswith("id,name,kind,country")
    bad = SimpleUploadedFile("orgs.csv", (HEADER + ",<b>Nameless</b> kind,robot,DE,,,\n").encode())
    page = client.post("/admin/exchange/importbatch/import/", {"file": bad}).content.decode()
    assert "&#x27;robot&#x27; is not a kind" in page and "Apply this import" not in page
    good = SimpleUploadedFile("orgs.csv", (HEADER + ",Norrsken Metals,company,SE,,,\n").encode())
    page = client.post("/admin/exchange/importbatch/import/", {"file": good}).content.decode()
    assert "1 records would be created" in page and not Organization.objects.exists()
    upload = re.search(r'name="upload" value="([\w-]{24})"', page).group(1)
    applied = client.post(
        "/admin/exchange/importbatch/import/", {"apply": "1", "upload": upload, "name": "orgs.csv"}
    )
    assert applied.status_code == 302
    org = Organization.objects.get()
    assert org.history.first().history_user == editor
    batch = ImportBatch.objects.get()
    undo = {"action": "undo_batches", "_selected_action": [batch.pk]}
    client.post("/admin/exchange/importbatch/", undo)  # deleting is a reviewer's decision
    assert Organization.objects.alive().exists()
    client.force_login(reviewer)
    client.post("/admin/exchange/importbatch/", undo)
    assert not Organization.objects.alive().exists()


def test_followthemoney_lines_import_organizations_and_match_ours_by_id(tmp_path, network):
    from unmask.exchange import intake
    from unmask.exchange.formats.ftm import write as ftm
    from unmask.exchange.selection import Selection

    exported = io.StringIO()
    ftm.write(Selection.everything(), exported)
    path = write(tmp_path, exported.getvalue(), name="record.ftm.jsonl")
    outcome = intake.import_any(path)
    assert outcome.ok and outcome.created == 0 and outcome.updated == 0
    assert outcome.tables["organizations"].unchanged == 4  # our own organizations, by id

    foreign = [
        '{"id": "oc-1", "schema": "Company", "properties": {"name": ["Vesterholm Optics A/S",'
        ' "Vesterholm"], "country": ["dk"], "registrationNumber": ["DK-12345678"]}}',
        '{"id": "oc-2", "schema": "PublicBody", "properties": {"name": ["Procurement Office"]}}',
        "not json",
    ]
    bad = write(tmp_path, "\n".join(foreign) + "\n", name="bad.ftm.jsonl")
    refused = intake.import_any(bad)
    assert [(p.line, p.message.split(" (")[0]) for p in refused.problems] == [
        (3, "not a FollowTheMoney entity")
    ]
    good = write(tmp_path, "\n".join(foreign[:2]) + "\n", name="good.ftm.jsonl")
    done = intake.import_any(good)
    assert done.ok and done.tables["organizations"].created == 2
    vesterholm = Organization.objects.get(name="Vesterholm Optics A/S")
    assert vesterholm.country.code == "DK" and vesterholm.kind == "company"
    assert list(vesterholm.names.values_list("name", flat=True)) == ["Vesterholm"]
    assert vesterholm.identifiers.get().value == "DK-12345678"
