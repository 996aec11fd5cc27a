"""What an import says about input it cannot take (issue 15, items 13 and 17): a quote never
closed, bytes that are not text, a NUL character, a header naming a column twice: an error
saying where, on the command line (non-zero, no traceback) and in the admin (no 500); an
unknown column: a warning naming it. For CSV files, CSV bundles and FollowTheMoney lines."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from unmask.exchange import intake
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.exchange.selection import Selection
from unmask.record.models import Organization

DATA = Path(__file__).parent / "data"
HEADER = "id,name,kind,country,description\n"
GARBAGE = b"\x81" + bytes(range(0x80, 0x100)) * 4  # not text in any encoding the reader takes


def write(tmp_path, data: bytes | str, name="orgs.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_unclosed_quote_is_reported_where_it_opens(db):
    outcome = orgs_csv.import_file(DATA / "broken.csv")
    assert [str(p) for p in outcome.problems] == [
        "broken.csv, line 3, column description: a quote opens here and is never closed."
    ]
    assert not Organization.objects.exists()
    _out, err = run(DATA / "broken.csv")
    assert "line 3, column description: a quote opens here and is never closed" in err


def test_a_quote_closed_rows_later_is_reported_where_it_opens(tmp_path, db):
    path = write(
        tmp_path,
        HEADER
        + ',Alder Fittings,company,DE,"Valves\n'
        + ",Birchmont Castings,company,DE,Cast parts\n"
        + ',Cobalt Ridge Motors,company,DE,"Engines, small"\n',
    )
    outcome = orgs_csv.import_file(path)
    assert [(p.line, p.column) for p in outcome.problems] == [(2, "description")]
    assert "a quote opens here" in outcome.problems[0].message


def test_quoted_values_over_several_lines_still_import(tmp_path, db):
    path = write(
        tmp_path,
        HEADER + ',Alder Fittings,company,DE,"Valves, ""fine"" ones\nand fittings"\n'
        ",Birchmont Castings,company,DE,Cast parts\n",
    )
    outcome = orgs_csv.import_file(path)
    assert outcome.ok and outcome.created == 2
    assert Organization.objects.get(name="Alder Fittings").description == (
        'Valves, "fine" ones\nand fittings'
    )


def test_bytes_that_are_not_text_name_the_line_and_byte(tmp_path, db, editor, client, settings):
    text = HEADER + ",Alder Fittings,company,DE,ok\n"
    path = write(tmp_path, text.encode() + GARBAGE, name="bin.csv")
    outcome = orgs_csv.import_file(path)
    assert len(outcome.problems) == 1
    problem = outcome.problems[0]
    assert problem.line == 3 and problem.message.startswith(f"byte {len(text)}: not ")
    _out, err = run(path)
    assert f"bin.csv, line 3: byte {len(text)}: not " in err and "Traceback" not in err

    settings.VAR_DIR = tmp_path
    client.force_login(editor)
    upload = SimpleUploadedFile("bin.csv", path.read_bytes())
    page = client.post("/admin/exchange/importbatch/import/", {"file": upload})
    assert page.status_code == 200 and f"byte {len(text)}: not " in page.content.decode()


def test_a_nul_character_is_an_error_naming_line_and_column(tmp_path, db):
    path = write(tmp_path, HEADER + ",Alder Fittings,company,DE,ok\n,Birch\0mont,company,DE,\n")
    outcome = orgs_csv.import_file(path)
    assert [(p.line, p.column) for p in outcome.problems] == [(3, "name")]
    assert "NUL" in outcome.problems[0].message
    assert not Organization.objects.exists()


def test_a_column_named_twice_is_an_error_naming_both(tmp_path, db):
    path = write(tmp_path, "name,kind,country,name\nAlder Fittings,company,DE,Other\n")
    outcome = orgs_csv.import_file(path)
    assert [str(p) for p in outcome.problems] == [
        "orgs.csv, line 1: columns 1 and 4 are both named 'name'."
    ]


def test_an_unknown_column_is_a_warning_naming_it(tmp_path, db, editor, client, settings):
    path = write(tmp_path, "name,kind,country,website\nAlder Fittings,company,DE,example.org\n")
    outcome = orgs_csv.import_file(path, dry_run=True)
    assert outcome.ok and outcome.warnings == ["orgs.csv, line 1: column 'website' is not read."]
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out)
    assert "column 'website' is not read" in out.getvalue()
    settings.VAR_DIR = tmp_path
    client.force_login(editor)
    upload = SimpleUploadedFile("orgs.csv", path.read_bytes())
    page = client.post("/admin/exchange/importbatch/import/", {"file": upload}).content.decode()
    assert "column &#x27;website&#x27; is not read" in page


# --- the CSV bundle and FollowTheMoney lines ---------------------------------------------------
def bundle_with(tmp_path, change) -> Path:
    """The record's CSV bundle with organizations.csv changed by `change(bytes) -> bytes`."""
    buffer = io.BytesIO()
    csvbundle.write_zip(Selection.everything(), buffer)
    path = tmp_path / "record.csv.zip"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("organizations.csv"):
                data = change(data)
            target.writestr(info, data)
    return path


def _first_line(data: bytes) -> tuple[bytes, bytes]:
    header, _, rest = data.partition(b"\n")
    return header, rest


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d + b'new-1,"Alder Fittings,company\n', (None, "name", "never closed")),
        (lambda d: d + GARBAGE, (None, "", "not utf-8-sig text")),
        (lambda d: d.replace(b"Korvex", b"Kor\0vex", 1), (None, "name", "NUL")),
        (
            lambda d: _first_line(d)[0].replace(b"name", b"id", 1) + b"\n" + _first_line(d)[1],
            (1, "", "columns 1 and 2 are both named 'id'"),
        ),
    ],
    ids=["unclosed-quote", "not-text", "nul", "column-twice"],
)
def test_the_bundle_says_where_too(tmp_path, network, change, expected):
    line, column, message = expected
    outcome = intake.import_any(bundle_with(tmp_path, change), dry_run=True)
    assert not outcome.ok
    problem = outcome.problems[0]
    assert problem.file == "organizations.csv" and message in problem.message
    assert problem.column == column and problem.line >= 1
    if line:
        assert problem.line == line


def test_an_unknown_column_of_the_bundle_is_a_warning(tmp_path, network):
    def add_website(data: bytes) -> bytes:
        lines = data.split(b"\r\n") if b"\r\n" in data else data.split(b"\n")
        sep = b"\r\n" if b"\r\n" in data else b"\n"
        return sep.join([lines[0] + b",website", *(x + b"," if x else x for x in lines[1:])])

    outcome = intake.import_any(bundle_with(tmp_path, add_website), dry_run=True)
    assert outcome.ok, outcome.problems
    assert outcome.warnings == ["organizations.csv, line 1: column 'website' is not read."]


def test_followthemoney_lines_that_are_not_text_or_hold_nul(tmp_path, db):
    good = '{"id": "oc-1", "schema": "Company", "properties": {"name": ["Alder Fittings"]}}\n'
    path = write(tmp_path, (good * 2).encode() + GARBAGE, name="bad.ftm.jsonl")
    outcome = intake.import_any(path)
    expected = (3, f"byte {2 * len(good)}")
    assert [(p.line, p.message.split(":")[0]) for p in outcome.problems] == [expected]
    path = write(tmp_path, good + good.replace("Alder", "Al\0der"), name="nul.ftm.jsonl")
    outcome = intake.import_any(path)
    assert [(p.line, "NUL" in p.message) for p in outcome.problems] == [(2, True)]
    assert not Organization.objects.exists()
