"""The bundle import writes a chunk of rows at a time through the record's bulk writer
(csvbundle/read.py, CHUNK). The round trips again with chunks of two rows, so that every table
crosses chunk boundaries (an organization's other names, a link's status history, the rows
published, split between chunks) and commits between them; and values only the writer's checks
refuse, in several rows of one chunk, each reported at its line and column."""

from __future__ import annotations

import pytest

from unmask.exchange import batches
from unmask.exchange.formats.csvbundle import read as bundle_import
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.models import ImportBatch
from unmask.exchange.selection import Selection
from unmask.record.models import Link

from .test_roundtrip import (  # noqa: F401 - the fixture and the tests, run again here
    counts,
    read_table,
    record,
    test_a_row_that_fails_after_others_were_committed_undoes_the_whole_batch,
    test_an_organization_of_another_site_is_matched_and_the_batch_can_be_undone,
    test_descriptions_in_other_languages_are_added_changed_and_undone,
    test_export_import_into_an_empty_record_export_again_gives_the_same_data,
    test_ftm_export_import_into_an_empty_record_export_again_gives_the_same_entities,
    test_importing_the_same_bundle_twice_changes_nothing,
    wipe,
    write_table,
)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(bundle_import, "CHUNK", 2)


@pytest.mark.usefixtures("record")
def test_bad_values_of_several_rows_of_a_chunk_are_each_listed_where_they_are(tmp_path):
    directory = tmp_path / "bundle"
    csvbundle.write(Selection.everything(), directory)
    sites = read_table(directory, "sites")
    assert len(sites) >= 3
    for index, role in ((0, "moon"), (1, "moon"), (2, "mars")):
        sites[index]["role"] = role
    write_table(directory, "sites", sites)
    wipe()

    outcome = bundle_import.import_bundle(directory)
    assert not outcome.ok and outcome.batch is None
    assert [str(p) for p in outcome.problems] == [
        f"sites.csv, line {line}, column role: Value '{role}' is not a valid choice."
        for line, role in ((2, "moon"), (3, "moon"), (4, "mars"))
    ]
    assert set(counts().values()) == {0} and not ImportBatch.objects.exists()


@pytest.mark.usefixtures("record")
def test_a_changed_status_and_summary_are_written_as_the_services_write_them_and_undone(
    tmp_path,
):
    directory = tmp_path / "changed"
    csvbundle.write(Selection.everything(), directory)
    links = read_table(directory, "links")
    row = next(r for r in links if r["status"] != "ended" and not r["end"])
    row["status"], row["end"], row["summary"] = "ended", "2024", "Ended in 2024."
    write_table(directory, "links", links)
    link = Link.objects.get(public_id=row["id"])
    before = (link.status, link.end, link.summary)
    changes = link.history.count()

    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.tables["links"].updated == 1
    link.refresh_from_db()
    assert (link.status, link.end, link.summary) == ("ended", "2024", "Ended in 2024.")
    reason = outcome.batch.reason
    written = list(link.history.order_by("history_id")[changes:])
    assert [h.history_change_reason for h in written] == [
        f"Status: Ended — {reason}",
        reason,
    ]
    assert written[-1].summary == "Ended in 2024."

    batches.undo(outcome.batch)
    link.refresh_from_db()
    assert (link.status, link.end, link.summary) == before
