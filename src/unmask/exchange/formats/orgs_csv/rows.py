"""Importing organizations from CSV: the rows' reading, matching and applying, and the import
batch (kept for undo), which the CSV bundle's import uses too. Matched against the record,
applied all or nothing, kept as a batch that can be undone.

Columns (the header names them, in any order and case; docs/import.md and the template):
  id            public id of an organization of the record, to update it; "new" to create one
                even if a similar one exists; empty to let matching decide
  name          required
  kind          company, public_body, military_unit, institute, financial, trade_fair, other
  country       ISO 3166-1 code (DE) or the country's English name
  description   text (Markdown)
  other_names   other names, separated by "|"
  identifiers   scheme:value pairs separated by "|" (registry:HRB 123|lei:5299...|domain:x.org)
The CSV bundle's organizations.csv (from `unmask export`) is read as it is: its other columns
are ignored.

Matching, for a row without an id: an organization with the same identifier, or with the same
normalized name or other name in the same country (record.services.find_duplicate_organizations),
among those of the record and those the rows above it in the same file created: two rows naming
the same new organization give one, the first creating it, the second updating it (or leaving
it unchanged). One match: the row updates it. Several: the row is ambiguous, listed and left out
until a person puts the intended id (or "new") in its id column. None, but the screening matcher
takes the row for an organization of the record (any alive one, drafts too) or of the rows above
(record.screening.ImportScreen: a legal form written out, another script or spelling, a slip):
a likely duplicate, ambiguous too, listed with the name and rule that matched. Nothing at all:
the row creates an organization, as a draft for reviewers to cite and publish.

A row changes only what it gives: empty cells leave fields as they are, other names and
identifiers are added, never removed. Importing the same file again changes nothing.

Every row is checked; any error (file, line, column, what is wrong) means nothing is written.
A dry run does everything, then rolls back: what it reports is exactly what applying does. (On
SQLite, intake runs it in a copy of the database, and the import then commits chunk by chunk:
read._in_chunks.)
The actor needs the permissions the services ask for (record.add_organization...). Every record
created or changed has its history entry, with the batch's reason and the actor; the import is
an ImportBatch with an ImportItem per record, which `undo` reverses as a whole.

The import itself (read.import_file) reads the CSV file as a stream and imports a chunk of
rows at a time (chunks.py):
each chunk is matched with a few queries and what it creates and changes is written by the
record's bulk writer, so a million rows take minutes and the memory of a chunk; only rows with
several candidates, or naming an organization the file itself creates, go through the services
one by one. The outcome is the one importing row by row gives. Beyond the counts, at most MAX_LISTED
problems and ambiguous rows are kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from unmask.exchange import batches
from unmask.exchange.batches import MAX_LISTED, Ambiguous, Outcome
from unmask.exchange.formats.csvfile import CsvSource
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import screening, services
from unmask.record.identifiers import identifier_error
from unmask.record.models import (
    Identifier,
    IdentifierScheme,
    NameKind,
    Organization,
    OrganizationKind,
    OrganizationName,
)
from unmask.record.screening import ImportScreen
from unmask.record.text import name_key, normalize_identifier

FIELDS = ("name", "kind", "country", "description")
COLUMNS = frozenset({"id", "name", "kind", "country", "description", "other_names", "identifiers"})


@functools.cache
def _known_columns() -> frozenset[str]:
    """COLUMNS, and those of the CSV bundle's organizations.csv (read as it is)."""
    from unmask.exchange.formats.csvbundle.write import TABLES

    table = next(t for t in TABLES if t.name == "organizations")
    return COLUMNS | {c.name for c in table.columns}


_KINDS = {k.value: k.value for k in OrganizationKind} | {
    str(k.label).casefold(): k.value for k in OrganizationKind
}
_SCHEMES = {s.value for s in IdentifierScheme}


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def _country(value: str) -> str | None:
    if not value:
        return ""
    if len(value) == 2 and value.upper() in _country_codes():
        return value.upper()
    code = countries.by_name(value)
    return code or None


@dataclass
class Parsed:
    public_id: str
    values: dict[str, str]
    other_names: list[str]
    identifiers: list[tuple[str, str]]


def parse_row(row, outcome: Outcome) -> Parsed | None:
    values = row.values
    ok = True

    def bad(column: str, message: str) -> None:
        nonlocal ok
        ok = False
        outcome.problem(row.line, column, message)

    name = one_line(values.get("name", ""))
    if not name:
        bad("name", "a name is required.")
    elif len(name) > 300:
        bad("name", "longer than 300 characters.")
    kind_text = values.get("kind", "").strip()
    kind = _KINDS.get(kind_text) or _KINDS.get(kind_text.casefold(), "")
    if kind_text and not kind:
        bad("kind", f"{kind_text!r} is not a kind ({', '.join(OrganizationKind.values)}).")
    country = _country(values.get("country", "").strip())
    if country is None:
        bad("country", f"{values.get('country')!r} is not a country code or name.")
    identifiers = []
    for item in filter(None, (p.strip() for p in values.get("identifiers", "").split("|"))):
        scheme, sep, value = item.partition(":")
        scheme = scheme.strip().lower()
        if not sep or scheme not in _SCHEMES or not value.strip():
            bad("identifiers", f"{item!r}: write scheme:value, scheme one of {sorted(_SCHEMES)}.")
            continue
        problem = identifier_error(scheme, value)  # as the admin checks it (Identifier.clean)
        if problem:
            bad("identifiers", problem)
            continue
        identifiers.append((scheme, value.strip()))
    public_id = values.get("id", "").strip()
    if not ok:
        return None
    fields = {"name": name, "description": values.get("description", "")}
    if kind:
        fields["kind"] = kind
    if country:
        fields["country"] = country
    other_names = [one_line(n) for n in values.get("other_names", "").split("|")]
    return Parsed(public_id, fields, [n for n in other_names if n], identifiers)


def _match(
    parsed: Parsed, row, outcome: Outcome, screen: ImportScreen | None = None
) -> tuple[str, Organization | None]:
    """("update", org), ("create", None), or ("ambiguous" / "error", None)."""
    if parsed.public_id.lower() == "new":
        return "create", None
    if parsed.public_id:
        org = Organization.objects.alive().filter(public_id=parsed.public_id).first()
        if org is None:
            outcome.problem(row.line, "id", f"no organization {parsed.public_id!r} in the record.")
            return "error", None
        return "update", org
    matches = services.find_duplicate_organizations(
        parsed.values["name"],
        parsed.values.get("country", ""),
        parsed.identifiers,
        parsed.other_names,
        likely=False,  # the screen's, once no exact rule matches
    )
    if len(matches) == 1:
        return "update", matches[0].organization
    if matches:
        outcome.ambiguous_count += 1
        if len(outcome.ambiguous) < MAX_LISTED:
            outcome.ambiguous.append(
                Ambiguous(
                    row.line,
                    parsed.values["name"],
                    [(m.organization.public_id, m.organization.name) for m in matches],
                )
            )
        return "ambiguous", None
    if screen is not None and likely_duplicate(screen, parsed, row.line, outcome):
        return "ambiguous", None
    return "create", None


def likely_duplicate(
    screen: ImportScreen, parsed: Parsed, line: int, outcome: Outcome, public_id=None
) -> bool:
    """Whether the matcher takes a row that no exact rule matched for an organization of the
    record or of the rows above: then it is left out and listed with its candidates, each
    with the reason (the name and rule that matched), for a person to put the right id, or
    "new", in its id column. `public_id`: the id to list for a key of the screen's own."""
    found = screen.likely(
        parsed.values["name"], parsed.values.get("country", ""), parsed.other_names
    )
    if not found:
        return False
    outcome.ambiguous_count += 1
    if len(outcome.ambiguous) < MAX_LISTED:
        listed: dict[str, str] = {}
        for candidate in found:
            key = candidate.entry.id
            listed.setdefault(
                public_id(key) if public_id else key,
                f"{candidate.entry.name} ({screening.reason(candidate)})",
            )
        outcome.ambiguous.append(
            Ambiguous(line, parsed.values["name"], list(listed.items()), likely=True)
        )
    return True


def value_of(org: Organization, name: str) -> str:
    if name == "country":
        return org.country.code if org.country else ""
    return str(getattr(org, name) or "")


def one_line(text: str) -> str:
    """A name as the import takes it: its words, one space between them."""
    return " ".join(text.split())


def _same(name: str, recorded: str, given: str) -> bool:
    """Whether a cell says what the record has: read as the import reads it (a name on one
    line, a text without the spaces around it), so that the site's own export, whose names
    may begin with a tab or hold two spaces, changes nothing."""
    if name == "name":
        return one_line(recorded) == given
    return recorded.strip() == given.strip()


def changes_of(parsed: Parsed, org: Organization) -> dict[str, str]:
    """The fields a row changes: those it gives a value for that differs from the record's."""
    return changes_in(parsed, {name: value_of(org, name) for name in parsed.values})


def changes_in(parsed: Parsed, current: dict[str, str]) -> dict[str, str]:
    """changes_of, the organization's fields given as text (value_of's)."""
    return {k: v for k, v in parsed.values.items() if v and not _same(k, current.get(k, ""), v)}


def new_names(parsed: Parsed, known: set[str]) -> list[str]:
    """The row's other names that the organization does not have (`known`: its name keys)."""
    new, known = [], set(known)
    for alias in parsed.other_names:
        key = name_key(alias)
        if key not in known:
            new.append(alias)
            known.add(key)
    return new


def new_identifiers(parsed: Parsed, known: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The row's identifiers that the organization does not have (`known`: (scheme,
    normalized) pairs)."""
    new, known = [], set(known)
    for scheme, value in parsed.identifiers:
        key = (scheme, normalize_identifier(scheme, value))
        if key not in known:
            new.append((scheme, value))
            known.add(key)
    return new


def apply_row(
    parsed: Parsed, action: str, org: Organization | None, batch: ImportBatch, actor, row, outcome
) -> Organization | None:
    """Create or update the row's organization through the services; return it."""
    reason = batch.reason
    if action == "create":
        if "kind" not in parsed.values:
            outcome.problem(row.line, "kind", "a kind is required to create an organization.")
            return None
        org = services.create_organization(
            actor=actor, reason=reason, allow_duplicate=True, **parsed.values
        )
        batches.record_item(batch, org, ImportItem.CREATED)
        changed = True
        outcome.created += 1
    else:
        changes = changes_of(parsed, org)
        changed = bool(changes)
        if changes:
            before = {k: value_of(org, k) for k in changes}
            services.update_record(org, actor=actor, reason=reason, **changes)
            batches.record_item(batch, org, ImportItem.UPDATED, before)
    known_names = {name_key(org.name)} | {
        name_key(n) for n in org.names.values_list("name", flat=True)
    }
    for alias in new_names(parsed, known_names):
        item = OrganizationName(organization=org, name=alias, kind=NameKind.ALIAS)
        services.save_record(item, actor=actor, reason=reason)
        batches.record_item(batch, item, ImportItem.CREATED)
        changed = True
    known_ids = set(org.identifiers.values_list("scheme", "normalized"))
    for scheme, value in new_identifiers(parsed, known_ids):
        item = Identifier(organization=org, scheme=scheme, value=value)
        services.save_record(item, actor=actor, reason=reason)
        batches.record_item(batch, item, ImportItem.CREATED)
        changed = True
    if action == "update":
        if changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return org


def report_invalid(outcome: Outcome, line: int, exc: ValidationError) -> None:
    for column, messages in exc.message_dict.items():
        for message in messages:
            outcome.problem(line, column if column != "__all__" else "", message)


def import_row(
    parsed: Parsed, line: int, batch: ImportBatch, actor, outcome, screen=None
) -> Organization | None:
    """One row, matched against the database (and `screen`, an ImportScreen, for likely
    duplicates) and applied through the services; the organization it created or updated,
    if any."""
    row = _Line(line)
    action, org = _match(parsed, row, outcome, screen)
    if action not in ("create", "update"):
        return None
    try:
        with transaction.atomic():
            return apply_row(parsed, action, org, batch, actor, row, outcome)
    except ValidationError as exc:
        report_invalid(outcome, line, exc)
        return None


def csv_rows(path: Path, outcome: Outcome) -> Iterator[tuple[int, Parsed | None]]:
    source = CsvSource(path, name=outcome.file)
    for row in source.rows():
        if not outcome.rows and "name" not in source.header:
            outcome.problem(1, "name", "the header has no column 'name'.")
            return
        if not outcome.rows:
            for column in source.header:
                if column and column not in _known_columns():
                    outcome.warn(f"{outcome.file}, line 1: column {column!r} is not read.")
        outcome.rows += 1
        yield row.line, parse_row(row, outcome)


@dataclass
class _Line:
    line: int
