"""The CSV import's dry run writes nothing (exchange/formats/orgs_csv/check.py), yet must report
what applying the same file reports: the same counts, the same problems at the same lines and
columns in the same order, the same ambiguous rows. Checked on files drawn at random from rows
that exercise every rule (matching by name, other name, identifier and id; a row naming one
organization twice, renaming it, or naming one the file creates; likely duplicates; bad cells;
values the bulk writer refuses), in chunks of one row, of a few and of the whole file."""

from __future__ import annotations

import random

import pytest
from django.db import DatabaseError, connection, transaction

from unmask.exchange.formats.orgs_csv import check, chunks
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.record import services
from unmask.record.models import Organization

HEADER = "id,name,kind,country,description,other_names,identifiers\n"
NAMES = [
    "Vardø Fasteners AS",
    "Vardo Fasteners",
    "VARDO FASTENERS A/S",
    "Brisund Alloys",
    "Brisund Alloys AB",
    "Kestrel Harbour Optics",
    "Tormek Industri",
    "Lunde Composites",
    "Kestrel Harbor Optics",  # likely the record's (a slip)
    "Брисунд Аллойс",  # likely Brisund Alloys, once a row created it (another script)
    "Q" * 301,  # too long: a problem of the row
]
ALIASES = ["", "", "", "VF Bolts", "Brisund|Kestrel Optics", "Lunde", "A" * 301]
IDENTIFIERS = [
    "",
    "",
    "",
    "registry:NO 918 273",
    "registry:NO918273",
    "registry:SE 77",
    "domain:kestrel.example",
    "lei:5299000000000000OV83",
    "lei:NOT-A-LEI",
    "registry:" + "9" * 201,  # longer than an identifier may be
]
KINDS = ["", "", "company", "institute", "spaceship"]
COUNTRIES = ["", "", "NO", "SE", "Sweden", "XX"]
DESCRIPTIONS = ["", "", "Bolts", "Gears", "Bolts and gears"]


class _Undo(Exception):
    pass


@pytest.fixture
def record(make_org):
    tormek = make_org("Tormek Industri", country="NO", identifiers=[("registry", "SE 77")])
    make_org("Tormek Industri", country="SE")
    kestrel = make_org(
        "Kestrel Harbour Optics",
        country="GB",
        description="Lenses",
        names=[("Kestrel Optics", "alias")],
    )
    gone = make_org("Lunde Composites", country="NO", publish=False)
    services.soft_delete(gone, reason="Not a supplier")
    return [tormek.public_id, kestrel.public_id, "nosuch1"]


def _cell(text: str) -> str:
    return f'"{text}"' if "," in text or "|" in text else text


def _file(rng: random.Random, ids: list[str], rows: int) -> str:
    lines = []
    for _ in range(rows):
        cells = [
            rng.choice(["", "", "", "", "new", *ids]),
            rng.choice(NAMES[:-1] * 6 + NAMES[-1:]),
            rng.choice(KINDS),
            rng.choice(COUNTRIES),
            rng.choice(DESCRIPTIONS),
            rng.choice(ALIASES),
            rng.choice(IDENTIFIERS),
        ]
        lines.append(",".join(_cell(cell) for cell in cells))
    return HEADER + "\n".join(lines) + "\n"


def _seen(outcome) -> tuple:
    return (
        outcome.rows,
        outcome.created,
        outcome.updated,
        outcome.unchanged,
        outcome.ambiguous_count,
        [(p.line, p.column, p.message) for p in outcome.problems],
        # The public ids of organizations the file creates are drawn anew by each run.
        [
            (a.line, a.name, a.likely, sorted(name for _pid, name in a.candidates))
            for a in outcome.ambiguous
        ],
    )


def _applied(path):
    try:
        with transaction.atomic():
            outcome = orgs_csv.import_file(path)
            raise _Undo
    except _Undo:
        return outcome


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_a_dry_run_reports_what_applying_reports(tmp_path, record, monkeypatch, chunk):
    monkeypatch.setattr(chunks, "CHUNK", chunk)
    monkeypatch.setattr(check, "CHUNK", chunk)
    rng = random.Random(chunk)
    path = tmp_path / "orgs.csv"
    compared = {"ok": 0, "problems": 0, "ambiguous": 0, "likely": 0, "updated": 0}
    for _ in range(40):
        path.write_text(_file(rng, record, rng.randint(1, 14)), encoding="utf-8")
        before = Organization.objects.count()
        dry = orgs_csv.import_file(path, dry_run=True)
        assert Organization.objects.count() == before  # the dry run wrote nothing
        applied = _applied(path)
        assert _seen(dry) == _seen(applied), path.read_text()
        compared["ok" if applied.ok else "problems"] += 1
        compared["ambiguous"] += bool(applied.ambiguous_count)
        compared["likely"] += any(a.likely for a in applied.ambiguous)
        compared["updated"] += bool(applied.updated)
    # The files drew every kind of case: the comparison is not of empty outcomes.
    assert all(compared.values()), compared


def test_a_dry_run_writes_nothing_and_leaves_no_table_behind(tmp_path, record):
    path = tmp_path / "orgs.csv"
    path.write_text(HEADER + ",Fenwick Gyros,company,GB,,FG,registry:GB 1\n", encoding="utf-8")
    tables = set(connection.introspection.table_names())
    dry = orgs_csv.import_file(path, dry_run=True)
    assert dry.ok and dry.created == 1 and dry.batch is None
    assert not Organization.objects.filter(name="Fenwick Gyros").exists()
    assert set(connection.introspection.table_names()) == tables
    # The temporary tables are gone too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM unmask_check_org")
