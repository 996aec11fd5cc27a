"""The CSV organization import a chunk of rows at a time (read.import_file), written through the
record's bulk writer (record/bulk.py).

Row by row through the services, a row costs some twenty queries (matching, saving, history,
visibility, search text), and a million rows take hours. Here the rows of a chunk (CHUNK) are
matched with a few set-based queries, and what they create and change is written together by
the bulk writer (its checks, history, visibility flags, search text and version are the
services'), with the batch's ImportItems. Only the chunk is held in memory.

The outcome is the one importing row by row gives:

- A chunk's index holds every organization a row of the chunk can match: those of the record
  when the chunk starts (queried by the chunk's name keys and identifiers) as the chunk's rows
  leave them (an organization a row renames is indexed under its new name, no longer its old
  one), and those the chunk creates. Organizations changed the row-by-row way (below) stay
  under their old keys too: the index may hold more than the database would answer, never less.
- A row whose one candidate is an organization as the chunk knows it is applied here: nothing
  new, it is counted unchanged without a query; else its changes wait to be written with the
  chunk's. Of two rows changing one organization, the first's changes are written before the
  second is applied, as row by row.
- A row with several candidates, or whose candidate is still waiting to be created, goes row by
  row (org_rows.import_row: matched against the database, through the services), once what
  waits is written: of two rows naming the same new organization the first creates it, the
  second updates it (or leaves it unchanged), in one chunk or across two.
- A row without an id that nothing matches exactly is asked about in the import's
  record.screening.ImportScreen (the record's alive organizations when the import starts, and
  what the rows above created or changed, added as they go): a likely duplicate is left out
  and listed (org_rows.likely_duplicate), else the row creates its organization.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

from unmask import sql
from unmask.exchange import batches
from unmask.exchange.formats.orgs_csv import rows as org_rows
from unmask.exchange.formats.orgs_csv.rows import Outcome, Parsed
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import bulk, screening
from unmask.record.models import Identifier, NameKind, Organization, OrganizationName
from unmask.record.text import name_key, new_public_id, normalize_identifier
from unmask.sql import objects_in, select_in

CHUNK = 2000  # rows matched and written together
# With a transaction each: SQLite's write lock held about half a second on a 2-core machine
# (500 rows made a million-row import 12% slower, its commits paying WAL checkpoints).
COMMITTED_CHUNK = 2000


@dataclass
class Row:
    line: int
    parsed: Parsed
    keys: set[str]  # what find_duplicate_organizations looks for: name keys of its names
    identifiers: set[tuple[str, str]]  # and (scheme, normalized) pairs


@dataclass(eq=False)
class _Found:
    """An organization of the record as the chunk knows it: as stored, with the changes of the
    chunk's rows applied."""

    org: Organization
    other_keys: set[str]  # name keys of its other names
    identifiers: set[tuple[str, str]]

    @property
    def name_keys(self) -> set[str]:
        return {self.org.name_key, *self.other_keys}


@dataclass(eq=False)
class _New:
    """An organization a row creates, waiting to be written with the others of its chunk."""

    line: int
    org: Organization
    names: list[OrganizationName]
    identifiers: list[Identifier]


@dataclass(eq=False)
class _Change:
    """What a row changes in an organization of the record, waiting to be written."""

    line: int
    found: _Found
    fields: dict[str, str]  # the former values of the fields it changes (ImportItem.before)
    names: list[OrganizationName] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)


def statement(template: str, **names: str) -> str:
    """A statement with the record's tables named ({orgs}, {names}, {ids}) and `names`."""
    return sql.statement(template, **_TABLES, **names)


_TABLES = {
    "orgs": Organization._meta.db_table,
    "names": OrganizationName._meta.db_table,
    "ids": Identifier._meta.db_table,
}

# What a chunk's rows may match in the record: alive organizations by name key, other name,
# identifier or public id; and the other names' keys and identifiers of those found.
RECORD_SQL = {
    "by_key": statement("SELECT id FROM {orgs} WHERE deleted_at IS NULL AND name_key IN ({IN})"),
    "by_name": statement(
        "SELECT n.organization_id FROM {names} n JOIN {orgs} o ON o.id = n.organization_id"
        " WHERE o.deleted_at IS NULL AND n.name_key IN ({IN})"
    ),
    "by_identifier": statement(
        "SELECT i.organization_id FROM {ids} i JOIN {orgs} o ON o.id = i.organization_id"
        " WHERE o.deleted_at IS NULL AND i.scheme = %s AND i.normalized IN ({IN})"
    ),
    "by_public_id": statement(
        "SELECT public_id, id FROM {orgs} WHERE deleted_at IS NULL AND public_id IN ({IN})"
    ),
    "names": statement(
        "SELECT organization_id, name_key FROM {names} WHERE organization_id IN ({IN})"
    ),
    "identifiers": statement(
        "SELECT organization_id, scheme, normalized FROM {ids} WHERE organization_id IN ({IN})"
    ),
}


def wanted(rows: list[Row]) -> tuple[set[str], dict[str, set[str]], set[str]]:
    """What a chunk's rows look for: name keys, identifiers by scheme (of rows without an id)
    and public ids."""
    keys: set[str] = set()
    identifiers: dict[str, set[str]] = defaultdict(set)
    public_ids: set[str] = set()
    for row in rows:
        public_id = row.parsed.public_id
        if public_id and public_id.lower() != "new":
            public_ids.add(public_id)
        elif not public_id:
            keys |= row.keys
            for scheme, normalized in row.identifiers:
                identifiers[scheme].add(normalized)
    return keys, identifiers, public_ids


def record_matches(
    keys: set[str], identifiers: dict[str, set[str]], public_ids: set[str]
) -> tuple[set[int], dict[str, int]]:
    """The organizations of the record that a chunk's rows may match (their pks) or name by
    id (public id: pk), from what the rows look for (`wanted`)."""
    pks = {pk for (pk,) in select_in(RECORD_SQL["by_key"], keys)}
    pks.update(pk for (pk,) in select_in(RECORD_SQL["by_name"], keys))
    for scheme, values in identifiers.items():
        pks.update(pk for (pk,) in select_in(RECORD_SQL["by_identifier"], values, scheme))
    by_public_id = dict(select_in(RECORD_SQL["by_public_id"], public_ids))
    return pks | set(by_public_id.values()), by_public_id


def named_by_id(row: Row, by_public_id: dict[str, int], outcome) -> int | None:
    """The organization a row names in its id column (its pk), or None, the row's problem
    reported, when the record has none by that id."""
    pk = by_public_id.get(row.parsed.public_id)
    if pk is None:
        outcome.problem(row.line, "id", f"no organization {row.parsed.public_id!r} in the record.")
    return pk


def batched(values: Iterable, size: int = 500) -> Iterator[list]:
    """Values for IN (...) lists of a bounded length (SQLite limits the parameters)."""
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def row_of(line: int, parsed: Parsed) -> Row:
    names = [parsed.values["name"], *parsed.other_names]
    keys = {key for key in map(name_key, names) if key}
    identifiers = {(s, normalize_identifier(s, v)) for s, v in parsed.identifiers}
    return Row(line, parsed, keys, {(s, n) for s, n in identifiers if n})


def _country(org: Organization) -> str:
    code = org.__dict__.get("country")  # the code, without building a Country object
    return str(code or "")


class Index:
    """Candidates by name key (with their country) and by identifier: an organization's pk, or
    a _New waiting to be written."""

    def __init__(self) -> None:
        self.by_key: dict[str, set[tuple[int | _New, str]]] = defaultdict(set)
        self.by_identifier: dict[tuple[str, str], set[int | _New]] = defaultdict(set)

    def add(
        self,
        who: int | _New,
        country: str,
        keys: Iterable[str] = (),
        identifiers: Iterable[tuple[str, str]] = (),
    ) -> None:
        for key in keys:
            self.by_key[key].add((who, country))
        for identifier in identifiers:
            self.by_identifier[identifier].add(who)

    def forget(self, who: int, keys: Iterable[str]) -> None:
        """Take `who` out from under `keys` (its names as they were), whatever the country."""
        for key in keys:
            entries = self.by_key.get(key)
            if entries:
                entries.difference_update({entry for entry in entries if entry[0] == who})

    def candidates(self, row: Row) -> set[int | _New]:
        """As find_duplicate_organizations: same name key (and country, when the row gives
        one), or any same identifier."""
        country = row.parsed.values.get("country", "")
        found = {
            who
            for key in row.keys
            for who, theirs in self.by_key.get(key, ())
            if not country or theirs == country
        }
        for identifier in row.identifiers:
            found.update(self.by_identifier.get(identifier, ()))
        return found


class _Import:
    def __init__(self, batch: ImportBatch, actor, outcome: Outcome) -> None:
        self.batch, self.actor, self.outcome = batch, actor, outcome
        self.reason = batch.reason
        self.waiting: list[_New | _Change] = []  # in the order of their rows
        self.changing: set[int] = set()  # organizations with a _Change waiting
        self.lines: dict[int, int] = {}  # id() of an object waiting -> the line of its row
        self.index = Index()
        self.found: dict[int, _Found] = {}
        self.by_public_id: dict[str, int] = {}
        self.screen = screening.ImportScreen()
        self.new_orgs: dict[str, Organization] = {}  # the screen's key -> an org created
        self.screen_keys: dict[int, str] = {}  # pk of an org created -> its key

    # --- a chunk ---------------------------------------------------------------------------------

    def chunk(self, rows: list[Row]) -> None:
        self.load(rows)
        for row in rows:
            self.one(row)
        self.flush()

    def load(self, rows: list[Row]) -> None:
        """The organizations of the record that the chunk's rows may match or name by id."""
        self.index = Index()
        pks, self.by_public_id = record_matches(*wanted(rows))
        self.found = {}
        for pk, org in objects_in(Organization, pks).items():  # whole: the writer needs all
            self.found[pk] = _Found(org, set(), set())
        for pk, key in select_in(RECORD_SQL["names"], pks):
            self.found[pk].other_keys.add(key)
        for pk, scheme, normalized in select_in(RECORD_SQL["identifiers"], pks):
            self.found[pk].identifiers.add((scheme, normalized))
        for pk, found in self.found.items():
            self.index.add(pk, _country(found.org), found.name_keys, found.identifiers)

    def one(self, row: Row) -> None:
        public_id = row.parsed.public_id
        if public_id.lower() == "new":
            self.create(row)
            return
        if public_id:
            pk = named_by_id(row, self.by_public_id, self.outcome)
            if pk is None:
                return
            candidates = {pk}
        else:
            candidates = self.index.candidates(row)
            if not candidates:
                if not self.likely_duplicate(row):
                    self.create(row)
                return
        if len(candidates) == 1:
            (who,) = candidates
            if isinstance(who, int) and who in self.found:
                self.change(row, self.found[who])
                return
        self.flush()  # the database must hold what the rows above did before it is asked
        created = self.outcome.created
        org = org_rows.import_row(
            row.parsed, row.line, self.batch, self.actor, self.outcome, self.screen
        )
        if org is not None:
            if self.outcome.created > created:
                self.new_orgs[f"+{row.line}"] = org
                self.screen_keys[org.pk] = f"+{row.line}"
            self.changed(org, row)

    def likely_duplicate(self, row: Row) -> bool:
        def public_id(key: str) -> str:
            return self.new_orgs[key].public_id if key in self.new_orgs else key

        return org_rows.likely_duplicate(self.screen, row.parsed, row.line, self.outcome, public_id)

    def screened(self, org: Organization, row: Row, key: str = "") -> None:
        """`org` as the row leaves it, for the screen (check._Check.screened: the same)."""
        key = key or self.screen_keys.get(org.pk, org.public_id)
        self.screen.add(key, org.name, row.parsed.other_names, _country(org))

    def changed(self, org: Organization, row: Row) -> None:
        """After the services created or changed `org`: index it as it is now (its entries
        as it was stay: more candidates, never fewer), and forget how the chunk knew it."""
        self.screened(org, row)
        self.found.pop(org.pk, None)
        keys = {org.name_key, *org.names.values_list("name_key", flat=True)}
        identifiers = org.identifiers.values_list("scheme", "normalized")
        self.index.add(org.pk, _country(org), keys, identifiers)

    # --- creating and changing -------------------------------------------------------------------

    def create(self, row: Row) -> None:
        """A new organization with the row's other names and identifiers, kept to be written
        with the chunk (the bulk writer checks them as the services would)."""
        parsed = row.parsed
        if "kind" not in parsed.values:
            self.outcome.problem(row.line, "kind", "a kind is required to create an organization.")
            return
        self.outcome.created += 1  # as org_rows.apply_row counts, before the checks
        org = bulk.instance(Organization, **parsed.values)
        new = _New(row.line, org, [], [])
        for alias in org_rows.new_names(parsed, {name_key(org.name)}):
            name = bulk.instance(
                OrganizationName, organization=org, name=alias, kind=NameKind.ALIAS
            )
            new.names.append(name)
        for scheme, value in org_rows.new_identifiers(parsed, set()):
            identifier = bulk.instance(Identifier, organization=org, scheme=scheme, value=value)
            new.identifiers.append(identifier)
        self.wait(new, org, *new.names, *new.identifiers)
        self.index.add(new, parsed.values.get("country", ""), row.keys, row.identifiers)
        self.new_orgs[f"+{row.line}"] = org
        self.screened(org, row, f"+{row.line}")

    def change(self, row: Row, found: _Found) -> None:
        """As org_rows.apply_row updates an organization: the fields the row gives new values
        for, the other names and identifiers it adds; nothing new, it is left alone."""
        parsed, org = row.parsed, found.org
        changes = org_rows.changes_of(parsed, org)
        names = org_rows.new_names(parsed, found.name_keys)
        identifiers = org_rows.new_identifiers(parsed, found.identifiers)
        if not (changes or names or identifiers):
            self.outcome.unchanged += 1
            return
        if org.pk in self.changing:
            self.flush()  # one change of an organization at a time, each with its history
        self.outcome.updated += 1
        before = {name: org_rows.value_of(org, name) for name in changes}
        old_keys = found.name_keys
        for name, value in changes.items():
            setattr(org, name, value)
        if "name" in changes:
            org.name_key = name_key(org.name)
        waiting = _Change(row.line, found, before)
        for alias in names:
            item = bulk.instance(
                OrganizationName, organization=org, name=alias, kind=NameKind.ALIAS
            )
            waiting.names.append(item)
            found.other_keys.add(name_key(alias))
        for scheme, value in identifiers:
            item = bulk.instance(Identifier, organization=org, scheme=scheme, value=value)
            waiting.identifiers.append(item)
            found.identifiers.add((scheme, normalize_identifier(scheme, value)))
        self.changing.add(org.pk)
        self.wait(waiting, org, *waiting.names, *waiting.identifiers)
        self.index.forget(org.pk, old_keys)
        self.index.add(org.pk, _country(org), found.name_keys, found.identifiers)
        self.screened(org, row)

    def wait(self, item: _New | _Change, *objs) -> None:
        self.waiting.append(item)
        for obj in objs:
            self.lines[id(obj)] = item.line

    def invalid(self, error: bulk.InvalidObject) -> None:
        """An object the bulk writer refused: a problem of its row."""
        org_rows.report_invalid(self.outcome, self.lines.get(id(error.obj), 0), error)

    def flush(self) -> None:
        """Write what waits (organizations created, then changed, then their other names and
        identifiers) through the bulk writer, and the batch's items in the order of the rows."""
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        self.changing = set()
        new = [item for item in waiting if isinstance(item, _New)]
        changes = [item for item in waiting if isinstance(item, _Change)]
        with bulk.writer(actor=self.actor, reason=self.reason) as w:
            orgs = [item.org for item in new]
            unique_public_ids(orgs)
            written = {id(org) for org in w.create(orgs, invalid=self.invalid)}
            for item in new:
                if item.org.pk is not None:
                    self.screen_keys[item.org.pk] = f"+{item.line}"
            changed = [item.found.org for item in changes if item.fields]
            if changed:
                fields = sorted({name for item in changes for name in item.fields})
                written |= {id(org) for org in w.update(changed, fields, invalid=self.invalid)}
            kept = [
                item
                for item in waiting
                if id(item.org if isinstance(item, _New) else item.found.org) in written
                or (isinstance(item, _Change) and not item.fields)
            ]
            names = [name for item in kept for name in item.names]
            identifiers = [identifier for item in kept for identifier in item.identifiers]
            for detail in (*names, *identifiers):
                detail.organization_id = detail.organization.pk
            # Drawn by the fields' default when they were made, as a save gives them.
            unique_public_ids(names)
            unique_public_ids(identifiers)
            written |= {id(obj) for obj in w.create(names, invalid=self.invalid)}
            written |= {id(obj) for obj in w.create(identifiers, invalid=self.invalid)}
            self.record(kept, written)
        self.lines = {}

    def record(self, kept: list[_New | _Change], written: set[int]) -> None:
        """The batch's ImportItems, in the order org_rows.apply_row records them."""
        items: list[tuple[object, str, dict]] = []
        for item in kept:
            if isinstance(item, _New):
                items.append((item.org, ImportItem.CREATED, {}))
            elif item.fields:
                items.append((item.found.org, ImportItem.UPDATED, item.fields))
            items += [(obj, ImportItem.CREATED, {}) for obj in (*item.names, *item.identifiers)]
        kept_items = [item for item in items if id(item[0]) in written]
        batches.record_items(
            self.batch,
            [obj for obj, _action, _before in kept_items],
            [action for _obj, action, _before in kept_items],
            [before for _obj, _action, before in kept_items],
        )


def unique_public_ids(objs: list) -> None:
    """Draw again the public ids that are taken (in the record, or twice in `objs`, all of one
    model: organizations, other names or identifiers, each drawn by its field's default).
    Eight random characters: among a million new rows, a clash or two is to be expected."""
    if not objs:
        return
    model = type(objs[0])
    chosen: set[str] = set()
    while objs:
        taken = set()
        for part in batched(obj.public_id for obj in objs):
            same = model.objects.filter(public_id__in=part)
            taken.update(same.values_list("public_id", flat=True))
        clashing = []
        for obj in objs:
            if obj.public_id in taken or obj.public_id in chosen:
                clashing.append(obj)
            else:
                chosen.add(obj.public_id)
        for obj in clashing:
            obj.public_id = new_public_id()
        objs = clashing


def read_chunks(rows: Iterator[tuple[int, Parsed | None]], size: int) -> Iterator[list[Row]]:
    while True:
        read = list(islice(rows, size))
        if not read:
            return
        yield [row_of(line, parsed) for line, parsed in read if parsed is not None]


def import_rows(
    rows: Iterator[tuple[int, Parsed | None]],
    batch: ImportBatch,
    actor,
    outcome: Outcome,
    chunk_size: int | None = None,
    *,
    commit_chunks: bool = False,
) -> None:
    """Import parsed rows (None: a row with a problem, already reported) into `batch`, inside
    the caller's transaction, `chunk_size` (default CHUNK) rows at a time; `commit_chunks`:
    each chunk (COMMITTED_CHUNK rows) in a transaction of its own."""
    run = _Import(batch, actor, outcome)
    size = chunk_size or (COMMITTED_CHUNK if commit_chunks else CHUNK)
    for chunk in read_chunks(rows, size):
        with transaction.atomic() if commit_chunks else nullcontext():
            run.chunk(chunk)
