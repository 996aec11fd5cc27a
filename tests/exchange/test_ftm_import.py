"""FollowTheMoney entities from elsewhere (Aleph, OpenSanctions): organizations, their
addresses, links between them and the documents that prove them come in as drafts for
reviewers; persons never; what cannot be placed is counted, not guessed; the same file twice
changes nothing; a bad entity is reported at its line and nothing is written."""

from __future__ import annotations

import json

from unmask.exchange import intake
from unmask.exchange.formats.ftm import read as ftm_import
from unmask.exchange.models import ImportBatch
from unmask.record.models import Citation, Link, Organization, Site, Source


def entity(id, schema, **properties) -> dict:
    return {"id": id, "schema": schema, "properties": properties}


FOREIGN = [
    entity("oc-p1", "Person", name=["Someone Private"]),
    entity(
        "oc-c1",
        "Company",
        name=["Brannvik Propulsion AS"],
        alias=["Brannvik"],
        country=["no"],
        registrationNumber=["NO 912 345 678"],
        addressEntity=["oc-a1"],
    ),
    entity(
        "oc-a1",
        "Address",
        full=["Industriveien 4, 7080 Heimdal, Norway"],
        city=["Heimdal"],
        country=["no"],
        latitude=["63.3500"],
        longitude=["10.3570"],
    ),
    entity(
        "oc-c2",
        "Company",
        name=["Fjordheim Holding ASA"],
        country=["no"],
        sourceUrl=["https://registry.example.org/fjordheim"],
    ),
    entity("oc-o1", "Ownership", owner=["oc-p1"], asset=["oc-c1"], percentage=["10"]),
    entity(
        "oc-o2",
        "Ownership",
        owner=["oc-c2"],
        asset=["oc-c1"],
        percentage=["51"],
        startDate=["2020"],
        proof=["oc-d1"],
    ),
    entity(
        "oc-d1",
        "Document",
        title=["Annual report 2021"],
        publisher=["Fjordheim Holding ASA"],
        sourceUrl=["https://fjordheim.example.org/report-2021.pdf"],
        publishedAt=["2022-03-01"],
        language=["nor"],
    ),
]


def write(tmp_path, entities, name="foreign.ftm.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def test_foreign_entities_come_in_as_drafts_and_twice_changes_nothing(tmp_path, db):
    path = write(tmp_path, FOREIGN)
    outcome = intake.import_any(path)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.left_out == {
        "persons (never imported)": 1,
        "links with an end that is not an organization here": 1,
    }
    assert not Organization.objects.filter(name__icontains="Private").exists()
    brannvik = Organization.objects.get(name="Brannvik Propulsion AS")
    assert (brannvik.country.code, brannvik.kind, brannvik.is_public) == ("NO", "company", False)
    assert list(brannvik.names.values_list("name", flat=True)) == ["Brannvik"]
    site = Site.objects.get(organization=brannvik)
    assert (site.city, site.country.code, site.latitude, site.role) == (
        "Heimdal",
        "NO",
        63.35,
        "other",
    )
    owns = Link.objects.get()
    assert (owns.subject.name, owns.object, owns.relation, owns.share, owns.start) == (
        "Fjordheim Holding ASA",
        brannvik,
        "owns",
        51,
        "2020",
    )
    assert owns.status == "reported" and owns.published_at is None
    report = Source.objects.get(title="Annual report 2021")
    assert (report.language, report.published_on, report.url) == (
        "no",
        "2022-03-01",
        "https://fjordheim.example.org/report-2021.pdf",
    )
    assert Citation.objects.filter(source=report, link=owns).exists()
    assert Citation.objects.filter(
        source__url="https://registry.example.org/fjordheim", organization=owns.subject
    ).exists()

    again = ftm_import.import_ftm(path)
    assert again.ok and (again.created, again.updated) == (0, 0)
    assert Organization.objects.count() == 2 and Link.objects.count() == 1


def test_a_bad_entity_is_reported_at_its_line_and_nothing_is_written(tmp_path, db):
    nameless = entity("oc-c9", "Company", country=["no"])
    path = write(tmp_path, [*FOREIGN, nameless, "not json"])
    path.write_text(path.read_text().replace('"not json"', "not json"), encoding="utf-8")
    outcome = intake.import_any(path)
    assert [(p.line, p.column) for p in outcome.problems] == [(9, "")]
    assert "not a FollowTheMoney entity" in outcome.problems[0].message

    path = write(tmp_path, [*FOREIGN, nameless])
    outcome = intake.import_any(path)
    assert [str(p) for p in outcome.problems] == [
        "foreign.ftm.jsonl, line 8, column name: the entity has no name."
    ]
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()


def test_an_lei_failing_its_check_digits_is_refused_at_its_line_not_dropped(tmp_path, db):
    """FtM's own cleaning would drop it without a word; the import says where it is."""
    vesna = entity(
        "oc-c3",
        "Company",
        name=["Vesna Avionics"],
        country=["pl"],
        leiCode=["984500UNMASKTEST0061"],
    )
    outcome = intake.import_any(write(tmp_path, [*FOREIGN, vesna]))
    assert [str(p) for p in outcome.problems] == [
        "foreign.ftm.jsonl, line 8, column leiCode: Legal Entity Identifier (LEI) "
        "“984500UNMASKTEST0061”: its check digits do not match (ISO 17442): a character is "
        "mistyped or two are swapped."
    ]
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()
