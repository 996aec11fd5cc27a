"""Identifiers are checked where they are entered, as FollowTheMoney checks them (an LEI's
ISO 17442 check digits, a Wikidata item's Q-number, a website's address): the admin's form and
every import refuse a value the FtM export could not carry, with a message naming the scheme
and the value (and, in an import, the line and column)."""

from __future__ import annotations

import pytest

from unmask.exchange.formats.csvbundle import read as bundle_import
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.exchange.models import ImportBatch
from unmask.exchange.selection import Selection
from unmask.record.identifiers import identifier_error
from unmask.record.models import Identifier, Organization

from .test_admin import _inline, _org_form

LEI = "984500UNMASKTEST0060"  # invented, with valid check digits
BAD_LEI = "984500UNMASKTEST0061"  # one digit off
CHECK_DIGITS = f"Legal Entity Identifier (LEI) “{BAD_LEI}”: its check digits do not match"


@pytest.mark.parametrize(
    ("scheme", "value", "words"),
    [
        ("lei", BAD_LEI, "check digits do not match (ISO 17442)"),
        ("lei", "984500UNMASK", "an LEI has 20 letters and digits, this one 12."),
        ("wikidata", "Korvex", "Wikidata item “Korvex”: write the item's Q-number, like Q42."),
        ("domain", "korvex example", "not a website domain"),
    ],
)
def test_a_value_ftm_would_refuse_is_named_with_its_scheme(scheme, value, words):
    assert words in identifier_error(scheme, value)


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("lei", LEI),
        ("lei", "9845 00UN MASK TEST 0060"),  # typed in groups: FtM compacts it
        ("wikidata", "https://www.wikidata.org/wiki/Q42"),
        ("domain", "korvex.example"),
        ("registry", "HRB 12345 ✓"),  # no form to check
    ],
)
def test_values_ftm_accepts_pass(scheme, value):
    assert identifier_error(scheme, value) is None


def test_the_admin_refuses_a_bad_lei_and_keeps_what_was_typed(client, reviewer):
    client.force_login(reviewer)
    data = _org_form(**_inline("identifiers", total=1))
    data |= {"identifiers-0-scheme": "lei", "identifiers-0-value": BAD_LEI}
    response = client.post("/admin/record/organization/add/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert CHECK_DIGITS in page
    assert not Organization.objects.exists()

    data["identifiers-0-value"] = LEI
    assert client.post("/admin/record/organization/add/", data).status_code == 302
    assert Identifier.objects.get().value == LEI


def test_the_organizations_csv_refuses_a_bad_lei_at_its_line_and_column(tmp_path, db):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "name,kind,country,identifiers\n"
        f"Korvex Aerodynamics,company,DE,lei:{LEI}\n"
        f"Lindqvist Composites,company,SE,registry:556000-1234|lei:{BAD_LEI}\n",
        encoding="utf-8",
    )
    outcome = orgs_csv.import_file(path)
    assert [(p.line, p.column) for p in outcome.problems] == [(3, "identifiers")]
    assert CHECK_DIGITS in outcome.problems[0].message
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()


def test_the_bundle_refuses_a_bad_lei_at_its_line_and_column(tmp_path, make_org):
    make_org("Korvex Aerodynamics", identifiers=[("lei", LEI)])
    directory = tmp_path / "bundle"
    csvbundle.write(Selection.everything(), directory)
    path = directory / "identifiers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(LEI, BAD_LEI), encoding="utf-8")

    outcome = bundle_import.import_bundle(directory)
    assert [(p.file, p.line, p.column) for p in outcome.problems] == [
        ("identifiers.csv", 2, "value")
    ]
    assert CHECK_DIGITS in outcome.problems[0].message
    assert Identifier.objects.get().value == LEI
