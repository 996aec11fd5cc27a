"""Import batches and what an import reports: every import is one ImportBatch with an
ImportItem per record it created or changed; `undo` reverses a batch as a whole, `recover` the
batches of imports interrupted while writing (a process killed). Outcome is what a read of any
format reports (counts, problems with file, line and column, ambiguous rows, warnings); a dry
run or a problem leaves the transaction through Rollback."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from unmask.exchange import locks
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import services
from unmask.record.models import (
    Identifier,
    LinkStatusEvent,
    OrganizationName,
    OrganizationText,
    Response,
)

MAX_LISTED = 1000  # problems and ambiguous rows listed; beyond, they are counted


@dataclass
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" + (
            f", column {self.column}" if self.column else ""
        )
        return f"{where}: {self.message}"


@dataclass
class Ambiguous:
    line: int
    name: str
    candidates: list[tuple[str, str]]  # (public id, name)


@dataclass
class Outcome:
    file: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    ambiguous: list[Ambiguous] = field(default_factory=list)
    ambiguous_count: int = 0
    skipped: int = 0  # entities of a kind not imported (FtM links, addresses...)
    batch: ImportBatch | None = None
    warnings: list[str] = field(default_factory=list)  # what is read but not used
    recovered: list[ImportBatch] = field(default_factory=list)  # undone first (recover)

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(message)

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def problem(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(self.file, line, column, message))


class Rollback(Exception):
    """Leaves the import's transaction: a dry run, or an import with problems."""


def new_batch(actor, file_name: str, sha256: str, kind: str) -> ImportBatch:
    return ImportBatch.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name,
        sha256=sha256,
        kind=kind,
        host=locks.HOST,  # who writes it: see recover
        pid=os.getpid(),
    )


def close_batch(batch: ImportBatch, outcome: Outcome) -> None:
    """Keep the batch's counts, finished; raise Rollback when nothing may stay (a dry run, a
    problem). In an import written in one transaction the batch is committed finished, or not
    at all: only one written in short transactions is ever seen unfinished."""
    batch.created, batch.updated, batch.unchanged = (
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    batch.finished_at = timezone.now()
    batch.save()
    outcome.batch = batch
    if outcome.dry_run or not outcome.ok:
        raise Rollback


def record_item(batch: ImportBatch, obj, action: str, before: dict | None = None) -> None:
    ImportItem.objects.create(
        batch=batch,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        before=before or {},
    )


@transaction.atomic
def undo(batch: ImportBatch, *, actor=None, reason: str = "") -> int:
    """Undo a whole batch: what it created is deleted (soft, kept in the history; other names,
    identifiers and translations of a description, which have no soft deletion, are removed
    through services.remove_detail), what it changed gets its former values back. `reason`
    (the history's) defaults to "Undo of import batch #N (file)". Returns how many records
    were touched."""
    # Marked undone first, where it is not yet: of two undoing one batch at once (two imports
    # recovering it, two editors) one undoes it, the other is told it is done.
    undone_at = timezone.now()
    undone_by = actor if getattr(actor, "is_authenticated", False) else None
    claimed = ImportBatch.objects.filter(pk=batch.pk, undone_at__isnull=True).update(
        undone_at=undone_at, undone_by=undone_by
    )
    if not claimed:
        raise ValidationError(f"Import batch #{batch.pk} is already undone.")
    reason = reason or f"Undo of import batch #{batch.pk} ({batch.file_name})"
    touched = 0
    for item in batch.items.select_related("content_type").order_by("-pk"):
        model = item.content_type.model_class()
        obj = model._default_manager.filter(pk=item.object_id).first()
        if obj is None:
            continue
        if model._meta.app_label == "campaign":  # a bundle's groups, calls, actions, targets
            from unmask.exchange.formats.csvbundle import campaign as campaign_import

            campaign_import.undo_item(item, obj, actor=actor, reason=reason)
            touched += 1
            continue
        if item.action == ImportItem.CREATED:
            if isinstance(obj, OrganizationName | Identifier | OrganizationText):
                services.remove_detail(obj, actor=actor, reason=reason)
            elif isinstance(obj, LinkStatusEvent):  # a change of status the bundle had
                obj.delete()
            elif isinstance(obj, Response) and obj.deleted_at is None:
                # a published reply is never deleted by hand; one the batch brought goes with it
                obj.deleted_at = timezone.now()
                services.save_with_history(obj, actor, reason)
            elif obj.deleted_at is None:
                services.soft_delete(obj, actor=actor, reason=reason)
        else:
            services.update_record(obj, actor=actor, reason=reason, **item.before)
        touched += 1
    batch.undone_at, batch.undone_by = undone_at, undone_by
    return touched


# What a batch is, for the admin and `unmask import --list` (status).
IMPORTED, WRITING, INTERRUPTED, UNDONE, STOPPED = (
    "imported",
    "writing",
    "interrupted",
    "undone",
    "stopped",
)


def writer_alive(batch: ImportBatch) -> bool:
    """Is the process writing `batch` still running? locks.alive's rule, as for ImportLock."""
    return locks.alive(batch.host, batch.pid, batch.created_at)


def status(batch: ImportBatch) -> str:
    """IMPORTED; WRITING (in short transactions, now); INTERRUPTED (its process gone before the
    end: recover undoes it); UNDONE; STOPPED (undone before the end: interrupted and
    recovered, or a chunked import that failed)."""
    if batch.undone_at is not None:
        return UNDONE if batch.finished_at is not None else STOPPED
    if batch.finished_at is not None:
        return IMPORTED
    return WRITING if writer_alive(batch) else INTERRUPTED


def abandoned() -> list[ImportBatch]:
    """The batches of imports interrupted while writing: never finished nor undone, their
    process gone (same host and its pid not running, or older than locks.EXPIRES)."""
    unfinished = ImportBatch.objects.filter(finished_at__isnull=True, undone_at__isnull=True)
    return [batch for batch in unfinished.order_by("pk") if not writer_alive(batch)]


def recover() -> list[ImportBatch]:
    """Undo every abandoned batch (the rows an interrupted import committed, a chunk at a
    time, go as `undo` takes them back); the batches undone here. Run at the start of every
    import (intake.import_any) and by `unmask import --recover`."""
    recovered = []
    for batch in abandoned():
        reason = (
            f"Undo of interrupted import batch #{batch.pk} ({batch.file_name}): "
            "its process stopped before the end"
        )
        try:
            undo(batch, reason=reason)
        except ValidationError:  # undone meanwhile by another process
            continue
        recovered.append(batch)
    return recovered


def written_or_undone(batch: ImportBatch, outcome: Outcome, write) -> Outcome:
    """Run `write()`, which commits as it goes (ShortTransactions, chunks), for `batch`: all or
    nothing is kept by the batch, undone should `write` raise or report a problem (the record
    changed since the file was checked), closed otherwise."""
    try:
        write()
    except BaseException:
        undo(batch)
        raise
    if not outcome.ok:
        undo(batch)
        return outcome
    with transaction.atomic():
        close_batch(batch, outcome)
    return outcome


class ShortTransactions:
    """Writes in transactions of at most SECONDS each, for a long import on SQLite (one writer
    at a time): between two, forms get the write lock. Call tick() between two rows; it commits
    only where no other atomic block is open. All or nothing is then kept by the batch: the
    caller undoes it when anything fails (see csvbundle/read.py's apply_rows)."""

    SECONDS = 0.2

    def __enter__(self) -> ShortTransactions:
        self._open()
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._block.__exit__(*exc)

    def _open(self) -> None:
        self._block = transaction.atomic()
        self._block.__enter__()
        self._depth = len(connection.atomic_blocks)
        self._since = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self._since < self.SECONDS:
            return
        if len(connection.atomic_blocks) != self._depth:
            return  # inside a block the caller opened: not now
        self._block.__exit__(None, None, None)
        self._open()
