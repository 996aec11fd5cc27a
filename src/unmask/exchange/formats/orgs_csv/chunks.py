"""The CSV organization import a chunk of rows at a time (read.import_file).

Row by row through the services, a row costs some twenty queries (matching, saving, history,
visibility, search text), and a million rows take hours. Here the rows of a chunk (CHUNK) are
matched with a few set-based queries, and the organizations they create are checked as the
services check them (permissions, full_clean) and written together: the organizations, their
other names and identifiers, the history of each (the batch's reason and the actor, as
services.save_with_history writes it) and the batch's ImportItems, each table with one
executemany (`insert`); then the derived state once for the chunk: visibility flags
(visibility.refresh), the record's version; the search text is computed before the insert.
Only the chunk is held in memory.

The outcome is the one importing row by row gives, because every row that does more than create
goes that way (org_rows.import_row: the services, matching against the database):

- A chunk's index holds every organization a row of the chunk can match: those of the record
  when the chunk starts (queried by the chunk's name keys and identifiers), those the chunk
  creates, and those the row-by-row way creates or changes. It may hold more than the database
  would answer (an organization renamed by a row stays under its old name too), never less: a
  row the index finds nothing for matches nothing, and creates.
- A row with candidates goes row by row. When one of its candidates is still waiting to be
  written, the waiting organizations are written first, so that the database holds everything
  the rows above did: of two rows naming the same new organization the first creates it, the
  second updates it (or leaves it unchanged), in one chunk or across two.
- A row whose one candidate is an organization as the chunk found it, and that gives nothing
  new, is counted unchanged without a query: importing the same file again is fast too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from unmask.exchange.formats.orgs_csv import rows as org_rows
from unmask.exchange.formats.orgs_csv.rows import Outcome, Parsed
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import services, version, visibility
from unmask.record.models import Identifier, NameKind, Organization, OrganizationName
from unmask.record.text import name_key, new_public_id, normalize_identifier

CHUNK = 2000  # rows matched and written together
COMMITTED_CHUNK = 500  # with a transaction each: the write lock is held a fraction of a second


@dataclass(eq=False)
class _New:
    """An organization a row creates, waiting to be written with the others of its chunk."""

    org: Organization
    names: list[OrganizationName]
    identifiers: list[Identifier]


@dataclass
class _Row:
    line: int
    parsed: Parsed
    keys: set[str]  # what find_duplicate_organizations looks for: name keys of its names
    identifiers: set[tuple[str, str]]  # and (scheme, normalized) pairs


@dataclass
class _Found:
    """An organization of the record as the chunk found it: what a row would change."""

    org: Organization
    name_keys: set[str]
    identifiers: set[tuple[str, str]]


def _batches(values: Iterable, size: int = 500) -> Iterator[list]:
    """Values for IN (...) lists of a bounded length (SQLite limits the parameters)."""
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _row(line: int, parsed: Parsed) -> _Row:
    names = [parsed.values["name"], *parsed.other_names]
    keys = {key for key in map(name_key, names) if key}
    identifiers = {(s, normalize_identifier(s, v)) for s, v in parsed.identifiers}
    return _Row(line, parsed, keys, {(s, n) for s, n in identifiers if n})


class _Index:
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

    def candidates(self, row: _Row) -> set[int | _New]:
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


class _Listed(list):
    def all(self) -> list:
        return self


class _Unsaved:
    """What visibility.search_text reads of an organization, before it is saved. With at most
    one other name and one identifier: more would have to come in the database's order."""

    def __init__(self, new: _New) -> None:
        self.name = new.org.name
        self.names = _Listed(new.names)
        self.identifiers = _Listed(new.identifiers)


def _country(org: Organization) -> str:
    return org.country.code if org.country else ""


class _Import:
    def __init__(self, batch: ImportBatch, actor, outcome: Outcome) -> None:
        self.batch, self.actor, self.outcome = batch, actor, outcome
        self.reason = batch.reason
        self.history_user = actor if getattr(actor, "is_authenticated", False) else None
        self.types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Organization, OrganizationName, Identifier)
        }
        self.waiting: list[_New] = []
        self.index = _Index()
        self.found: dict[int, _Found] = {}
        self.by_public_id: dict[str, int] = {}

    # --- a chunk ---------------------------------------------------------------------------------

    def chunk(self, rows: list[_Row]) -> None:
        self.load(rows)
        for row in rows:
            self.one(row)
        self.flush()

    def load(self, rows: list[_Row]) -> None:
        """The organizations of the record that the chunk's rows may match or name by id."""
        self.index = _Index()
        keys, identifiers, public_ids = set(), defaultdict(set), set()
        for row in rows:
            public_id = row.parsed.public_id
            if public_id and public_id.lower() != "new":
                public_ids.add(public_id)
            elif not public_id:
                keys |= row.keys
                for scheme, normalized in row.identifiers:
                    identifiers[scheme].add(normalized)
        alive = Organization.objects.alive()
        for part in _batches(keys):
            by_name = alive.filter(name_key__in=part).values_list("pk", "name_key", "country")
            by_other_name = OrganizationName.objects.filter(
                name_key__in=part, organization__deleted_at__isnull=True
            ).values_list("organization_id", "name_key", "organization__country")
            for pk, key, country in [*by_name, *by_other_name]:
                self.index.add(pk, str(country or ""), keys=[key])
        for scheme, values in identifiers.items():
            for part in _batches(values):
                matching = Identifier.objects.filter(
                    scheme=scheme, normalized__in=part, organization__deleted_at__isnull=True
                )
                for pk, normalized in matching.values_list("organization_id", "normalized"):
                    self.index.add(pk, "", identifiers=[(scheme, normalized)])
        self.by_public_id = {}
        for part in _batches(public_ids):
            self.by_public_id.update(
                alive.filter(public_id__in=part).values_list("public_id", "pk")
            )
        pks = {who for entries in self.index.by_key.values() for who, _c in entries}
        pks |= {who for whos in self.index.by_identifier.values() for who in whos}
        pks |= set(self.by_public_id.values())
        self.found = {}
        for part in _batches(pks):
            fields = ("pk", *org_rows.FIELDS)
            for org in Organization.objects.filter(pk__in=part).only(*fields).order_by():
                self.found[org.pk] = _Found(org, {name_key(org.name)}, set())
            names = OrganizationName.objects.filter(organization__in=part)
            for pk, name in names.values_list("organization_id", "name"):
                self.found[pk].name_keys.add(name_key(name))
            known = Identifier.objects.filter(organization__in=part)
            for pk, scheme, normalized in known.values_list(
                "organization_id", "scheme", "normalized"
            ):
                self.found[pk].identifiers.add((scheme, normalized))

    def one(self, row: _Row) -> None:
        public_id = row.parsed.public_id
        if public_id.lower() == "new":
            self.create(row)
            return
        if public_id:
            candidates = {self.by_public_id.get(public_id)}
        else:
            candidates = self.index.candidates(row)
            if not candidates:
                self.create(row)
                return
        if len(candidates) == 1:
            (who,) = candidates
            if who in self.found and self.gives_nothing_new(row.parsed, self.found[who]):
                self.outcome.unchanged += 1
                return
        if any(isinstance(who, _New) for who in candidates):
            self.flush()  # the database must hold them before it is asked
        org = org_rows.import_row(row.parsed, row.line, self.batch, self.actor, self.outcome)
        if org is not None:
            self.changed(org)

    @staticmethod
    def gives_nothing_new(parsed: Parsed, found: _Found) -> bool:
        """As org_rows.apply_row decides whether a row changes its organization."""
        return not (
            org_rows.changes_of(parsed, found.org)
            or org_rows.new_names(parsed, found.name_keys)
            or org_rows.new_identifiers(parsed, found.identifiers)
        )

    def changed(self, org: Organization) -> None:
        """After the services created or changed `org`: index it as it is now (its entries
        as it was stay: more candidates, never fewer), and forget how the chunk found it."""
        self.found.pop(org.pk, None)
        keys = {org.name_key, *org.names.values_list("name_key", flat=True)}
        identifiers = org.identifiers.values_list("scheme", "normalized")
        self.index.add(org.pk, _country(org), keys, identifiers)

    # --- creating --------------------------------------------------------------------------------

    def create(self, row: _Row) -> None:
        """What services.create_organization and org_rows.apply_row check and build for a new
        organization, kept to be written with the chunk."""
        parsed, line, outcome = row.parsed, row.line, self.outcome
        if "kind" not in parsed.values:
            outcome.problem(line, "kind", "a kind is required to create an organization.")
            return
        services.check_permission(self.actor, "record.add_organization")
        org = Organization(**parsed.values)
        try:
            # Not the public id (see unique_public_ids), nor the country: org_rows.parse_row took
            # it from the same list, and the field's own check costs a millisecond.
            org.full_clean(exclude=["country"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            org_rows.report_invalid(outcome, line, exc)
            return
        outcome.created += 1  # as org_rows.apply_row counts, before the other names' checks
        org.set_derived()
        new = _New(org, [], [])
        try:
            for alias in org_rows.new_names(parsed, {org.name_key}):
                item = OrganizationName(organization=org, name=alias, kind=NameKind.ALIAS)
                new.names.append(self.checked(item))
            for scheme, value in org_rows.new_identifiers(parsed, set()):
                item = Identifier(organization=org, scheme=scheme, value=value)
                new.identifiers.append(self.checked(item))
        except ValidationError as exc:
            org_rows.report_invalid(outcome, line, exc)  # the row is left out, as a whole
            return
        if len(new.names) <= 1 and len(new.identifiers) <= 1:
            org.search_text = visibility.search_text(_Unsaved(new))  # written with it
        self.waiting.append(new)
        self.index.add(
            new,
            parsed.values.get("country", ""),
            keys={org.name_key, *(n.name_key for n in new.names)},
            identifiers=[(i.scheme, i.normalized) for i in new.identifiers],
        )

    def checked(self, item: OrganizationName | Identifier):
        """As services.save_record checks a new record (its organization is not saved yet)."""
        services.check_permission(self.actor, services.perm_name(item, "add"))
        # No unique field nor constraint to check but the key, which is not drawn yet.
        item.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
        item.set_derived()
        return item

    def flush(self) -> None:
        """Write the waiting organizations, their other names and identifiers, their history,
        the batch's items; then their derived state."""
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        orgs = [new.org for new in waiting]
        unique_public_ids(orgs)
        self.write(Organization, orgs, "public_id")
        names = [n for new in waiting for n in new.names]
        identifiers = [i for new in waiting for i in new.identifiers]
        for item in [*names, *identifiers]:
            item.organization_id = item.organization.pk
        # Their public ids, drawn by the fields' default when they were made (as a save gives
        # them), kept unique here as the organizations' are.
        unique_public_ids(names)
        unique_public_ids(identifiers)
        self.write(OrganizationName, names, "public_id")
        self.write(Identifier, identifiers, "public_id")
        before = ImportItem._meta.get_field("before").get_db_prep_save({}, connection)
        insert(
            ImportItem,
            ["batch_id", "content_type_id", "object_id", "action", "before"],
            [
                (self.batch.pk, self.types[type(obj)].pk, obj.pk, ImportItem.CREATED, before)
                for new in waiting  # in the order org_rows.apply_row records them
                for obj in (new.org, *new.names, *new.identifiers)
            ],
        )
        visibility.refresh(orgs=[org.pk for org in orgs])  # drafts: none public, by the rule
        visibility.refresh_search_text([org.pk for org in orgs if not org.search_text])
        version.bump()

    def write(self, model, objs: list, *unique: str) -> None:
        """Insert new objects, with a history entry each as services.save_with_history writes
        it. Their keys are read back by `unique`, attnames whose values are unique among them
        and which, by the first, select no other rows of the table."""
        if not objs:
            return
        fields, db = _fields(model), connections[DEFAULT_DB_ALIAS]
        stamped = [
            f for f in fields.values() if getattr(f, "auto_now", 0) or getattr(f, "auto_now_add", 0)
        ]
        for obj in objs:
            for f in stamped:  # what bulk_create does first (updated_at)
                f.pre_save(obj, True)
        insert(
            model,
            list(fields),
            [tuple(f.get_db_prep_save(_raw(obj, f), db) for f in fields.values()) for obj in objs],
        )
        keys = {}
        for part in _batches({getattr(obj, unique[0]) for obj in objs}):
            written = model.objects.filter(**{f"{unique[0]}__in": part})
            keys.update((tuple(row[1:]), row[0]) for row in written.values_list("pk", *unique))
        for obj in objs:
            obj.pk = keys[tuple(getattr(obj, name) for name in unique)]
            obj._state.adding, obj._state.db = False, connection.alias
        # The rows simple_history's bulk_history_create would build: the tracked fields, and
        # when, who, why and "+" (created).
        history = model.history.model
        user = self.history_user or history.get_default_history_user(objs[0])
        given = {
            "history_date": timezone.now(),
            "history_user_id": user.pk if user is not None else None,
            "history_change_reason": self.reason,
            "history_type": "+",
        }
        fields = _fields(history)
        tracked = [fields[f.attname] for f in history.tracked_fields]
        columns = [f.attname for f in tracked] + list(given)
        if set(columns) != set(fields):  # a field this does not know how to fill
            raise RuntimeError(f"{history.__name__}: {sorted(set(fields) ^ set(columns))}")
        constants = tuple(fields[name].get_db_prep_save(value, db) for name, value in given.items())
        rows = [
            tuple(f.get_db_prep_save(_raw(obj, f), db) for f in tracked) + constants for obj in objs
        ]
        insert(history, columns, rows)


def _raw(obj, field):
    """The value of a field as the instance keeps it: what reading the attribute gives, but
    not rebuilt (a CountryField builds a Country object on each read, some 20 µs)."""
    try:
        return obj.__dict__[field.attname]
    except KeyError:
        return getattr(obj, field.attname)


def _fields(model) -> dict:
    """The columns an INSERT fills (all but the automatic key), by attname."""
    opts = model._meta
    return {f.attname: f for f in opts.concrete_fields if f is not opts.auto_field}


def insert(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT rows of prepared values (one per column, by attname) with one executemany: what
    bulk_create does, at a third of its cost per value, without the keys."""
    if not rows:
        return
    fields, quote = _fields(model), connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(fields[c].column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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
        for part in _batches(obj.public_id for obj in objs):
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


def _chunks(rows: Iterator[tuple[int, Parsed | None]], size: int) -> Iterator[list[_Row]]:
    while True:
        read = list(islice(rows, size))
        if not read:
            return
        yield [_row(line, parsed) for line, parsed in read if parsed is not None]


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
    for chunk in _chunks(rows, size):
        with transaction.atomic() if commit_chunks else nullcontext():
            run.chunk(chunk)
