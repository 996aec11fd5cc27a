"""Importing a whole CSV bundle (write.py: a .zip from `write_zip`, or a directory holding
datapackage.json and the tables): sources, organizations, their other names, the translations
of their descriptions and their identifiers, products, sites, links and their status
histories, citations and published replies, in that order, so that every foreign key points at a row already there; then, once those are
published, the campaign's groups, calls, actions and their targets (campaign.py has
their rules; a bundle written before the campaign was exported has none of these tables, and
needs none). A round trip (export, import into an empty database, export again) gives the
same tables; see tests/exchange/test_roundtrip.py.

Ids. A row whose public id is in the record updates that record (an organization merged into
another updates the one it was merged into); a deleted record with that id is an error (restore
it first). A row whose id is not in the record is created under the bundle's id, so the ids of
the site that exported the bundle stay valid. Organizations are the exception: an organization
whose id is unknown is first matched like a row of the organization import (formats/orgs_csv/rows.py,
record.services.find_duplicate_organizations: same identifier, or same name or other name in
the same country, the names and identifiers coming from the bundle's other tables; the exact
rules only, not the screening matcher's likely duplicates); one match
is updated (and the bundle's id then stands for it), several are an error listing them, none
creates it. Other names and identifiers are matched among those of the same organization by
public id, else by name (or by scheme and normalized value); a new one gets the bundle's id
unless another row has it (older bundles numbered them by database key: those get new ids).
A change of a link's status (link_status_events, "<link id>:<n>") is matched among the link's
by its statuses, date and note, and added with the time it was recorded when missing; the
events the import itself writes (the first of a link it creates, a status it changes) give way
to the bundle's (see _status_events). A reply (responses) comes in published when the actor may
publish replies, else waiting for a reviewer (`outcome.left_unpublished`); a published reply
of the record is never edited (services.save_record refuses it: a problem of the row).

Values. A matched row gets exactly the bundle's values, and only those that differ are written
(one history entry, with the batch's reason); a row whose values are all the same is left
alone, so importing the same bundle twice changes nothing. Nothing is ever removed: other
names, translations, identifiers and citations that the bundle does not have stay. Cells are
read as written (partial dates "2019", "2019-05" stay as they are); the single quote the export puts in front of
a cell that a spreadsheet would run as a formula is taken off again (csvfile.cell_value). Coordinates are rounded in
the export to what the site's precision claims: a site whose point rounds to the bundle's is
unchanged (the finer point is kept). url, *_label, published_at and updated_at columns are
derived by the exporting site and ignored, except that a non-empty published_at says the row
was public (see Publication). A source's archived_file_url is used only when it names a file
this site has in its storage.

Descriptions in several languages. organizations.description_language is the language the
description is written in, one the site offers (settings.LANGUAGES); a bundle without the
column (written before descriptions were translated), or an empty cell, leaves an organization
of the record as it is and creates one in the site's language (LANGUAGE_CODE). A row of
organization_texts (a table older bundles lack) is the description in another language: it
creates or updates the organization's text in that language (OrganizationText) with the
batch's reason, as other names are, one ImportItem that
batches.undo reverses (a text created is removed, a text changed gets its former description
back). Its language must be one the site offers, not the one the description is written in (the
organization's, after its own row was imported), and given once an organization: each is a
problem at the language cell.

Publication. Every row of an exported bundle was public where it came from. After all rows
and their citations are in, the organizations, products, sites and links with a published_at
are published (in that order, with services.publish's rules), so the visibility rules hold:
each is public only when cited by a public source and everything it names is public too. This
happens only when the actor may publish that kind of record (reviewers; actor None, the command
line, may): for anyone else the rows stay drafts for a reviewer to publish, counted in
`outcome.left_unpublished`. A record of the database that is unpublished (a reviewer may have
taken it down on purpose) is published again when a publisher imports a bundle that has it as
public: check with a dry run first. In the same way, links are created with the bundle's
status, but only an actor who may publish links confirms one (services.save_record's rule): for
others a confirmed link comes in as reported (`outcome.left_unconfirmed`). A status that
differs from the record's is changed as services.change_status does, with the batch's reason
as the note.

Writing. The record's tables are written a chunk of rows at a time (CHUNK): the chunk's rows
are matched with a few set-based queries and checked, then what they create and change goes
through the record's bulk writer (record/bulk.py: history, visibility, search text and version
as the services leave them), with the batch's ImportItems; an object the writer refuses is a
problem of its row. Products' part_of and replies go row by row through the services, status
histories with one statement a chunk, the campaign as campaign.py says.

All or nothing: every row is checked and tried; any problem (the CSV member's name, the line,
the column, what is wrong) means nothing is written. A dry run does everything, then rolls
back. What was created and changed is kept as one ImportBatch (kind "bundle") with an
ImportItem for every row, so that batches.undo can undo it (a status changed by the import is
set back without a status event).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django_countries.fields import Country

from unmask.campaign.models import Action, Call, LocalGroup
from unmask.cleantext import clean, clean_instance
from unmask.exchange import batches
from unmask.exchange.files import sha256_file
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.formats.csvfile import CsvError, cell_value, read_records
from unmask.exchange.formats.csvfile import Row as CsvRow
from unmask.exchange.formats.orgs_csv import rows as org_rows
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import bulk, services
from unmask.record.models import (
    Citation,
    Identifier,
    Link,
    LinkStatus,
    LinkStatusEvent,
    Organization,
    OrganizationName,
    OrganizationText,
    Product,
    Response,
    ResponseStatus,
    Site,
    Source,
)
from unmask.record.text import name_key, normalize_identifier

PUBLIC_ID = re.compile(r"[0-9a-z]{1,12}")
# The order the tables are imported in: each refers only to tables before it.
ORDER = (
    "sources",
    "organizations",
    "organization_names",
    "organization_texts",
    "identifiers",
    "products",
    "sites",
    "links",
    "link_status_events",
    "citations",
    "responses",
    # the campaign, after the record's rows are published (campaign.py)
    "groups",
    "calls",
    "call_texts",
    "call_targets",
    "actions",
    "action_targets",
)
# Tables a bundle may lack: bundles written before the campaign was exported have none of its
# tables, those written before descriptions were translated no organization_texts, those
# before replies and status histories were exported no responses or link_status_events.
OPTIONAL = frozenset(
    {
        "organization_texts",
        "link_status_events",
        "responses",
        "groups",
        "calls",
        "call_texts",
        "call_targets",
        "actions",
        "action_targets",
    }
)
# Columns a table must have for the import to make sense of it.
REQUIRED = {
    "sources": ("id", "title", "kind", "original_url"),
    "organizations": ("id", "name", "kind"),
    "organization_names": ("id", "organization_id", "name", "kind"),
    "organization_texts": ("id", "organization_id", "language", "description"),
    "identifiers": ("id", "organization_id", "scheme", "value"),
    "products": ("id", "name", "kind", "maker_id", "part_of_id"),
    "sites": ("id", "organization_id", "role", "country"),
    "links": ("id", "subject_id", "relation", "object_id", "product_id", "status"),
    "link_status_events": ("id", "link_id", "new_status", "note", "recorded_at"),
    "citations": ("id", "source_id", "organization_id", "site_id", "product_id", "link_id"),
    "responses": ("id", "organization_id", "link_id", "received_on", "channel", "text"),
    "groups": ("id", "name"),
    "calls": ("id", "title", "language", "body"),
    "call_texts": ("id", "call_id", "language", "title", "body"),
    "call_targets": ("id", "call_id", "position", "organization_id", "site_id", "product_id"),
    "actions": ("id", "title", "kind", "status", "timezone", "starts_at", "ends_at"),
    "action_targets": ("id", "action_id", "position", "organization_id", "site_id", "product_id"),
}
STRING_COLUMNS = {
    table.name: {c.name for c in table.columns if c.type == "string"} for table in csvbundle.TABLES
}
PUBLISHED = (  # what is published after the citations, in this order
    ("organizations", "record.publish_organization"),
    ("products", "record.publish_product"),
    ("sites", "record.publish_site"),
    ("links", "record.publish_link"),
)
# A model field, as named in ValidationError.message_dict, -> the CSV column it comes from.
COLUMN_OF = {
    "subject": "subject_id",
    "object": "object_id",
    "product": "product_id",
    "maker": "maker_id",
    "part_of": "part_of_id",
    "organization": "organization_id",
    "source": "source_id",
    "site": "site_id",
    "link": "link_id",
    "url": "original_url",
    "public_id": "id",
    "__all__": "",
}


@dataclass
class TableCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class BundleOutcome(batches.Outcome):
    """batches.Outcome, with a problem's file being the CSV member it is in, and counts by
    table."""

    tables: dict[str, TableCounts] = field(default_factory=dict)
    left_unpublished: int = 0  # rows public in the bundle that stay drafts (actor may not publish)
    # confirmed links that came in as reported (same reason), their histories cut before it
    left_unconfirmed: int = 0
    left_out: Counter = field(default_factory=Counter)  # rows not imported, by reason

    @property
    def skipped_text(self) -> str:
        return "; ".join(f"{n} {reason}" for reason, n in self.left_out.most_common())

    def problem_in(self, file: str, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < batches.MAX_LISTED:
            self.problems.append(batches.Problem(file, line, column, message))


@dataclass
class BundleRow:
    """A row of a table of the bundle, or what another format (formats/ftm/read.py) gives for one."""

    table: str
    line: int
    values: dict[str, str]
    obj: Any = None
    action: str = ""  # created, updated, unchanged; "" while it has no object (a problem)
    item: ImportItem | None = None
    blocked: bool = False  # names a row that has a problem of its own
    # Rows from another format than the bundle (formats/ftm/read.py):
    source: str = ""  # the file it comes from (default: the table's CSV member)
    columns: dict[str, str] = field(default_factory=dict)  # column -> how that format names it
    partial: bool = False  # the format does not say everything: empty values change nothing
    keep: frozenset[str] = frozenset()  # values guessed for creating, never written over others

    @property
    def id(self) -> str:
        return self.values.get("id", "")

    @property
    def file(self) -> str:
        return self.source or f"{self.table}.csv"


class _In:
    """What org_rows.parse_row reports problems to: one row."""

    def __init__(self, ctx: Context, row: BundleRow):
        self.ctx, self.row = ctx, row

    def problem(self, line: int, column: str, message: str) -> None:
        self.ctx.problem(self.row, column, message)


class Failed(Exception):
    """A row could not be applied; its problems are already in the outcome."""


BAD = object()  # a reference that did not resolve (a problem is reported)


# --- reading the bundle ------------------------------------------------------------------------


class _Bundle:
    """A bundle on disk: a zip (members at its root or in one folder) or a directory."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            self.root = path
        elif path.name == csvbundle.DESCRIPTOR:
            self.root = path.parent
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            for name in self.zip.namelist():
                if PurePosixPath(name).name == csvbundle.DESCRIPTOR:
                    self.prefix = name[: -len(csvbundle.DESCRIPTOR)]
                    break
        else:
            raise ValueError(f"{path.name}: neither a zip file nor a directory.")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def exists(self, member: str) -> bool:
        if self.zip is not None:
            return self.prefix + member in self.zip.namelist()
        return (self.root / member).is_file()

    def open(self, member: str) -> io.TextIOBase:
        return io.TextIOWrapper(self.raw(member), encoding="utf-8-sig", newline="")

    def raw(self, member: str):
        if self.zip is not None:
            return self.zip.open(self.prefix + member)
        return (self.root / member).open("rb")

    def sha256(self) -> str:
        """Of the zip file; of a directory, of its descriptor and tables one after another."""
        if self.zip is not None:
            paths = [self.path]
        else:
            members = (csvbundle.DESCRIPTOR, *(f"{t}.csv" for t in ORDER))
            paths = [self.root / m for m in members if (self.root / m).is_file()]
        return sha256_file(*paths)


def _read(bundle: _Bundle, table: str, outcome: BundleOutcome) -> list[BundleRow]:
    member = f"{table}.csv"
    if not bundle.exists(member):
        if table not in OPTIONAL:
            outcome.problem_in(member, 0, "", "missing from the bundle.")
        return []
    strings = STRING_COLUMNS[table]
    rows: list[BundleRow] = []
    seen: dict[str, int] = {}
    with bundle.open(member) as text:
        records = read_records(text, member, raw=lambda: bundle.raw(member), encoding="utf-8-sig")
        try:
            _line, header = next(records)
            header = [h.strip().lower() for h in header]
        except StopIteration:
            outcome.problem_in(member, 1, "", "the file is empty: it needs at least a header.")
            return []
        except CsvError as exc:
            outcome.problem_in(member, exc.line, exc.column, exc.message)
            return []
        missing = [c for c in REQUIRED[table] if c not in header]
        for column in missing:
            outcome.problem_in(member, 1, column, f"the header has no column {column!r}.")
        if missing:
            return []
        known = {c.name for t in csvbundle.TABLES if t.name == table for c in t.columns}
        for column in header:
            if known and column and column not in known:
                outcome.warn(f"{member}, line 1: column {column!r} is not read.")
        while True:
            try:
                start, cells = next(records)
            except StopIteration:
                break
            except CsvError as exc:
                outcome.problem_in(member, exc.line, exc.column, exc.message)
                break
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                outcome.problem_in(
                    member,
                    start,
                    "",
                    f"{len(cells)} cells, but the header has {len(header)} columns.",
                )
                continue
            values = {
                name: cell_value(cell, trim=False) if name in strings else clean(cell).strip()
                for name, cell in zip(header, cells, strict=True)
            }
            values["id"] = values["id"].strip()
            row = BundleRow(table, start, values)
            if not row.id:
                outcome.problem_in(member, start, "id", "an id is required.")
                continue
            if row.id in seen:
                outcome.problem_in(
                    member, start, "id", f"{row.id!r} is already on line {seen[row.id]}."
                )
                continue
            seen[row.id] = start
            rows.append(row)
    outcome.tables[table] = TableCounts(rows=len(rows))
    outcome.rows += len(rows)
    return rows


# --- applying ----------------------------------------------------------------------------------


CHUNK = 500  # rows matched, then written through the bulk writer, together


@dataclass
class _Writes:
    """What the rows of a chunk create and change, written together at its end (_flush)."""

    created: list[BundleRow] = field(default_factory=list)
    fields: dict[int, set[str]] = field(default_factory=dict)  # id(row) -> fields changed
    befores: dict[int, dict] = field(default_factory=dict)  # id(row) -> former values
    updated: dict[int, BundleRow] = field(default_factory=dict)
    statuses: list[tuple[BundleRow, Link, str, str]] = field(default_factory=list)
    # after the chunk's statuses changed: (row, what it still does), and after it was written
    later: list[tuple[BundleRow, Callable[[], None]]] = field(default_factory=list)
    then: list[tuple[BundleRow, Callable[[], None]]] = field(default_factory=list)


@dataclass
class Context:
    batch: ImportBatch
    actor: Any
    outcome: BundleOutcome
    rows: dict[str, list[BundleRow]]
    objects: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    failed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    commits: batches.ShortTransactions | None = None  # an import in short transactions
    # the links' status changes the import wrote, and the links it left unconfirmed
    status_events: set[int] = field(default_factory=set)
    unconfirmed: set[int] = field(default_factory=set)
    writes: _Writes | None = None  # a chunk's writes, gathered for the bulk writer (_in_chunks)
    found: dict[type, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    # the chunk's other names, identifiers, texts of organizations of the record, by org's pk
    details: dict[str, dict[int, list]] = field(default_factory=dict)
    # name keys and (scheme, normalized) identifiers the record has among the chunk's (_match)
    matchable: tuple[set[str], set[tuple[str, str]]] | None = None

    @property
    def reason(self) -> str:
        return self.batch.reason

    def problem(self, row: BundleRow, column: str, message: str) -> None:
        self.outcome.problem_in(row.file, row.line, row.columns.get(column, column), message)

    def may(self, perm: str) -> bool:
        return self.actor is None or self.actor.has_perm(perm)


MODELS = {
    "organizations": Organization,
    "products": Product,
    "sites": Site,
    "links": Link,
    "sources": Source,
    "citations": Citation,
    "responses": Response,
    "groups": LocalGroup,
    "calls": Call,
    "actions": Action,
}


def ref_of(ctx: Context, row: BundleRow, column: str, table: str, *, required: bool = False):
    """The object a foreign key cell names: a row of the bundle, or a record of the database
    with that public id. None for an empty cell; BAD (with a problem) when it resolves to
    nothing."""
    value = row.values.get(column, "").strip()
    if not value:
        if required:
            ctx.problem(row, column, "required.")
            return BAD
        return None
    if value in ctx.objects[table]:
        return ctx.objects[table][value]
    if value in ctx.failed[table]:
        row.blocked = True  # the row it names has its own problem: no second one here
        return BAD
    obj = _existing(ctx, MODELS[table], value)
    if obj is None or obj.deleted_at is not None:
        ctx.problem(row, column, f"no {table} row {value!r} in the bundle or in the record.")
        return BAD
    return obj


def _saved(ctx: Context, row: BundleRow, column: str, table: str):
    """The saved object a foreign key cell names (a row of the bundle, or a record), if any:
    ref_of without its problems, for reading what the chunk's rows point at in one query."""
    value = row.values.get(column, "").strip()
    obj = ctx.objects[table].get(value)
    if obj is None and value and value not in ctx.failed[table]:
        obj = _existing(ctx, MODELS[table], value)
    return obj if obj is not None and obj.pk is not None else None


def existing_record(model, public_id: str):
    obj = model.objects.filter(public_id=public_id).first()
    seen = set()
    while isinstance(obj, Organization) and obj.merged_into_id and obj.pk not in seen:
        seen.add(obj.pk)
        obj = obj.merged_into
    return obj


def _existing(ctx: Context, model, public_id: str):
    """existing_record, answered from what _prefetch read for the chunk when it can."""
    known = ctx.found[model]
    if public_id not in known:
        known[public_id] = existing_record(model, public_id)
    return known[public_id]


def _prefetch(ctx: Context, model, ids: list[str]) -> None:
    """The records with these public ids, read in one query (for _existing)."""
    known = ctx.found[model]
    ids = [i for i in ids if i not in known]
    for start in range(0, len(ids), bulk.BATCH):
        part = ids[start : start + bulk.BATCH]
        got = {obj.public_id: obj for obj in model.objects.filter(public_id__in=part)}
        for public_id in part:
            obj = got.get(public_id)
            if isinstance(obj, Organization) and obj.merged_into_id:
                obj = existing_record(Organization, public_id)  # the one it went into
            known[public_id] = obj


def as_json(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plain_text(value):
    """A field's value as the bundle writes it: a country as its code, a file as its name."""
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def same_values(current, wanted) -> bool:
    current = plain_text(current)
    if isinstance(wanted, Decimal) and current is not None:
        return Decimal(current) == wanted
    return current == wanted


def _item(ctx: Context, obj, action: str, before: dict | None = None) -> ImportItem:
    return ImportItem.objects.create(
        batch=ctx.batch,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        before=before or {},
    )


def note_update(ctx: Context, row: BundleRow, before: dict) -> None:
    """The row's object changed: keep its former values in the batch (the first ones)."""
    if row.action == "created":
        return
    if ctx.writes is not None:  # the chunk's ImportItem is written with it (_flush)
        key = id(row)
        ctx.writes.befores[key] = {**before, **ctx.writes.befores.get(key, {})}
        ctx.writes.updated[key] = row
        row.action = "updated"
        return
    if row.item is None and row.action == "updated":  # its item was written with its chunk
        row.item = _items_of(ctx, [row.obj]).get(row.obj.pk)
    if row.item is None:
        row.item = _item(ctx, row.obj, ImportItem.UPDATED, before)
    else:
        row.item.before = {**before, **row.item.before}
        row.item.save(update_fields=["before"])
    row.action = "updated"


def sync_details(
    ctx: Context,
    row: BundleRow,
    obj,
    wanted: dict,
    same: Callable | None = None,
    write: Callable | None = None,
) -> None:
    """Give an existing object the wanted values, writing only those that differ (of a partial
    row, only those it gives): through services.update_record, or `write(obj, changes)`."""
    wanted = {
        name: value
        for name, value in wanted.items()
        if name not in row.keep and not (row.partial and value in ("", None))
    }
    current = {name: getattr(obj, name) for name in wanted}

    def unchanged(name, now, value) -> bool:
        if same is not None:
            return same(name, now, value)
        if row.partial and isinstance(now, str) and isinstance(value, str):
            return now.strip() == value.strip()  # FtM trims its texts
        return same_values(now, value)

    changes = {
        name: value for name, value in wanted.items() if not unchanged(name, current[name], value)
    }
    row.obj = obj
    row.action = row.action or "unchanged"
    if changes:
        before = {name: as_json(plain_text(current[name])) for name in changes}
        if write is None and ctx.writes is not None:  # written with the chunk (_flush)
            for name, value in changes.items():
                setattr(obj, name, value)
            ctx.writes.fields.setdefault(id(row), set()).update(changes)
        elif write is None:
            services.update_record(obj, actor=ctx.actor, reason=ctx.reason, **changes)
        else:
            write(obj, changes)
        note_update(ctx, row, before)


def created_record(ctx: Context, row: BundleRow, obj) -> None:
    row.obj, row.action = obj, "created"
    if ctx.writes is not None:  # created with the chunk (_flush)
        ctx.writes.created.append(row)
    else:
        row.item = _item(ctx, obj, ImportItem.CREATED)


def _create(ctx: Context, row: BundleRow, obj) -> None:
    """A new record for the row: with the chunk through the bulk writer, else the services."""
    if ctx.writes is None:
        services.save_record(obj, actor=ctx.actor, reason=ctx.reason)
    created_record(ctx, row, obj)


def _items_of(ctx: Context, objs: list) -> dict[int, ImportItem]:
    """The batch's ImportItems for changes of these objects (of one model), by object pk."""
    items = ImportItem.objects.filter(
        batch=ctx.batch,
        action=ImportItem.UPDATED,
        content_type=ContentType.objects.get_for_model(objs[0]),
        object_id__in=[obj.pk for obj in objs],
    )
    return {item.object_id: item for item in items}


def apply_row(
    ctx: Context, row: BundleRow, work: Callable[[], None], *, savepoint: bool = True
) -> None:
    """Run one row's writes in a savepoint (none for a row that only reads and gathers its
    writes for the chunk); a failure becomes a problem of that row."""
    problems = ctx.outcome.problem_count
    failed = True
    try:
        with transaction.atomic() if savepoint else nullcontext():
            work()
            if ctx.outcome.problem_count != problems:
                raise Failed
        failed = False
    except Failed:
        if ctx.outcome.problem_count == problems and not row.blocked:
            ctx.problem(row, "", "the row could not be imported.")  # should not happen
    except ValidationError as exc:
        _report(ctx, row, exc)
    except PermissionDenied as exc:
        ctx.problem(row, "", str(exc) or "not allowed.")
    except IntegrityError as exc:
        ctx.problem(row, "", f"the database refused the row ({exc}).")
    if failed:
        _fail(ctx, row)
    elif row.obj is not None:
        ctx.objects[row.table][row.id] = row.obj
    if ctx.commits:
        ctx.commits.tick()


def _report(ctx: Context, row: BundleRow, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                ctx.problem(row, COLUMN_OF.get(name, name), message)
    else:
        for message in exc.messages:
            ctx.problem(row, "", message)


def _fail(ctx: Context, row: BundleRow) -> None:
    row.obj, row.action, row.item = None, "", None
    ctx.failed[row.table].add(row.id)
    ctx.objects[row.table].pop(row.id, None)


# --- a chunk at a time, through the record's bulk writer ----------------------------------------


def _in_chunks(
    ctx: Context,
    table: str,
    apply: Callable[[Context, BundleRow], None],
    *,
    before: Callable[[list[BundleRow]], None] | None = None,
    after: Callable[[list[BundleRow]], None] | None = None,
) -> None:
    """Apply a table's rows CHUNK at a time: each row is matched and checked (its problems
    reported as row by row), gathering what it creates and changes; then the chunk is written
    through the record's bulk writer (_flush), and a short transaction may end there.
    `before(rows)` reads what the chunk's rows look up, `after(rows)` follows their writes."""
    rows, model = ctx.rows[table], MODELS.get(table)  # other names...: matched by organization
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        listed = len(ctx.outcome.problems)
        if model is not None:
            _prefetch(ctx, model, [row.id for row in part])
        if before is not None:
            before(part)
        writes = ctx.writes = _Writes()
        try:
            for row in part:
                apply_row(ctx, row, lambda row=row: apply(ctx, row), savepoint=False)
        finally:
            ctx.writes = None
        _flush(ctx, writes)
        if after is not None:
            after(part)
        for row in part if model is not None else ():
            ctx.found[model].pop(row.id, None)  # memory: only a chunk's records are kept
        if not any(row.source for row in part):  # a CSV member: its problems in line order
            ctx.outcome.problems[listed:] = sorted(
                ctx.outcome.problems[listed:], key=lambda problem: problem.line
            )
        if ctx.commits:
            ctx.commits.tick()


def _flush(ctx: Context, writes: _Writes) -> None:
    """Write a chunk: the records its rows create, the links' changes of status, then the
    changes, each kind in one call of the bulk writer, and their ImportItems."""
    alive = [row for row in writes.created if row.obj is not None]
    ctx.writes = writes  # what `later` changes joins the chunk's changes
    try:
        with bulk.writer(actor=ctx.actor, reason=ctx.reason) as w:
            created, _ = _bulk(ctx, alive, lambda rows: w.create([r.obj for r in rows]))
            batches.record_items(ctx.batch, [row.obj for row in created], ImportItem.CREATED)
            for row, work in writes.then:
                if row.obj is not None:
                    work()
            statuses = [change for change in writes.statuses if change[0].obj is not None]
            _done, events = _bulk(
                ctx,
                statuses,
                lambda changes: w.change_status(
                    [
                        (link, status, ctx.reason, effective)
                        for _r, link, status, effective in changes
                    ]
                ),
            )
            ctx.status_events.update(event.pk for event in events or ())
            for row, work in writes.later:
                if row.obj is not None:
                    apply_row(ctx, row, work, savepoint=False)
            by_fields: dict[frozenset[str], list[BundleRow]] = defaultdict(list)
            for key, names in writes.fields.items():
                row = writes.updated.get(key)
                if row is not None and row.obj is not None:
                    by_fields[frozenset(names)].append(row)
            for names, rows in by_fields.items():
                _bulk(ctx, rows, lambda rows, names=names: w.update([r.obj for r in rows], names))
            changed = [row for row in writes.updated.values() if row.obj is not None]
            batches.record_items(
                ctx.batch,
                [row.obj for row in changed],
                ImportItem.UPDATED,
                [writes.befores[id(row)] for row in changed],
            )
    finally:
        ctx.writes = None


def _bulk(ctx: Context, rows: list, call: Callable[[list], Any]) -> tuple[list, list]:
    """call(rows) (of BundleRows, or tuples starting with one) through the bulk writer: an
    object it refuses is a problem of its row, as the service's ValidationError was, and the
    others are tried again. The rows written, and what the writer returned."""
    rows = list(rows)
    while rows:
        try:
            return rows, call(rows)
        except bulk.InvalidObject as exc:
            row = rows.pop(exc.index)
            row = row[0] if isinstance(row, tuple) else row
            _report(ctx, row, exc)
            _fail(ctx, row)
        except PermissionDenied as exc:
            for row in rows:
                row = row[0] if isinstance(row, tuple) else row
                ctx.problem(row, "", str(exc) or "not allowed.")
                _fail(ctx, row)
            return [], []
        except IntegrityError as exc:
            if len(rows) == 1:
                row = rows[0][0] if isinstance(rows[0], tuple) else rows[0]
                ctx.problem(row, "", f"the database refused the row ({exc}).")
                _fail(ctx, row)
                return [], []
            # refused for the whole statement and named by no check: the rows one by one
            done, results = [], []
            for one in rows:
                written, result = _bulk(ctx, [one], call)
                done += written
                results += list(result or ())
            return done, results
    return [], []


def _number(ctx: Context, row: BundleRow, column: str, parse: Callable[[str], Any]):
    """The cell as a number (`parse`: Decimal or float); None if empty; BAD (with a problem)
    if it is not a finite number."""
    text = row.values.get(column, "").strip()
    if not text:
        return None
    try:
        value = parse(text)
    except (InvalidOperation, ValueError):
        value = None
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value or 0)
    if value is None or not finite:
        ctx.problem(row, column, f"{text!r} is not a number.")
        return BAD
    return value


def _decimal(ctx: Context, row: BundleRow, column: str):
    return _number(ctx, row, column, Decimal)


def as_float(ctx: Context, row: BundleRow, column: str):
    return _number(ctx, row, column, float)


def check_row(ctx: Context, row: BundleRow, *values) -> None:
    if any(v is BAD for v in values):
        raise Failed


# --- the tables --------------------------------------------------------------------------------


def _media_name(url: str) -> str:
    """The storage name of a file of this site's media, from its address; "" if none."""
    base = settings.SITE_URL.rstrip("/") + reverse("media", args=["x"])[:-1]
    if url.startswith(base):
        name = url[len(base) :]
        if name and default_storage.exists(name):
            return name
    return ""


def _source(ctx: Context, row: BundleRow) -> None:
    v = row.values
    retrieved = v.get("retrieved_on", "").strip()
    try:
        retrieved_on = date.fromisoformat(retrieved) if retrieved else None
    except ValueError:
        ctx.problem(row, "retrieved_on", f"{retrieved!r} is not a date (2024-03-01).")
        raise Failed from None
    wanted = {
        "title": v["title"],
        "publisher": v.get("publisher", ""),
        "kind": v["kind"],
        "published_on": v.get("published_on", ""),
        "language": v.get("language", ""),
        "url": v["original_url"],
        "archive_url": v.get("archive_url", ""),
        "retrieved_on": retrieved_on,
    }
    stored = _media_name(v.get("archived_file_url", ""))
    if stored:
        wanted["archived_file"] = stored
    elif not wanted["url"] and v.get("archived_file_url"):
        wanted["url"] = v["archived_file_url"]  # the exporting site's copy: the only address
    obj = _existing(ctx, Source, row.id)
    if obj is not None and obj.deleted_at is not None:
        ctx.problem(row, "id", f"source {row.id!r} is deleted in this record; restore it first.")
        raise Failed
    if obj is None:
        _create(ctx, row, Source(public_id=row.id, **wanted))
    else:
        sync_details(ctx, row, obj, wanted)


def _organizations(ctx: Context, rows: list[BundleRow]) -> None:
    names: dict[str, list[str]] = defaultdict(list)
    for row in ctx.rows["organization_names"]:
        names[row.values["organization_id"].strip()].append(row.values["name"])
    identifiers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in ctx.rows["identifiers"]:
        identifiers[row.values["organization_id"].strip()].append(
            (row.values["scheme"].strip(), row.values["value"])
        )
    in_bundle = {row.id for row in rows}
    claimed: dict[int, int] = {}  # pk of an organization of the record -> the line that took it

    def apply(row):
        v = row.values
        parsed = org_rows.parse_row(
            CsvRow(
                row.line,
                {k: v.get(k, "") for k in ("id", "name", "kind", "country", "description")},
            ),
            _In(ctx, row),
        )
        language = _description_language(ctx, row)
        if parsed is None or language is BAD:
            raise Failed
        wanted = {"country": "", **parsed.values}
        if language:
            wanted["description_language"] = language
        org = _existing(ctx, Organization, row.id)
        if org is not None and org.deleted_at is not None:
            ctx.problem(row, "id", f"organization {row.id!r} is deleted in this record.")
            raise Failed
        if org is None:
            org = _match(ctx, row, wanted, names[row.id], identifiers[row.id], in_bundle, claimed)
        if org is not None:
            if org.pk in claimed:
                ctx.problem(
                    row,
                    "id",
                    f"{org.name} ({org.public_id}) is already the organization of line "
                    f"{claimed[org.pk]}.",
                )
                raise Failed
            claimed[org.pk] = row.line
            sync_details(ctx, row, org, wanted)
            return
        # (never matched by a later row: its id is the bundle's, see _match)
        _create(ctx, row, Organization(public_id=row.id, **wanted))

    def matchable(part: list[BundleRow]) -> None:
        ctx.matchable = _matchable(ctx, part, names, identifiers)

    _in_chunks(ctx, "organizations", lambda c, row: apply(row), before=matchable)
    ctx.matchable = None


def _matchable(ctx: Context, rows, names, identifiers) -> tuple[set, set]:
    """Of the name keys and identifiers of the rows with an id the record does not have, those
    the record has (any country, alive or not): _match asks find_duplicate_organizations only
    about a row that has one of these, a query or two a row saved on a new record."""
    keys: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        if ctx.found[Organization].get(row.id) is None:
            for text in (row.values.get("name", ""), *names[row.id]):
                keys |= {name_key(text), name_key(clean(text).strip())}
            for scheme, value in identifiers[row.id]:
                pairs.add((scheme, normalize_identifier(scheme, value)))
    keys.discard("")
    found_keys, found_pairs = set(), set()
    keys_list, norms = sorted(keys), sorted({norm for _scheme, norm in pairs if norm})
    for start in range(0, len(keys_list), bulk.BATCH):
        part = keys_list[start : start + bulk.BATCH]
        found_keys |= set(
            Organization.objects.filter(name_key__in=part).values_list("name_key", flat=True)
        )
        found_keys |= set(
            OrganizationName.objects.filter(name_key__in=part).values_list("name_key", flat=True)
        )
    for start in range(0, len(norms), bulk.BATCH):
        part = norms[start : start + bulk.BATCH]
        found_pairs |= set(
            Identifier.objects.filter(normalized__in=part).values_list("scheme", "normalized")
        )
    return found_keys, found_pairs


def _match(ctx, row, wanted, aliases, identifiers, in_bundle, claimed) -> Organization | None:
    """An organization of the record that a row with an unknown id stands for (the organization
    import's matching), ignoring those the bundle has itself and those this import created."""
    if ctx.matchable is not None:
        keys, pairs = ctx.matchable
        mine = {name_key(text) for text in (wanted["name"], *aliases)}
        given = {(scheme, normalize_identifier(scheme, value)) for scheme, value in identifiers}
        if not (mine & keys or given & pairs):
            return None  # nothing of the record shares a name or an identifier with it
    matches = [
        m
        for m in services.find_duplicate_organizations(
            wanted["name"], wanted.get("country", ""), identifiers, aliases, likely=False
        )
        if m.organization.public_id not in in_bundle and m.organization.pk not in claimed
    ]
    if len(matches) > 1:
        candidates = [(m.organization.public_id, m.organization.name) for m in matches]
        ctx.outcome.ambiguous_count += 1
        ctx.outcome.ambiguous.append(batches.Ambiguous(row.line, wanted["name"], candidates))
        listed = "; ".join(f"{name} ({pid})" for pid, name in candidates)
        ctx.problem(
            row,
            "id",
            f"may be any of these organizations of the record: {listed}. Put the id "
            "of the one it is in the id column, or a new id to create it.",
        )
        raise Failed
    return matches[0].organization if matches else None


def _name(ctx: Context, row: BundleRow, taken: set[int]) -> None:
    org = ref_of(ctx, row, "organization_id", "organizations", required=True)
    check_row(ctx, row, org)
    v = row.values
    wanted = {"name": v["name"], "kind": v["kind"].strip(), "language": v.get("language", "")}
    existing = [n for n in _details(ctx, "names", org) if n.pk not in taken]
    match = next((n for n in existing if n.public_id == row.id), None)
    match = match or next((n for n in existing if n.name == wanted["name"]), None)
    key = name_key(wanted["name"])
    match = match or next((n for n in existing if key and n.name_key == key), None)
    if match is None:
        obj = OrganizationName(organization=org, **wanted)
        obj.public_id = _own_id(OrganizationName, row.id, ctx) or obj.public_id
        _create(ctx, row, obj)  # taken once written (_run)
    else:
        sync_details(ctx, row, match, wanted)
        taken.add(match.pk)


DETAILS = {"names": OrganizationName, "identifiers": Identifier, "texts": OrganizationText}


def _details_of(ctx: Context, kind: str, rows: list[BundleRow]) -> None:
    """The other names, identifiers or texts (`kind`) of the organizations the rows name, read
    in one query for the chunk (_details)."""
    pks = set()
    for row in rows:
        org = _saved(ctx, row, "organization_id", "organizations")
        if org is not None:
            pks.add(org.pk)
    found: dict[int, list] = {pk: [] for pk in pks}
    model, pks = DETAILS[kind], sorted(pks)
    for start in range(0, len(pks), bulk.BATCH):
        part = pks[start : start + bulk.BATCH]
        for obj in model.objects.filter(organization_id__in=part).order_by(
            *(model._meta.ordering or ["pk"])
        ):
            found[obj.organization_id].append(obj)
    ctx.details[kind] = found
    if kind != "texts":  # the rows' ids that other rows have (_own_id)
        ids = sorted({row.id for row in rows})
        ctx.found[model] = {
            i: True
            for i in model.objects.filter(public_id__in=ids).values_list("public_id", flat=True)
        }
        ctx.found[model].update({i: None for i in ids if i not in ctx.found[model]})


def _details(ctx: Context, kind: str, org: Organization) -> list:
    """org.names.all() (identifiers, texts), as _details_of read them for the chunk."""
    found = ctx.details.get(kind, {})
    if org.pk not in found:
        return list(getattr(org, kind).all())
    return found[org.pk]


def _own_id(model, row_id: str, ctx: Context | None = None) -> str:
    """The bundle's id for a new other name or identifier when it is a public id that no other
    row has: not a database key (bundles written before they had public ids numbered them), nor
    an id another format makes up (FtM's reader: "<organization id>/0")."""
    if not PUBLIC_ID.fullmatch(row_id) or row_id.isdigit():
        return ""
    if ctx is not None and row_id in ctx.found[model]:  # read for the chunk (_details_of)
        return "" if ctx.found[model][row_id] else row_id
    return "" if model.objects.filter(public_id=row_id).exists() else row_id


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _description_language(ctx: Context, row: BundleRow):
    """The organization's description_language cell: a language of the site, "" when the
    bundle does not say (no such column, an empty cell), BAD (with a problem) otherwise."""
    language = row.values.get("description_language", "").strip()
    if language and language not in _languages():
        ctx.problem(
            row,
            "description_language",
            f"{language!r} is not a language of this site ({', '.join(_languages())}).",
        )
        return BAD
    return language


def _organization_text(ctx: Context, row: BundleRow, given: dict[tuple[int, str], int]) -> None:
    """A row of organization_texts: the organization's description in another language.
    `given`: (organization's pk, language) -> the line that gave it."""
    org = ref_of(ctx, row, "organization_id", "organizations", required=True)
    check_row(ctx, row, org)
    language = row.values["language"].strip()
    if language not in _languages():
        ctx.problem(
            row,
            "language",
            f"{language!r} is not a language of this site ({', '.join(_languages())})."
            if language
            else "required.",
        )
        raise Failed
    if language == org.description_language:
        ctx.problem(
            row,
            "language",
            f"{language!r} is the language the description of {org.public_id!r} is written in "
            "(organizations.description_language): that text is the description itself.",
        )
        raise Failed
    key = (org.pk, language)
    if key in given:
        ctx.problem(
            row,
            "language",
            f"the description of {org.public_id!r} in {language!r} is already on line "
            f"{given[key]}.",
        )
        raise Failed
    given[key] = row.line
    wanted = {"description": row.values["description"]}
    text = next((t for t in _details(ctx, "texts", org) if t.language == language), None)
    if text is None:
        _create(ctx, row, OrganizationText(organization=org, language=language, **wanted))
    else:
        sync_details(ctx, row, text, wanted)


def _identifier(ctx: Context, row: BundleRow, taken: set[int]) -> None:
    org = ref_of(ctx, row, "organization_id", "organizations", required=True)
    check_row(ctx, row, org)
    v = row.values
    wanted = {"scheme": v["scheme"].strip(), "value": v["value"], "country": v.get("country", "")}
    existing = [i for i in _details(ctx, "identifiers", org) if i.pk not in taken]
    match = next((i for i in existing if i.public_id == row.id), None)
    norm = normalize_identifier(wanted["scheme"], wanted["value"])
    match = match or next(
        (i for i in existing if i.scheme == wanted["scheme"] and i.normalized == norm), None
    )
    if match is None:
        obj = Identifier(organization=org, **wanted)
        obj.public_id = _own_id(Identifier, row.id, ctx) or obj.public_id
        _create(ctx, row, obj)  # taken once written (_run)
    else:
        sync_details(ctx, row, match, wanted)
        taken.add(match.pk)


def deleted_record(ctx: Context, row: BundleRow, obj) -> None:
    if obj is not None and obj.deleted_at is not None:
        what = str(obj._meta.verbose_name)
        ctx.problem(row, "id", f"{what} {row.id!r} is deleted in this record; restore it first.")
        raise Failed


def _product(ctx: Context, row: BundleRow) -> None:
    maker = ref_of(ctx, row, "maker_id", "organizations")
    check_row(ctx, row, maker)
    v = row.values
    wanted = {
        "name": v["name"],
        "kind": v["kind"].strip(),
        "maker_id": maker.pk if maker else None,
        "description": v.get("description", ""),
    }
    obj = _existing(ctx, Product, row.id)
    deleted_record(ctx, row, obj)
    if obj is None:  # part_of is set in a second pass: it may name a later row
        fields = {k: val for k, val in wanted.items() if k != "maker_id"}
        _create(ctx, row, Product(public_id=row.id, maker=maker, **fields))
    else:
        sync_details(ctx, row, obj, wanted)


def _part_of(ctx: Context, row: BundleRow) -> None:
    parent = ref_of(ctx, row, "part_of_id", "products")
    check_row(ctx, row, parent)
    product = row.obj
    wanted = parent.pk if parent else None
    if product.part_of_id == wanted:
        return
    before = {"part_of_id": product.part_of_id}
    if row.action == "created":
        product.part_of = parent
        product.full_clean()
        services.save_with_history(product, ctx.actor, ctx.reason)
    else:
        services.update_record(product, actor=ctx.actor, reason=ctx.reason, part_of=parent)
        note_update(ctx, row, before)


def _site(ctx: Context, row: BundleRow) -> None:
    org = ref_of(ctx, row, "organization_id", "organizations", required=True)
    latitude, longitude = as_float(ctx, row, "latitude"), as_float(ctx, row, "longitude")
    check_row(ctx, row, org, latitude, longitude)
    v = row.values
    precision = v.get("precision", "").strip() or "city"
    wanted = {
        "organization_id": org.pk,
        "name": v.get("name", ""),
        "role": v["role"].strip(),
        "address": v.get("address", ""),
        "city": v.get("city", ""),
        "country": v["country"].strip(),
        "latitude": latitude,
        "longitude": longitude,
        "precision": precision,
    }

    def same(name, current, value):
        if name in ("latitude", "longitude") and current is not None and value is not None:
            # the export rounds to the precision: a point that rounds to the cell is the same
            return csvbundle.coordinate(current, precision) == v.get(name, "").strip()
        return same_values(current, value)

    obj = _existing(ctx, Site, row.id)
    deleted_record(ctx, row, obj)
    if obj is None:
        fields = {k: val for k, val in wanted.items() if k != "organization_id"}
        _create(ctx, row, Site(public_id=row.id, organization=org, **fields))
    else:
        sync_details(ctx, row, obj, wanted, same)


def _link(ctx: Context, row: BundleRow) -> None:
    subject = ref_of(ctx, row, "subject_id", "organizations", required=True)
    obj_org = ref_of(ctx, row, "object_id", "organizations")
    product = ref_of(ctx, row, "product_id", "products")
    share, amount = _decimal(ctx, row, "share"), _decimal(ctx, row, "amount")
    check_row(ctx, row, subject, obj_org, product, share, amount)
    v = row.values
    status = v["status"].strip()
    if status not in LinkStatus.values and not (row.partial and not status):
        ctx.problem(row, "status", f"{status!r} is not a status ({', '.join(LinkStatus.values)}).")
        raise Failed
    unconfirmed = status == LinkStatus.CONFIRMED and not ctx.may("record.publish_link")
    if unconfirmed:
        status = ""  # not this actor's decision: created as reported, an existing one kept
    wanted = {
        "subject_id": subject.pk,
        "relation": v["relation"].strip(),
        "object_id": obj_org.pk if obj_org else None,
        "product_id": product.pk if product else None,
        "start": v.get("start", ""),
        "end": v.get("end", ""),
        "share": share,
        "amount": amount,
        "currency": v.get("currency", "").strip(),
        "summary": v.get("summary", ""),
    }
    link = _existing(ctx, Link, row.id)
    deleted_record(ctx, row, link)
    if unconfirmed and (link is None or link.status != LinkStatus.CONFIRMED):
        ctx.outcome.left_unconfirmed += 1
    if link is None:
        fields = {k: val for k, val in wanted.items() if not k.endswith("_id")}
        link = Link(
            public_id=row.id,
            subject=subject,
            object=obj_org,
            product=product,
            status=status or LinkStatus.REPORTED,
            **fields,
        )
        _create(ctx, row, link)
        if unconfirmed:  # once it has a key
            ctx.writes.then.append((row, lambda: ctx.unconfirmed.add(link.pk)))
        return
    if unconfirmed and link.status != LinkStatus.CONFIRMED:
        ctx.unconfirmed.add(link.pk)
    row.obj, row.action = link, "unchanged"
    if status and link.status != status:  # changed with the chunk's, then the details
        before = {"status": link.status, "end": link.end}
        effective = wanted["end"] if status == LinkStatus.ENDED else ""
        ctx.writes.statuses.append((row, link, status, effective))
        note_update(ctx, row, before)
        ctx.writes.later.append((row, lambda: sync_details(ctx, row, link, wanted)))
        return
    sync_details(ctx, row, link, wanted)


TARGETS = (
    ("organization_id", "organizations", "organization"),
    ("site_id", "sites", "site"),
    ("product_id", "products", "product"),
    ("link_id", "links", "link"),
)


def _citation(ctx: Context, row: BundleRow) -> None:
    source = ref_of(ctx, row, "source_id", "sources", required=True)
    given = [(column, table, name) for column, table, name in TARGETS if row.values[column].strip()]
    if len(given) != 1:
        ctx.problem(
            row,
            given[1][0] if len(given) > 1 else "organization_id",
            "give exactly one of organization_id, site_id, product_id and link_id.",
        )
        raise Failed
    column, table, name = given[0]
    target = ref_of(ctx, row, column, table)
    check_row(ctx, row, source, target)
    v = row.values
    text = {"quote": v.get("quote", ""), "locator": v.get("locator", ""), "note": v.get("note", "")}
    citation = _existing(ctx, Citation, row.id)
    deleted_record(ctx, row, citation)
    if citation is None and row.partial:  # a format without citation ids: one a source
        citation = Citation.objects.alive().filter(source=source, **{name: target}).first()
    if citation is None:
        # as services.add_citation builds it
        _create(
            ctx,
            row,
            Citation(source=source, **{target.citation_field: target}, public_id=row.id, **text),
        )
        return
    wanted = {"source_id": source.pk}
    wanted |= {f"{n}_id": (target.pk if n == name else None) for _c, _t, n in TARGETS}
    sync_details(ctx, row, citation, wanted | text)


def _recorded_at(ctx: Context, row: BundleRow):
    text = row.values.get("recorded_at", "").strip()
    try:
        value = parse_datetime(text) if text else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        ctx.problem(row, "recorded_at", f"{text!r} is not a UTC time (2024-03-01T09:30:00Z).")
        return BAD
    return value


def _status_events(ctx: Context) -> None:
    """The links' status histories, as the bundle has them: a change the link's history lacks
    (not the same statuses, date and note) is added with the time it was recorded, one it has
    is unchanged; the events this import itself wrote (the first one of a link it created, a
    change of status) give way to the bundle's, which say when and why. A link of the record
    keeps the rest of its own history. A link left unconfirmed (the actor may not confirm)
    gets its history up to its first confirmation only: the rest is a reviewer's to bring."""
    made = {row.obj.pk for row in ctx.rows["links"] if row.action == "created"}
    cleared: set[int] = set()
    confirmed_at: set[int] = set()  # links left unconfirmed whose confirmation was reached
    taken: set[int] = set()

    def work(row: BundleRow) -> None:
        link = ref_of(ctx, row, "link_id", "links", required=True)
        recorded_at = _recorded_at(ctx, row)
        check_row(ctx, row, link, recorded_at)
        v = row.values
        wanted = {
            "old_status": v.get("old_status", "").strip(),
            "new_status": v["new_status"].strip(),
            "effective": v.get("effective", "").strip(),
            "note": v["note"],
        }
        if link.pk in ctx.unconfirmed and (
            link.pk in confirmed_at or wanted["new_status"] == LinkStatus.CONFIRMED
        ):
            confirmed_at.add(link.pk)  # counted with the link, in left_unconfirmed
            return
        if link.pk not in cleared:  # deleted with the chunk's writes
            cleared.add(link.pk)
            ours = [
                e for e in events.get(link.pk, ()) if link.pk in made or e.pk in ctx.status_events
            ]
            gone.extend(e.pk for e in ours)
            events[link.pk] = [e for e in events.get(link.pk, ()) if e not in ours]
        existing = [
            e
            for e in events.get(link.pk, ())
            if e.pk not in taken and all(getattr(e, k) == val for k, val in wanted.items())
        ]
        if existing:
            row.obj, row.action = existing[0], "unchanged"
            taken.add(row.obj.pk)
        else:
            event = LinkStatusEvent(link=link, created_at=recorded_at, **wanted)
            if getattr(ctx.actor, "is_authenticated", False):
                event.created_by = ctx.actor
            event.full_clean(exclude=["link", "created_by"])  # both known to exist: no query
            row.obj, row.action = event, "created"  # written with the chunk, then taken
            new.append(row)

    # A chunk at a time: the events of its rows' links read in one query, the chunk's new
    # ones written with one statement (LinkStatusEvent has no history, as event.save()).
    rows = ctx.rows["link_status_events"]
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        listed = len(ctx.outcome.problems)
        pks = set()
        for row in part:
            link = _saved(ctx, row, "link_id", "links")
            if link is not None:
                pks.add(link.pk)
        events: dict[int, list[LinkStatusEvent]] = defaultdict(list)
        ordered = sorted(pks)
        for at in range(0, len(ordered), bulk.BATCH):
            for event in LinkStatusEvent.objects.filter(link_id__in=ordered[at : at + bulk.BATCH]):
                events[event.link_id].append(event)
        gone: list[int] = []
        new: list[BundleRow] = []
        for row in part:
            apply_row(ctx, row, lambda row=row: work(row), savepoint=False)
        new = [row for row in new if row.obj is not None]
        with transaction.atomic():
            for at in range(0, len(gone), bulk.BATCH):
                LinkStatusEvent.objects.filter(pk__in=gone[at : at + bulk.BATCH]).delete()
            for row in new:
                clean_instance(row.obj)  # what the pre_save receiver does
            LinkStatusEvent.objects.bulk_create([row.obj for row in new], batch_size=bulk.BATCH)
            batches.record_items(ctx.batch, [row.obj for row in new], ImportItem.CREATED)
        taken.update(row.obj.pk for row in new)
        if not any(row.source for row in part):
            ctx.outcome.problems[listed:] = sorted(
                ctx.outcome.problems[listed:], key=lambda problem: problem.line
            )
        if ctx.commits:
            ctx.commits.tick()


def _response(ctx: Context, row: BundleRow) -> None:
    """A published reply: created published when the actor may publish replies (else it waits
    for a reviewer, counted in left_unpublished); one of the record gets the bundle's values
    (a published reply's text, organization and link never change: services.save_record)."""
    org = ref_of(ctx, row, "organization_id", "organizations", required=True)
    link = ref_of(ctx, row, "link_id", "links")
    check_row(ctx, row, org, link)
    v = row.values
    received = v["received_on"].strip()
    try:
        received_on = date.fromisoformat(received)
    except ValueError:
        ctx.problem(row, "received_on", f"{received!r} is not a date (2024-03-01).")
        raise Failed from None
    wanted = {
        "organization_id": org.pk,
        "link_id": link.pk if link else None,
        "received_on": received_on,
        "channel": v["channel"].strip(),
        "text": v["text"],
        "url": v.get("original_url", "").strip(),
    }
    stored = _media_name(v.get("document_url", ""))
    if stored:
        wanted["document"] = stored
    may_publish = ctx.may("record.publish_response")
    reply = existing_record(Response, row.id)
    deleted_record(ctx, row, reply)
    if reply is None:
        fields = {k: val for k, val in wanted.items() if not k.endswith("_id")}
        status = ResponseStatus.PUBLISHED if may_publish else ResponseStatus.RECEIVED
        reply = Response(public_id=row.id, organization=org, link=link, status=status, **fields)
        services.save_record(reply, actor=ctx.actor, reason=ctx.reason)
        created_record(ctx, row, reply)
    else:
        sync_details(ctx, row, reply, wanted)
        if reply.status == ResponseStatus.RECEIVED and may_publish:
            before = {"status": reply.status}
            # as services.publish_response does: the sender's address is not kept
            services.update_record(
                reply,
                actor=ctx.actor,
                reason=ctx.reason,
                status=ResponseStatus.PUBLISHED,
                contact_email="",
            )
            note_update(ctx, row, before)
    if reply.status != ResponseStatus.PUBLISHED:
        ctx.outcome.left_unpublished += 1


def _publish(ctx: Context) -> None:
    """Publish what the bundle has as public, CHUNK rows of a kind at a time through the bulk
    writer; what it refuses (not cited, naming a record left a draft) is a problem of the
    row's published_at."""
    for table, perm in PUBLISHED:
        allowed = ctx.may(perm)
        rows = []
        for row in ctx.rows[table]:
            obj = row.obj
            if obj is None or not row.values.get("published_at") or obj.published_at:
                continue
            if not allowed:
                ctx.outcome.left_unpublished += 1
                continue
            rows.append(row)
        model = MODELS[table]
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            listed = len(ctx.outcome.problems)
            # fresh: other rows' writes may have touched them
            fresh = model._base_manager.in_bulk([row.obj.pk for row in part])
            for row in part:
                row.obj = ctx.objects[table][row.id] = fresh[row.obj.pk]
            with bulk.writer(actor=ctx.actor, reason=ctx.reason) as w:
                done, _ = _bulk(ctx, part, lambda rows: w.publish([r.obj for r in rows]))
                _published(ctx, [row for row in done if row.action != "created"])
            for problem in ctx.outcome.problems[listed:]:
                problem.column = problem.column or "published_at"
            if ctx.commits:
                ctx.commits.tick()


def _published(ctx: Context, rows: list[BundleRow]) -> None:
    """note_update for rows published together: one query for their ImportItems."""
    before = {"published_at": None, "published_by_id": None}
    changed = [row for row in rows if row.action == "updated" and row.item is None]
    items = _items_of(ctx, [row.obj for row in changed]) if changed else {}
    merged = []
    for row in rows:
        item = row.item or items.get(row.obj.pk)
        if item is not None:
            item.before = {**before, **item.before}
            merged.append(item)
    ImportItem.objects.bulk_update(merged, ["before"], batch_size=bulk.BATCH)
    new = [row for row in rows if row.item is None and row.obj.pk not in items]
    batches.record_items(
        ctx.batch, [row.obj for row in new], ImportItem.UPDATED, [before] * len(new)
    )
    for row in rows:
        row.action = "updated"


def _tally(ctx: Context) -> None:
    outcome = ctx.outcome
    for table in ORDER:
        if table in OPTIONAL and table not in outcome.tables and not ctx.rows[table]:
            continue  # a bundle without the campaign, or FtM
        counts = outcome.tables.setdefault(table, TableCounts())
        for row in ctx.rows[table]:
            if row.action in ("created", "updated", "unchanged"):
                setattr(counts, row.action, getattr(counts, row.action) + 1)
        outcome.created += counts.created
        outcome.updated += counts.updated
        outcome.unchanged += counts.unchanged


def import_bundle(
    path, *, actor=None, dry_run: bool = False, name: str = "", in_chunks: bool = False
) -> batches.Outcome:
    """Import every table of a CSV bundle (see the module docstring). Returns a BundleOutcome
    (a batches.Outcome with counts by table); nothing is written when anything has a problem,
    nor in a dry run. `in_chunks`: see apply_rows."""
    path = Path(path)
    outcome = BundleOutcome(file=name or path.name, dry_run=dry_run)
    try:
        bundle = _Bundle(path)
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        outcome.problem_in(path.name, 0, "", str(exc))
        return outcome
    try:
        if not bundle.exists(csvbundle.DESCRIPTOR):
            outcome.problem_in(path.name, 0, "", f"not a CSV bundle: no {csvbundle.DESCRIPTOR}.")
            return outcome
        rows = {table: _read(bundle, table, outcome) for table in ORDER}
        sha256 = bundle.sha256()
    finally:
        bundle.close()
    if not outcome.ok:
        return outcome  # a file that cannot be read: nothing is tried
    return apply_rows(rows, outcome, actor=actor, sha256=sha256, kind="bundle", in_chunks=in_chunks)


def apply_rows(
    rows: dict[str, list[BundleRow]],
    outcome: BundleOutcome,
    *,
    actor,
    sha256: str,
    kind: str,
    in_chunks: bool = False,
) -> BundleOutcome:
    """Apply the rows of every table, in one transaction kept only when nothing went wrong and
    this is no dry run; the batch is named after outcome.file. `in_chunks` (a file already
    checked: intake's dry run in a copy of the SQLite database): in short transactions that
    let forms write between two, the batch undone should anything still go wrong."""
    for table in ORDER:
        rows.setdefault(table, [])
    if in_chunks and not outcome.dry_run:
        return _apply_in_short_transactions(rows, outcome, actor=actor, sha256=sha256, kind=kind)
    try:
        with transaction.atomic():
            batch = batches.new_batch(actor, outcome.file, sha256, kind)
            ctx = Context(batch, actor, outcome, rows)
            _run(ctx)
            _tally(ctx)
            batches.close_batch(batch, outcome)
    except batches.Rollback:
        outcome.batch = None
    return outcome


def _apply_in_short_transactions(rows, outcome, *, actor, sha256, kind) -> BundleOutcome:
    batch = batches.new_batch(actor, outcome.file, sha256, kind)

    def write() -> None:
        with batches.ShortTransactions() as commits:
            ctx = Context(batch, actor, outcome, rows, commits=commits)
            _run(ctx)
            _tally(ctx)

    return batches.written_or_undone(batch, outcome, write)


def each_row(ctx: Context, table: str, apply: Callable[[Context, BundleRow], None]) -> None:
    for row in ctx.rows[table]:
        apply_row(ctx, row, lambda row=row: apply(ctx, row))


def _run(ctx: Context) -> None:
    """The tables in ORDER: the record's a chunk at a time through the bulk writer, except
    what is rarer (products' part_of, status histories, replies) and the campaign's, row by
    row through the services."""
    _in_chunks(ctx, "sources", _source)
    _organizations(ctx, ctx.rows["organizations"])

    def details(kind: str, taken: set[int] | None = None) -> dict:
        def after(rows: list[BundleRow]) -> None:  # what a row created is not matched again
            if taken is not None:
                taken.update(row.obj.pk for row in rows if row.obj is not None)

        return {"before": lambda rows: _details_of(ctx, kind, rows), "after": after}

    taken_names: set[int] = set()
    apply_name = lambda c, r: _name(c, r, taken_names)  # noqa: E731
    _in_chunks(ctx, "organization_names", apply_name, **details("names", taken_names))
    texts: dict[tuple[int, str], int] = {}
    apply_text = lambda c, r: _organization_text(c, r, texts)  # noqa: E731
    _in_chunks(ctx, "organization_texts", apply_text, **details("texts"))
    taken_ids: set[int] = set()
    apply_identifier = lambda c, r: _identifier(c, r, taken_ids)  # noqa: E731
    _in_chunks(ctx, "identifiers", apply_identifier, **details("identifiers", taken_ids))
    ctx.details = {}
    _in_chunks(ctx, "products", _product)
    for row in ctx.rows["products"]:
        if row.obj is not None:
            apply_row(ctx, row, lambda row=row: _part_of(ctx, row))
    _in_chunks(ctx, "sites", _site)
    _in_chunks(ctx, "links", _link)
    _status_events(ctx)
    _in_chunks(ctx, "citations", _citation)
    each_row(ctx, "responses", _response)
    _publish(ctx)
    from unmask.exchange.formats.csvbundle import (
        campaign as campaign_import,  # it builds on this module
    )

    campaign_import.run(ctx)
