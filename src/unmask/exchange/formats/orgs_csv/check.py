"""The CSV organization import's dry run, worked out without writing (read.import_file with
dry_run, and intake's check before a file is applied): the outcome applying the file gives
(counts, problems at their line and column, ambiguous rows), from a few queries a chunk.

Applying a file writes each chunk before the next is matched (chunks.py); a check writes
nothing to the record. What the rows above did is kept in temporary tables of the connection
(no lock on the record; dropped at the end): the organizations the file creates or changes,
as they would then be, with their name keys and identifiers, where the next chunks look them up
as they look up the record's. Only a chunk is held in memory, and no model instance is made
but for a value the fast checks cannot vouch for.

Each row is decided as chunks.py decides it; what the bulk writer would refuse is found by
bulk.check_values, with the writer's messages, at the moments applying reports it (its
flushes), so the problems come in the same order. A row that applying sends through the
services one by one (its one candidate created by a row of the same chunk) is checked as the
services check it: the first refusal ends the row, which is then not counted. What a check
cannot know: the public ids of new organizations (applying draws its own), and what others
write meanwhile (applying checks again as it writes, and undoes the batch on a problem).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from unmask.exchange.batches import MAX_LISTED, Ambiguous, Outcome
from unmask.exchange.formats.orgs_csv import chunks
from unmask.exchange.formats.orgs_csv import rows as org_rows
from unmask.record import bulk, screening, services
from unmask.record.models import Identifier, NameKind, Organization, OrganizationName
from unmask.record.text import name_key, new_public_id, normalize_identifier
from unmask.sql import select_in

CHUNK = 2000  # rows matched together
FIELDS = org_rows.FIELDS  # read and kept as text
_SEP, _PAIR = "\x1f", "\x1e"  # control characters: never in text the reader cleaned


@dataclass(eq=False, slots=True)
class _Org:
    """An organization as the rows above leave it: of the record, or created by the file."""

    who: int  # its pk in the record, or minus the line of the row that creates it
    public_id: str  # "": one the file creates, drawn when it is listed
    values: dict[str, str]  # FIELDS as text (rows.value_of's)
    key: str  # its name's key
    other_keys: set[str]
    identifiers: set[tuple[str, str]]  # (scheme, normalized)
    # As applying would have written it by now (without what was refused): its FIELDS and
    # key, its other names' keys and identifiers as the record has them and as the file gave
    # them. The file's part is saved for the next chunks.
    written: dict[str, str] | None = None  # None: not written (yet, or refused)
    written_key: str = ""
    db_keys: set[str] = field(default_factory=set)
    db_ids: set[tuple[str, str]] = field(default_factory=set)
    file_keys: set[str] = field(default_factory=set)
    file_ids: set[tuple[str, str]] = field(default_factory=set)
    # Rows naming it are matched one by one, as applying does for an organization created by a
    # row of the chunk (it waits to be written) or changed through the services.
    row_by_row: bool = False
    dirty: bool = False  # written by this chunk: saved for the next

    @property
    def name_keys(self) -> set[str]:
        return {self.key, *self.other_keys}

    @property
    def country(self) -> str:
        return self.values.get("country", "")


@dataclass(eq=False, slots=True)
class _Item:
    """What a row creates (changes None) or changes, waiting to be checked at a flush."""

    line: int
    org: _Org
    changes: dict[str, str] | None
    names: list[str]
    identifiers: list[tuple[str, str]]
    refused: bool = False


_SAVED = {"saved_orgs": "unmask_check_org", "saved_keys": "unmask_check_key"}  # temporary


def _sql(template: str) -> str:
    return chunks.statement(template, **_SAVED, KEY="{KEY}", WITHOUT_ROWID="{WITHOUT_ROWID}")


_SQL = {
    "orgs": _sql(
        # the columns are FIELDS, our own constants
        f"SELECT id, public_id, name_key, {', '.join(FIELDS)} FROM {{orgs}} WHERE id IN ({{IN}})"  # noqa: S608
    ),
    "create": [
        _sql(
            "CREATE TEMPORARY TABLE {saved_orgs} (who {KEY} PRIMARY KEY, public_id TEXT,"
            " name_key TEXT, name TEXT, kind TEXT, country TEXT, description TEXT,"
            " file_keys TEXT, file_ids TEXT)"
        ),
        # One b-tree on SQLite (WITHOUT ROWID), not a table and its index.
        _sql(
            "CREATE TEMPORARY TABLE {saved_keys} (hash BIGINT, who BIGINT,"
            " PRIMARY KEY (hash, who)){WITHOUT_ROWID}"
        ),
    ],
    "drop": [
        _sql("DROP TABLE IF EXISTS {saved_orgs}"),
        _sql("DROP TABLE IF EXISTS {saved_keys}"),
    ],
    "saved_by_hash": _sql("SELECT who FROM {saved_keys} WHERE hash IN ({IN})"),
    "saved": _sql("SELECT * FROM {saved_orgs} WHERE who IN ({IN})"),
    "save": _sql(
        "INSERT INTO {saved_orgs} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (who) DO UPDATE SET name_key = excluded.name_key, name = excluded.name,"
        " kind = excluded.kind, country = excluded.country, description = excluded.description,"
        " file_keys = excluded.file_keys, file_ids = excluded.file_ids"
    ),
    "save_key": _sql("INSERT INTO {saved_keys} VALUES (%s, %s) ON CONFLICT DO NOTHING"),
}


class _Saved:
    """The temporary tables: organizations the file created or changed (their FIELDS, key,
    and the other names' keys and identifiers the file gave them), and where their keys and
    identifiers lead."""

    def __enter__(self) -> _Saved:
        self._drop()
        sqlite = connection.vendor == "sqlite"  # its key a rowid: no index of its own
        with connection.cursor() as cursor:
            for statement in _SQL["create"]:
                statement = statement.replace("{KEY}", "INTEGER" if sqlite else "BIGINT")
                cursor.execute(statement.replace("{WITHOUT_ROWID}", " WITHOUT ROWID" * sqlite))
        return self

    def __exit__(self, *exc) -> None:
        self._drop()

    def _drop(self) -> None:
        # In a transaction gone wrong the drop fails, and the rollback takes the tables away.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            for statement in _SQL["drop"]:
                cursor.execute(statement)

    def find(self, keys: set[str], identifiers: dict[str, set[str]]) -> set[int]:
        """Those saved under any of the keys or identifiers (and, rarely, a few more: the
        caller indexes what it loads by their keys)."""
        hashes = {_hash(key) for key in keys}
        hashes.update(_hash(scheme, v) for scheme, values in identifiers.items() for v in values)
        return {who for (who,) in select_in(_SQL["saved_by_hash"], hashes)}

    def orgs(self, whos) -> dict[int, tuple]:
        return {row[0]: row for row in select_in(_SQL["saved"], whos)}

    def save(self, orgs: list[_Org]) -> None:
        if not orgs:
            return
        # Outside a transaction, each statement would be one, with its pages written out:
        # a savepoint makes the chunk's one (of the temporary tables only: no lock on the
        # record's; Django's atomic() would take SQLite's write lock).
        alone = not connection.in_atomic_block
        with connection.cursor() as cursor:
            if alone:
                cursor.execute("SAVEPOINT unmask_check")
            try:
                self._save(cursor, orgs)
            except BaseException:
                if alone:
                    cursor.execute("ROLLBACK TO unmask_check")
                    cursor.execute("RELEASE unmask_check")
                raise
            if alone:
                cursor.execute("RELEASE unmask_check")

    @staticmethod
    def _save(cursor, orgs: list[_Org]) -> None:
        cursor.executemany(
            _SQL["save"],
            [
                (
                    org.who,
                    org.public_id,
                    org.written_key,
                    *(org.written.get(name, "") for name in FIELDS),
                    _SEP.join(org.file_keys),
                    _PAIR.join(_SEP.join(pair) for pair in org.file_ids),
                )
                for org in orgs
            ],
        )
        cursor.executemany(
            _SQL["save_key"],
            [
                (_hash(*what), org.who)
                for org in orgs
                for what in {(org.written_key,), *((k,) for k in org.file_keys), *org.file_ids}
            ],
        )


def _hash(*what: str) -> int:
    """A name key, or a scheme and normalized identifier, as a 64-bit number: Python's hash,
    the same for the whole process, which is what the temporary tables live for."""
    return hash(what)


def _split(keys: str, ids: str) -> tuple[set[str], set[tuple[str, str]]]:
    return (
        set(filter(None, keys.split(_SEP))),
        {tuple(pair.split(_SEP, 1)) for pair in filter(None, ids.split(_PAIR))},
    )


class _Check:
    def __init__(self, actor, outcome: Outcome, saved: _Saved) -> None:
        self.actor, self.outcome, self.saved = actor, outcome, saved
        self.orgs: dict[int, _Org] = {}
        self.index = chunks.Index()
        self.by_public_id: dict[str, int] = {}
        self.waiting: list[_Item] = []
        self.changing: set[int] = set()
        self.screen = screening.ImportScreen()  # as chunks._Import's
        self.drawn: dict[str, str] = {}  # the screen's key of an org the file creates -> id

    def chunk(self, rows: list[chunks.Row]) -> None:
        self.load(rows)
        for row in rows:
            self.one(row)
        self.flush()
        self.saved.save([org for org in self.orgs.values() if org.dirty and org.written])

    # --- what the chunk's rows may match --------------------------------------------------------

    def load(self, rows: list[chunks.Row]) -> None:
        """As chunks._Import.load: the organizations the rows may match or name by id, of the
        record as the rows above leave it, and those the rows above created."""
        keys, identifiers, public_ids = chunks.wanted(rows)
        pks, self.by_public_id = chunks.record_matches(keys, identifiers, public_ids)
        whos = self.saved.find(keys, identifiers)
        pks |= {who for who in whos if who > 0}
        saved = self.saved.orgs(pks | {who for who in whos if who < 0})
        self.orgs = {}
        for pk, public_id, key, *values in select_in(_SQL["orgs"], pks):
            values = dict(zip(FIELDS, values, strict=True))
            self.orgs[pk] = _Org(pk, public_id, values, key, set(), set(), dict(values), key)
        for pk, key in select_in(chunks.RECORD_SQL["names"], pks):
            self.orgs[pk].other_keys.add(key)
            self.orgs[pk].db_keys.add(key)
        for pk, scheme, normalized in select_in(chunks.RECORD_SQL["identifiers"], pks):
            self.orgs[pk].identifiers.add((scheme, normalized))
            self.orgs[pk].db_ids.add((scheme, normalized))
        for who, public_id, key, *rest in saved.values():
            *values, file_keys, file_ids = rest
            file_keys, file_ids = _split(file_keys, file_ids)
            org = self.orgs.get(who)
            if org is None:  # created by the file
                org = self.orgs[who] = _Org(who, public_id, {}, key, set(), set())
            org.values = {name: value for name, value in zip(FIELDS, values, strict=True) if value}
            org.written, org.key = dict(org.values), key
            org.written_key = key
            org.file_keys, org.file_ids = file_keys, file_ids
            org.other_keys |= file_keys
            org.identifiers |= file_ids
        self.index = chunks.Index()
        for who, org in self.orgs.items():
            self.index.add(who, org.country, org.name_keys, org.identifiers)

    # --- a row ----------------------------------------------------------------------------------

    def one(self, row: chunks.Row) -> None:
        public_id = row.parsed.public_id
        if public_id.lower() == "new":
            self.create(row)
            return
        if public_id:
            pk = chunks.named_by_id(row, self.by_public_id, self.outcome)
            if pk is not None:
                self.change(row, self.orgs[pk])
            return
        candidates = self.index.candidates(row)
        if not candidates:
            if not self.likely_duplicate(row):
                self.create(row)
            return
        if len(candidates) == 1:
            org = self.orgs[next(iter(candidates))]
            if not org.row_by_row:
                self.change(row, org)
                return
        self.flush()  # applying writes what waits, then matches the row against the record
        matches = self.written_matches(row)
        if len(matches) > 1:
            self.ambiguous(row, matches)
        elif matches:
            self.update_one(row, matches[0])
        elif not self.likely_duplicate(row):
            self.create_one(row)

    def likely_duplicate(self, row: chunks.Row) -> bool:
        def public_id(key: str) -> str:
            if key.startswith("+"):  # created by the file: applying draws its id
                return self.drawn.setdefault(key, new_public_id())
            return key

        return org_rows.likely_duplicate(self.screen, row.parsed, row.line, self.outcome, public_id)

    def screened(self, org: _Org, row: chunks.Row) -> None:
        """`org` as the row leaves it, for the screen (as chunks._Import.screened)."""
        key = org.public_id or f"+{-org.who}"
        self.screen.add(key, org.values["name"], row.parsed.other_names, org.country)

    def written_matches(self, row: chunks.Row) -> list[_Org]:
        """What services.find_duplicate_organizations answers once applying has written the
        rows above, in its order: the same name key and country (by name, those the file
        creates after those of the record, in the file's order), then the same identifier."""
        country = row.parsed.values.get("country", "")
        by_name, by_identifier = [], []
        for org in self.orgs.values():
            if org.written is None:
                continue
            keys = {org.written_key, *org.db_keys, *org.file_keys}
            if row.keys & keys and (not country or org.written.get("country", "") == country):
                by_name.append(org)
            elif row.identifiers & (org.db_ids | org.file_ids):
                by_identifier.append(org)
        by_name.sort(key=lambda org: (org.written["name"], org.who < 0, abs(org.who)))
        by_identifier.sort(key=lambda org: (org.who < 0, abs(org.who)))
        return by_name + by_identifier

    def create(self, row: chunks.Row) -> None:
        parsed = row.parsed
        if "kind" not in parsed.values:
            self.outcome.problem(row.line, "kind", "a kind is required to create an organization.")
            return
        self.outcome.created += 1
        values = dict(parsed.values)
        key = name_key(values["name"])
        org = _Org(-row.line, "", values, key, set(), set(), row_by_row=True)
        names = org_rows.new_names(parsed, {key})
        identifiers = org_rows.new_identifiers(parsed, set())
        self.add_details(org, names, identifiers)
        self.orgs[org.who] = org
        self.waiting.append(_Item(row.line, org, None, names, identifiers))
        self.index.add(org.who, org.country, row.keys, row.identifiers)
        self.screened(org, row)

    def change(self, row: chunks.Row, org: _Org) -> None:
        parsed = row.parsed
        changes = org_rows.changes_in(parsed, org.values)
        names = org_rows.new_names(parsed, org.name_keys)
        identifiers = org_rows.new_identifiers(parsed, org.identifiers)
        if not (changes or names or identifiers):
            self.outcome.unchanged += 1
            return
        if org.who in self.changing:
            self.flush()  # as applying: one change of an organization at a time
        self.outcome.updated += 1
        self.waiting.append(_Item(row.line, org, changes, names, identifiers))
        self.changing.add(org.who)
        self.apply(org, changes, names, identifiers)
        self.screened(org, row)

    def create_one(self, row: chunks.Row) -> None:
        """As rows.apply_row creates an organization through the services: counted once the
        organization passes its checks, before its other names and identifiers."""
        parsed = row.parsed
        if "kind" not in parsed.values:
            self.outcome.problem(row.line, "kind", "a kind is required to create an organization.")
            return
        values = dict(parsed.values)
        org = _Org(-row.line, "", values, name_key(values["name"]), set(), set())
        if not self.services_pass(row, [("add", Organization(**values))]):
            return
        self.outcome.created += 1  # counted, even when a detail then undoes the row
        names = org_rows.new_names(parsed, {org.key})
        identifiers = org_rows.new_identifiers(parsed, set())
        if not self.services_pass(row, self.details(names, identifiers)):
            return
        self.add_details(org, names, identifiers)
        self.written(org, None, names, identifiers)
        org.row_by_row = True
        self.orgs[org.who] = org
        self.index.add(org.who, org.country, org.name_keys, org.identifiers)
        self.screened(org, row)

    def update_one(self, row: chunks.Row, org: _Org) -> None:
        """As rows.apply_row updates an organization through the services: its changes, then
        each other name, then each identifier, the first refusal ending the row uncounted."""
        parsed = row.parsed
        current = {name: org.written.get(name, "") for name in FIELDS}
        changes = org_rows.changes_in(parsed, current)
        names = org_rows.new_names(parsed, {org.written_key, *org.db_keys, *org.file_keys})
        identifiers = org_rows.new_identifiers(parsed, org.db_ids | org.file_ids)
        checks = []
        if changes:
            stored = Organization(**org.written)
            stored.set_derived()
            stored._stored_description_language = stored.description_language
            for name, value in changes.items():
                setattr(stored, name, value)
            checks.append(("change", stored))
        if not self.services_pass(row, checks + self.details(names, identifiers)):
            return
        if changes or names or identifiers:
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1
        org.values = {**current, **changes}
        org.key = name_key(org.values["name"]) if "name" in changes else org.written_key
        org.other_keys = {*org.db_keys, *org.file_keys}
        org.identifiers = org.db_ids | org.file_ids
        self.add_details(org, names, identifiers)
        self.written(org, changes, names, identifiers)
        org.row_by_row = True
        self.index.add(org.who, org.country, org.name_keys, org.identifiers)  # old keys stay
        self.screened(org, row)

    @staticmethod
    def details(names: list[str], identifiers: list) -> list:
        return [("add", OrganizationName(name=n, kind=NameKind.ALIAS)) for n in names] + [
            ("add", Identifier(scheme=s, value=v)) for s, v in identifiers
        ]

    def services_pass(self, row: chunks.Row, checks: list) -> bool:
        """Each object as save_record checks it (permission, full_clean before the fields
        derived on saving); the first refusal is the row's problem."""
        for action, obj in checks:
            services.check_permission(self.actor, services.perm_name(obj, action))
            try:  # its organization is in the record by then: its key is not asked about
                obj.full_clean(
                    exclude=["organization"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                org_rows.report_invalid(self.outcome, row.line, error)
                return False
        return True

    def apply(self, org: _Org, changes: dict, names: list, identifiers: list) -> None:
        """The organization as the row leaves it, indexed under its keys as they are now."""
        old_keys = org.name_keys
        org.values.update(changes)
        if "name" in changes:
            org.key = name_key(org.values["name"])
        self.add_details(org, names, identifiers)
        self.index.forget(org.who, old_keys)
        self.index.add(org.who, org.country, org.name_keys, org.identifiers)

    def add_details(self, org: _Org, names: list[str], identifiers: list) -> None:
        org.other_keys |= {name_key(alias) for alias in names}
        org.identifiers |= {(s, normalize_identifier(s, v)) for s, v in identifiers}

    def written(self, org: _Org, changes: dict | None, names: list, identifiers: list) -> None:
        """What applying writes of a row that passed its checks (changes None: it creates
        the organization), for the next chunks to see."""
        if changes is None:
            org.written, org.written_key = dict(org.values), org.key
        elif changes:
            org.written.update({name: org.values[name] for name in changes})
            if "name" in changes:
                org.written_key = org.key
        org.file_keys |= {name_key(alias) for alias in names}
        org.file_ids |= {(s, normalize_identifier(s, v)) for s, v in identifiers}
        org.dirty = True

    def ambiguous(self, row: chunks.Row, matches: list[_Org]) -> None:
        """As rows._match lists the candidates of a row it leaves out."""
        self.outcome.ambiguous_count += 1
        if len(self.outcome.ambiguous) < MAX_LISTED:
            self.outcome.ambiguous.append(
                Ambiguous(
                    row.line,
                    row.parsed.values["name"],
                    [(org.public_id or new_public_id(), org.written["name"]) for org in matches],
                )
            )

    # --- what the writer would refuse ------------------------------------------------------------

    def flush(self) -> None:
        """As chunks._Import.flush reports through the writer: the organizations created, then
        those changed, then the other names and identifiers of those not refused."""
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        self.changing = set()
        new = [item for item in waiting if item.changes is None]
        changed = [item for item in waiting if item.changes]
        if new:
            services.check_permission(self.actor, "record.add_organization")
            self.refuse(new, Organization, [item.org.values for item in new])
        if changed:
            services.check_permission(self.actor, "record.change_organization")
            pks = [item.org.who for item in changed]
            self.refuse(changed, Organization, [item.org.values for item in changed], pks=pks)
        kept = [item for item in waiting if not item.refused]
        names = [(item, alias) for item in kept for alias in item.names]
        if names:
            services.check_permission(self.actor, "record.add_organizationname")
            values = [{"name": alias, "kind": NameKind.ALIAS} for _item, alias in names]
            items = [item for item, _alias in names]
            names = self.refuse(items, OrganizationName, values, details=names)
        identifiers = [(item, pair) for item in kept for pair in item.identifiers]
        if identifiers:
            services.check_permission(self.actor, "record.add_identifier")
            values = [{"scheme": s, "value": v} for _item, (s, v) in identifiers]
            items = [item for item, _pair in identifiers]
            identifiers = self.refuse(items, Identifier, values, details=identifiers)
        passed_names: dict[int, list] = {id(item): [] for item in kept}
        passed_ids: dict[int, list] = {id(item): [] for item in kept}
        for item, alias in names:
            passed_names[id(item)].append(alias)
        for item, pair in identifiers:
            passed_ids[id(item)].append(pair)
        for item in kept:
            self.written(item.org, item.changes, passed_names[id(item)], passed_ids[id(item)])

    def refuse(self, items: list[_Item], model, values: list[dict], pks=None, details=None):
        """Report what the writer would refuse of `values` (one for each of `items`, in
        order); an organization refused marks its item. Returns the `details` (one for each)
        that passed."""
        refused = bulk.check_many(model, values, pks=pks if model is Organization else None)
        for i, error in sorted(refused.items()):
            if model is Organization:
                items[i].refused = True
            org_rows.report_invalid(self.outcome, items[i].line, error)
        if details is None:
            return None
        return [detail for i, detail in enumerate(details) if i not in refused]


def check_rows(rows, actor, outcome: Outcome, chunk_size: int | None = None) -> None:
    """Check parsed rows (as chunks.import_rows takes them) without writing: `outcome` gets
    the counts and problems applying them would give."""
    with _Saved() as saved:
        run = _Check(actor, outcome, saved)
        for chunk in chunks.read_chunks(rows, chunk_size or CHUNK):
            run.chunk(chunk)
