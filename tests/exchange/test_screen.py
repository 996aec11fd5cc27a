"""`unmask screen FILE` (issue 18): a list of companies, as a CSV, a spreadsheet or one name
a line, checked against the record's public organizations; the results as CSV, the list
itself kept nowhere. Every name is invented."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from unmask.record import services


@pytest.fixture
def record(make_org):
    korvath = make_org(
        "Korvath Savunma Sanayi ve Ticaret A.Ş.",
        country="TR",
        identifiers=[("lei", "213800I6A8MJ51TQ9K37")],
    )
    trilex = make_org("ООО «Трилекс-Пласт»", country="RU", names=[("Trilex-Plast OOO", "alias")])
    make_org("Korvath Optik Sanayi ve Ticaret A.Ş.", country="TR")
    hidden = make_org("Vosturel Materials Inc.", country="US", publish=False)
    gone = make_org("Leckor Software GmbH", country="DE")
    services.soft_delete(gone, reason="Not a supplier")
    return {"korvath": korvath, "trilex": trilex, "hidden": hidden}


def _screen(path, *args) -> list[dict]:
    out = io.StringIO()
    call_command("screen", str(path), *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_a_csv_list_is_screened_with_its_columns_recognized(tmp_path, record):
    path = tmp_path / "suppliers.csv"
    path.write_text(
        "Supplier;Country;LEI\n"
        "KORVATH SAVUNMA SAN. VE TIC. A.S.;Turkey;\n"
        "Trileks-Plast LLC;RU;\n"
        "Garbled name;;213800I6A8MJ51TQ9K37\n"
        "Korvath Çelik Sanayi ve Ticaret A.Ş.;TR;\n"
        "Vosturel Materials Inc.;US;\n"
        "Leckor Software GmbH;DE;\n",
        encoding="utf-8",
    )
    rows = _screen(path)
    assert [r["line"] for r in rows] == ["2", "3", "4", "5", "6", "7"]
    assert [r["verdict"] for r in rows] == [
        "match",
        "match",
        "match",
        "no match",  # another sector word: another company
        "no match",  # not published
        "no match",  # deleted
    ]
    korvath = record["korvath"].public_id
    assert rows[0]["organization id"] == korvath and rows[2]["organization id"] == korvath
    assert rows[0]["profile"].endswith(f"/org/{korvath}/")
    assert rows[2]["rule"] == "identifier"
    assert "country TR" in rows[0]["evidence"]  # "Turkey" read as TR
    assert rows[1]["organization id"] == record["trilex"].public_id


def test_a_spreadsheet_and_a_list_of_names_are_read_too(tmp_path, record):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nr.", "Firmenname", "Land"])
    sheet.append([1, "Trilex-Plast OOO", "RU"])
    sheet.append([2, None, None])
    sheet.append([3, "@Pexalor Robotics", "DE"])
    xlsx = tmp_path / "aussteller.xlsx"
    book.save(xlsx)
    rows = _screen(xlsx)
    assert [(r["line"], r["verdict"]) for r in rows] == [("2", "match"), ("4", "no match")]
    assert rows[1]["name"] == "'@Pexalor Robotics"  # written so that no spreadsheet runs it

    text = tmp_path / "names.txt"
    text.write_text("Korvath Savunma A.Ş.\n\nTrilex Plast\n", encoding="utf-8")
    assert [r["verdict"] for r in _screen(text)] == ["match", "match"]


def test_a_column_can_be_chosen_and_a_wrong_choice_says_what_there_is(tmp_path, record):
    path = tmp_path / "list.csv"
    path.write_text("ref,holder\n1,Trilex-Plast OOO\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"No column of names was recognized.*ref, holder"):
        _screen(path)
    assert _screen(path, "--name-column", "holder")[0]["verdict"] == "match"
    with pytest.raises(CommandError, match="no column 'owner'"):
        _screen(path, "--name-column", "owner")
