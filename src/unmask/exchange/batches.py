"""Import batches and what an import reports: every import is one ImportBatch with an
ImportItem per record it created or changed; `undo` reverses a batch as a whole, `recover` the
batches of imports interrupted while writing (a process killed). Outcome is what a read of any
format reports (counts, problems with file, line and column, ambiguous rows, warnings); a dry
run or a problem leaves the transaction through Rollback."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unmask.exchange import locks
from unmask.exchange.models import ImportBatch, ImportItem, ImportLock
from unmask.record import bulk, services
from unmask.record.models import (
    Identifier,
    LinkStatusEvent,
    OrganizationName,
    OrganizationText,
    Response,
)
from unmask.sql import objects_in

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
    likely: bool = False  # likely duplicates (the name, then why, in each candidate's name)


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


def record_items(batch: ImportBatch, objs, action, befores: list[dict] | None = None) -> None:
    """record_item for many objects (saved, of any models) at once, in their order: `action`
    one for all, or one an object; one INSERT a chunk, as the bulk writer writes the records."""
    objs = list(objs)
    if not objs:
        return
    actions = [action] * len(objs) if isinstance(action, str) else list(action)
    befores = befores or [{}] * len(objs)
    types = ContentType.objects.get_for_models(*{type(obj) for obj in objs})
    field = ImportItem._meta.get_field("before")
    empty = field.get_db_prep_save({}, connection)
    quote = connection.ops.quote_name
    columns = ("batch_id", "content_type_id", "object_id", "action", "before")
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(ImportItem._meta.db_table),
        ", ".join(quote(ImportItem._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    rows = [
        (
            batch.pk,
            types[type(obj)].pk,
            obj.pk,
            what,
            field.get_db_prep_save(before, connection) if before else empty,
        )
        for obj, what, before in zip(objs, actions, befores, strict=True)
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[i : i + 2000])


UNDO_CHUNK = 500  # items undone in one transaction (a few tenths of a second on SQLite)
_MARK = "undo {batch} below {below}"  # an undo under way: its batch, the items left (pk <)


def undo(batch: ImportBatch, *, actor=None, reason: str = "") -> int:
    """Undo a whole batch: what it created is deleted (soft, kept in the history; other names,
    identifiers and translations of a description, which have no soft deletion, are removed),
    what it changed gets its former values back, the items taken from the last, UNDO_CHUNK a
    transaction, each written through the record's bulk writer (record/bulk.py) as the
    services do it row by row. `reason` (the history's) defaults to "Undo of import batch #N
    (file)". Returns how many records were touched (in this run).

    The batch is marked undone first, in a transaction of its own with a marker (an ImportLock
    row "undo N below P": its items from P on are undone, this process does it), so that of two
    undoing one batch at once one does it and the other is told it is being or was undone.
    Each chunk moves the marker in its own transaction; the last one removes it. All or nothing
    holds as far as it can: an error before the first chunk is committed (a permission, a
    former value refused) leaves the batch as it was, not undone. An undo stopped later (its
    process killed, or an error: the chunk under way is rolled back) leaves the batch marked
    undone, part undone, with its marker: running `undo` again, or `recover` (first thing in
    every import), takes the marker over once its process is gone (at once after an error) and
    goes on from there, each item undone once."""
    undone_at = timezone.now()
    undone_by = actor if getattr(actor, "is_authenticated", False) else None
    reason = reason or f"Undo of import batch #{batch.pk} ({batch.file_name})"
    _check_permissions(batch, actor)
    mark, first = _claim(batch, undone_at, undone_by)  # first: nothing undone yet
    touched = 0
    try:
        while True:
            below = int(mark.key.rsplit(" ", 1)[1])
            items = list(
                batch.items.filter(pk__lt=below)
                .order_by("-pk")
                .values_list("pk", "content_type_id", "object_id", "action", "before")[:UNDO_CHUNK]
            )
            with bulk.writer(actor=actor, reason=reason) as w:
                _move(mark, batch, items[-1][0] if items else None)
                if not items:
                    break
                touched += _undo_items(w, items, actor=actor, reason=reason)
            first = False
    except BaseException:
        # (the connection may be gone: the first error is the one to report)
        with contextlib.suppress(Exception), transaction.atomic():
            mine = ImportLock.objects.filter(pk=mark.pk, host=locks.HOST, pid=mark.pid)
            if first:  # nothing undone yet: the batch as it was, not undone
                if mine.delete()[0]:
                    ImportBatch.objects.filter(pk=batch.pk).update(undone_at=None, undone_by=None)
            else:  # given up: the next run (or recover) goes on from the last chunk
                mine.update(pid=0)
        raise
    fresh = ImportBatch.objects.filter(pk=batch.pk).values("undone_at", "undone_by").first()
    if fresh:  # the first run's, when this one finished another's
        batch.undone_at, batch.undone_by_id = fresh["undone_at"], fresh["undone_by"]
    return touched


def _claim(batch: ImportBatch, undone_at, undone_by) -> tuple[ImportLock, bool]:
    """The batch marked undone and its marker held by this process (see undo); whether
    nothing of it is undone yet."""
    prefix = _MARK.format(batch=batch.pk, below="")
    top = _MARK.format(
        batch=batch.pk,
        below=(batch.items.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1,
    )
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, undone_at__isnull=True).update(
            undone_at=undone_at, undone_by=undone_by
        )
        if claimed:
            mark = ImportLock.objects.create(key=top, host=locks.HOST, pid=os.getpid())
            return mark, True
        mark = ImportLock.objects.filter(key__startswith=prefix).first()
        if mark is None:
            raise ValidationError(
                _("Import batch #%(number)s is already undone.") % {"number": batch.pk}
            )
        held = mark.pid and locks.alive(mark.host, mark.pid, mark.started_at)  # 0: given up
        if held or not ImportLock.objects.filter(
            pk=mark.pk, host=mark.host, pid=mark.pid, started_at=mark.started_at
        ).update(host=locks.HOST, pid=os.getpid(), started_at=timezone.now()):
            raise ValidationError(
                _("Import batch #%(number)s is being undone (since %(time)s).")
                % {"number": batch.pk, "time": f"{mark.started_at:%Y-%m-%d %H:%M:%S %Z}"}
            )
        mark.refresh_from_db()
        return mark, mark.key == top


def _check_permissions(batch: ImportBatch, actor) -> None:
    """The bulk writer's checks, for every kind of record the batch holds, before anything is
    marked or written (a campaign's records are checked as they come: a bundle's are few)."""
    if actor is None:
        return
    kinds = batch.items.values_list("content_type", "action").distinct()
    for ct, action in kinds:
        model = ContentType.objects.get_for_id(ct).model_class()
        if model not in _BULK:
            continue
        if action == ImportItem.UPDATED:
            services.check_permission(actor, services.perm_name(model, "change"))
        elif model in (OrganizationName, Identifier, OrganizationText):
            services.check_permission(actor, "record.change_organization")
        else:
            services.check_permission(actor, services.perm_name(model, "delete"))


def _move(mark: ImportLock, batch: ImportBatch, below: int | None) -> None:
    """In a chunk's transaction: the marker says what is left (gone when nothing is), and
    that this process is still at work (started_at: see locks.alive)."""
    mine = ImportLock.objects.filter(pk=mark.pk, host=locks.HOST, pid=mark.pid)
    if below is None:
        done = mine.delete()[0]
    else:
        mark.key = _MARK.format(batch=batch.pk, below=below)
        done = mine.update(key=mark.key, started_at=timezone.now())
    if not done:  # taken over: this process was taken for gone (locks.EXPIRES)
        raise ValidationError(
            _("Import batch #%(number)s is being undone by another process.") % {"number": batch.pk}
        )


def _undo_items(w: bulk.Writer, items: list, *, actor, reason: str) -> int:
    """Undo one chunk of a batch's items (newest first): each run of items that create, or
    that change, records of the bulk writer's models together a model at a time (their order
    does not change the result), anything else one by one as it comes. Returns how many
    records were there to undo."""
    touched = 0
    types = {
        ct.pk: ct.model_class()
        for ct in ContentType.objects.filter(pk__in={ct for _pk, ct, *_rest in items})
    }
    runs: list[tuple[str, list]] = []
    for _pk, ct, object_id, action, before in items:
        model = types[ct]
        kind = action if model in _BULK else "one"  # campaign records, replies, status events
        if not runs or runs[-1][0] != kind or kind == "one":
            runs.append((kind, []))
        runs[-1][1].append((model, object_id, action, before))
    for kind, run in runs:
        if kind == "one":
            touched += _undo_one(*run[0], actor=actor, reason=reason)
        elif kind == ImportItem.CREATED:
            touched += _remove_created(w, run)
        else:
            touched += _put_back(w, run)
    return touched


def _remove_created(w: bulk.Writer, run: list) -> int:
    """What a run of items created: details removed, records deleted (soft)."""
    by_model: dict = {}
    for model, object_id, _action, _before in run:
        by_model.setdefault(model, []).append(object_id)
    touched = 0
    for model, ids in by_model.items():
        objs = list(objects_in(model, ids).values())
        touched += len(objs)
        if not objs:
            continue
        if model in (OrganizationName, Identifier, OrganizationText):
            w.remove_details(objs)
        else:
            w.soft_delete(objs)  # those deleted already are left alone
    return touched


def _put_back(w: bulk.Writer, run: list) -> int:
    """What a run of items changed gets its former values back, a model and a set of fields
    at a time (an object named twice waits for the next call)."""
    groups: dict = {}
    for model, object_id, _action, before in run:
        group = groups.setdefault((model, tuple(sorted(before))), [{}])
        if object_id in group[-1]:
            group.append({})
        group[-1][object_id] = before
    touched = 0
    for (model, fields), parts in groups.items():
        for part in parts:
            objs = objects_in(model, part)
            for pk, obj in objs.items():
                for name, value in part[pk].items():
                    setattr(obj, name, value)  # validated (and converted) by the writer
            touched += len(objs)
            w.update(list(objs.values()), list(fields))
    return touched


def _undo_one(model, object_id: int, action: str, before: dict, *, actor, reason: str) -> int:
    """An item of a model the bulk writer does not write (a bundle's campaign records, a
    link's status change, a reply), through the services as before."""
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None:
        return 0
    if model._meta.app_label == "campaign":  # a bundle's groups, calls, actions, targets
        from unmask.exchange.formats.csvbundle import campaign as campaign_import

        item = ImportItem(object_id=object_id, action=action, before=before)
        campaign_import.undo_item(item, obj, actor=actor, reason=reason)
    elif action == ImportItem.CREATED:
        if isinstance(obj, LinkStatusEvent):  # a change of status the bundle had
            obj.delete()
        elif isinstance(obj, Response) and obj.deleted_at is None:
            # a published reply is never deleted by hand; one the batch brought goes with it
            obj.deleted_at = timezone.now()
            services.save_with_history(obj, actor, reason)
        elif getattr(obj, "deleted_at", None) is None:
            services.soft_delete(obj, actor=actor, reason=reason)
    else:
        services.update_record(obj, actor=actor, reason=reason, **before)
    return 1


_BULK = set(bulk.MODELS)  # written by the bulk writer; the rest item by item (_undo_one)


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


def unfinished_undos() -> list[ImportBatch]:
    """The batches whose undo stopped half-way (see undo): its process gone, or given up."""
    prefix = _MARK.format(batch="", below="").split(" ")[0] + " "
    pks = [
        int(mark.key.split(" ")[1])
        for mark in ImportLock.objects.filter(key__startswith=prefix)
        if not (mark.pid and locks.alive(mark.host, mark.pid, mark.started_at))
    ]
    return list(ImportBatch.objects.filter(pk__in=pks).order_by("pk"))


def recover() -> list[ImportBatch]:
    """Undo every abandoned batch (the rows an interrupted import committed, a chunk at a
    time, go as `undo` takes them back) and finish every undo stopped half-way; the batches of
    interrupted imports undone here. Run at the start of every import (intake.import_any) and
    by `unmask import --recover`."""
    recovered = []
    for batch in [*unfinished_undos(), *abandoned()]:
        reason = ""  # an undo goes on with undo's own reason
        if batch.finished_at is None:
            reason = (
                f"Undo of interrupted import batch #{batch.pk} ({batch.file_name}): "
                "its process stopped before the end"
            )
        try:
            undo(batch, reason=reason)
        except ValidationError:  # undone meanwhile by another process
            continue
        if batch.finished_at is None:
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
