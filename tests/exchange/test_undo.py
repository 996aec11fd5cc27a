"""The undo of a batch (batches.undo) in short transactions: a batch of several chunks is
undone a chunk a transaction, so that others write between two, and leaves the record as it
was before the import; an undo stopped half-way is finished by the next run (or recover)."""

from __future__ import annotations

import os
import threading

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction

from unmask.exchange import batches
from unmask.exchange.models import ImportBatch, ImportItem, ImportLock
from unmask.record import services
from unmask.record.models import Identifier, Organization, OrganizationName, RecordVersion
from unmask.record.search import search_organizations

NEW = 40  # organizations the import creates, each with another name and an identifier


def _record() -> dict:
    """Every table of the record but the history (and the version), as it reads: the rows not
    deleted, every column but the time of the last change; and what a search finds."""
    tables = {}
    for model in apps.get_app_config("record").get_models():
        if hasattr(model, "instance_type") or model is RecordVersion:
            continue
        rows = model._base_manager.all()
        if any(f.name == "deleted_at" for f in model._meta.concrete_fields):
            rows = rows.filter(deleted_at=None)
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not isinstance(f, models.DateTimeField) or f.name == "published_at"
        ]
        tables[model._meta.label] = sorted(rows.values_list(*names), key=repr)
    tables["search"] = sorted(
        search_organizations(Organization.objects.alive(), "Fertigung").values_list("pk", flat=True)
    )
    return tables


def _import(tmp_path, record) -> ImportBatch:
    """A batch as an import of organizations leaves it (rows.py's apply_row): NEW organizations
    created with another name and an identifier each, two of the record changed; several
    chunks of items."""
    batch = batches.new_batch(None, "orgs.csv", "0" * 64, "csv")
    reason = batch.reason
    for i in range(NEW):
        org = services.create_organization(
            reason=reason,
            name=f"Quellbrunn Fertigung {i:03d} GmbH",
            kind="company",
            country="DE",
            description="Blech",
        )
        batches.record_item(batch, org, ImportItem.CREATED)
        for detail in (
            OrganizationName(organization=org, name=f"QF {i:03d}", kind="alias"),
            Identifier(organization=org, scheme="registry", value=f"HRB {i:05d}"),
        ):
            services.save_record(detail, reason=reason)
            batches.record_item(batch, detail, ImportItem.CREATED)
    korvex, lindqvist = record["orgs"]
    for org, changes in (
        (korvex, {"name": "Korvex Aerospace", "description": "Fertigung of spars"}),
        (lindqvist, {"country": "FR"}),
    ):
        before = {name: str(getattr(org, name)) for name in changes}
        services.update_record(org, reason=reason, **changes)
        batches.record_item(batch, org, ImportItem.UPDATED, before)
    with transaction.atomic():
        batches.close_batch(batch, batches.Outcome(file="orgs.csv", dry_run=False))
    return batch


@pytest.fixture
def record(db):
    orgs = [
        services.create_organization(
            name=name, kind="company", country="DE", names=[(f"{name} AG", "alias")]
        )
        for name in ("Korvex Aerodynamics", "Lindqvist Composites")
    ]
    return {"orgs": orgs}


@pytest.mark.django_db(transaction=True)
def test_an_undo_of_several_chunks_commits_between_them_and_leaves_the_record_as_it_was(
    record, tmp_path, monkeypatch
):
    before = _record()
    batch = _import(tmp_path, record)
    assert _record() != before
    monkeypatch.setattr(batches, "UNDO_CHUNK", 25)  # 122 items: 5 chunks

    # Between two chunks (the query that reads the next items), another connection sees the
    # chunks committed so far and writes at once (on SQLite: the write lock is free).
    seen = []

    def elsewhere():
        try:
            gone = Organization.objects.filter(
                name__startswith="Quellbrunn", deleted_at__isnull=False
            )
            Group.objects.create(name=f"written between chunks {len(seen)}")
            seen.append(gone.count())
        finally:
            connection.close()

    def watch(execute, sql, params, many, context):
        if sql.lstrip().startswith("SELECT") and '"before"' in sql:  # the next items
            other = threading.Thread(target=elsewhere)
            other.start()
            other.join(timeout=20)
        return execute(sql, params, many, context)

    groups = Group.objects.count()
    with connection.execute_wrapper(watch):
        touched = batches.undo(batch)

    assert touched == 3 * NEW + 2
    assert len(seen) == 6  # five chunks, and the read that finds nothing left
    assert seen[0] == 0 and seen[-1] == NEW and seen == sorted(seen) and len(set(seen)) >= 3
    assert Group.objects.count() == groups + 6  # none waited for the lock
    assert _record() == before
    batch.refresh_from_db()
    assert batch.undone_at is not None and not ImportLock.objects.exists()
    with pytest.raises(ValidationError, match="already undone"):
        batches.undo(batch)


class Stop(Exception):
    pass


def _stopped_at(chunk: int):
    """An execute wrapper that stops the undo as it starts its `chunk`-th chunk."""
    started = []

    def stop(execute, sql, params, many, context):
        if sql.lstrip().startswith("UPDATE") and "exchange_importlock" in sql:
            started.append(sql)
            if len(started) == chunk:
                raise Stop
        return execute(sql, params, many, context)

    return stop


@pytest.mark.django_db(transaction=True)
def test_an_undo_stopped_half_way_is_finished_by_the_next(record, tmp_path, monkeypatch):
    before = _record()
    batch = _import(tmp_path, record)
    monkeypatch.setattr(batches, "UNDO_CHUNK", 25)

    # Stopped in its first chunk: nothing undone, nor the batch marked undone.
    with connection.execute_wrapper(_stopped_at(1)), pytest.raises(Stop):
        batches.undo(batch)
    batch.refresh_from_db()
    assert batch.undone_at is None and not ImportLock.objects.exists()
    assert batches.status(batch) == batches.IMPORTED

    # Stopped in its third: two chunks undone, the batch marked undone; the next run (here
    # recover, at the start of any import) goes on from there.
    with connection.execute_wrapper(_stopped_at(3)), pytest.raises(Stop):
        batches.undo(batch)
    batch.refresh_from_db()
    assert batch.undone_at is not None
    left = Organization.objects.filter(name__startswith="Quellbrunn", deleted_at=None).count()
    assert 0 < left < NEW
    assert batches.unfinished_undos() == [batch]
    assert batches.recover() == []  # a finished import: not reported as interrupted
    assert _record() == before
    assert batches.unfinished_undos() == [] and not ImportLock.objects.exists()
    # Each record undone once: one deletion in the history of each organization created.
    created = Organization.history.filter(name__startswith="Quellbrunn")
    assert created.filter(history_type="~").count() == NEW
    assert set(
        created.filter(history_type="~").values_list("history_change_reason", flat=True)
    ) == {f"Undo of import batch #{batch.pk} (orgs.csv)"}
    with pytest.raises(ValidationError, match="already undone"):
        batches.undo(batch)


@pytest.mark.django_db(transaction=True)
def test_an_undo_under_way_is_not_done_twice(record, tmp_path, monkeypatch):
    batch = _import(tmp_path, record)
    monkeypatch.setattr(batches, "UNDO_CHUNK", 25)
    with connection.execute_wrapper(_stopped_at(3)), pytest.raises(Stop):
        batches.undo(batch)
    # As if the process that stopped were still at work (this one's pid):
    ImportLock.objects.update(pid=os.getpid())
    with pytest.raises(ValidationError, match="is being undone"):
        batches.undo(batch)
    assert batches.unfinished_undos() == []
