"""The record as the screening matcher knows it (unmask.screening): its public organizations
with their other names and identifiers, read as values, a kind at a time. The index is kept in
the process and made again when the record's version changes (in the background, the last one
answering meanwhile): at 100,000 organizations it takes seconds to build, and every list
screened after it reads it."""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unmask.record import version
from unmask.record.models import Identifier, Organization, OrganizationName
from unmask.screening.matcher import MATCH, Candidate, Entry, Index, Query
from unmask.screening.names import Name, prepare

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_kept: dict[str, Index] = {}


_building = threading.Lock()  # held by the one thread building a newer index in the background


def record_index() -> Index:
    """The index of the record as it is now (kept per version of the record, and the moment
    it changed: a database restored from a backup, or a test's rolled back, can come back to
    a version number with other data).

    After an edit, with settings.PAYLOAD_STALE (as the map's and the feeds' payloads), the last
    index built answers at once while one thread builds the new one: at 100,000 organizations
    a build takes seconds, and every list and API request would wait for it."""
    current = f"{version.stamp()}@{version.changed_at()}"
    index = _kept.get(current)
    if index is not None:
        return index
    if settings.PAYLOAD_STALE and _kept:
        last = next(iter(_kept.values()), None)
        if last is not None:
            _build_later(current)
            return last
    with _lock:
        index = _kept.get(current)
        if index is None:
            index = build_index()
            _keep(current, index)
    return index


def _keep(current: str, index: Index) -> None:
    _kept.clear()  # one version at a time: the last one
    _kept[current] = index


def _build_later(current: str) -> None:
    if not _building.acquire(blocking=False):
        return  # another thread is building it
    context = contextvars.copy_context()  # where its reads go (web/replica.py)

    def run() -> None:
        try:
            index = build_index()
            with _lock:
                _keep(current, index)
        except Exception:
            logger.exception("Building the screening index in the background failed")
        finally:
            _building.release()
            connections.close_all()  # this thread's own

    threading.Thread(target=context.run, args=(run,), name="unmask-screening", daemon=True).start()


def build_index() -> Index:
    orgs = Organization.objects.public().order_by("pk")
    names: dict[int, list[str]] = {}
    for pk, name in OrganizationName.objects.filter(organization__in=orgs).values_list(
        "organization_id", "name"
    ):
        names.setdefault(pk, []).append(name)
    identifiers: dict[int, list[str]] = {}
    for pk, scheme, value in Identifier.objects.filter(organization__in=orgs).values_list(
        "organization_id", "scheme", "value"
    ):
        identifiers.setdefault(pk, []).append(f"{scheme}:{value}")
    return Index(
        Entry(
            public_id,
            name,
            tuple(names.get(pk, ())),
            str(country or ""),
            tuple(identifiers.get(pk, ())),
        )
        for pk, public_id, name, country in orgs.values_list("pk", "public_id", "name", "country")
    )


# --- likely duplicates: the matcher over every alive organization --------------------------------
#
# The duplicate check (services.find_duplicate_organizations) and the imports ask about drafts
# and unpublished organizations too, after every write: an index built again at each version
# would cost a build per organization created (seconds at 100,000). This one is built once and
# then kept up to date from the history tables, which every write fills (services, the bulk
# writer, undo): the organizations with history rows newer than the last seen are read again
# and indexed anew, their former entries left dead (`current` says which entry is an
# organization's now). Built again from scratch when the record went back (a restore, a test's
# rollback: the last history row seen is gone or another) or dead entries pile up.

HISTORY_WINDOW = 200  # history rows read again: PostgreSQL may commit them out of order
_alive_lock = threading.RLock()


@dataclass
class AliveIndex:
    index: Index
    current: dict[str, Entry]  # public id -> its organization's entry now
    pks: dict[str, int]  # public id -> pk
    public_ids: dict[int, str]  # pk -> public id
    marks: dict[type, tuple[int, object]]  # the last history row read, of each model
    seen: dict[type, set[int]]  # the history ids read, of the last HISTORY_WINDOW
    version: str  # the record's version and its moment when last brought up to date
    dead: int = 0  # entries of an organization that has a newer one

    def lookup(self, query: Query, name: Name, _first: bool = True) -> list[Candidate]:
        """Candidates at MATCH or above, their entry the organization's current one."""
        with _alive_lock:
            return _matches(self.index, query, name, lambda e: self.current.get(e.id) is e, 30)


def _matches(index: Index, query: Query, name: Name, valid, limit: int) -> list[Candidate]:
    """Index.match without identifiers, for `name` prepared once: the candidates of the
    `limit` best retrieved whose entry is `valid`, has a name with the query's numbers, and
    scores MATCH or above."""
    found = []
    numbers = _numbers(query.name)
    for position in index.candidates(name, limit):
        entry = index.entries[position]
        if valid(entry) and any(_numbers(n) == numbers for n in (entry.name, *entry.other_names)):
            candidate = index.compare(query, name, position)
            if candidate is not None and candidate.score >= MATCH:
                found.append(candidate)
    return found


_alive: list[AliveIndex] = []


def _histories() -> dict[type, str]:
    """The history models and the field naming the organization."""
    return {
        Organization.history.model: "id",
        OrganizationName.history.model: "organization_id",
        Identifier.history.model: "organization_id",
    }


def _entries(pks=None) -> tuple[dict[str, Entry], dict[str, int]]:
    """Entries of the alive organizations (those of `pks`, or all)."""
    orgs = Organization.objects.alive().order_by("pk")
    names_of = OrganizationName.objects.filter(organization__deleted_at__isnull=True)
    ids_of = Identifier.objects.filter(organization__deleted_at__isnull=True)
    if pks is not None:
        orgs = orgs.filter(pk__in=pks)
        names_of = names_of.filter(organization_id__in=pks)
        ids_of = ids_of.filter(organization_id__in=pks)
    names: dict[int, list[str]] = {}
    for pk, name in names_of.values_list("organization_id", "name"):
        names.setdefault(pk, []).append(name)
    identifiers: dict[int, list[str]] = {}
    for pk, scheme, value in ids_of.values_list("organization_id", "scheme", "value"):
        identifiers.setdefault(pk, []).append(f"{scheme}:{value}")
    entries, pk_of = {}, {}
    for pk, public_id, name, country in orgs.values_list("pk", "public_id", "name", "country"):
        entries[public_id] = Entry(
            public_id,
            name,
            tuple(names.get(pk, ())),
            str(country or ""),
            tuple(identifiers.get(pk, ())),
        )
        pk_of[public_id] = pk
    return entries, pk_of


def _window(model, after: int) -> list[tuple[int, object, int]]:
    """History rows of `model` after `after`: id, date and organization."""
    column = _histories()[model]
    rows = model.objects.filter(history_id__gt=after).order_by("history_id")
    return list(rows.values_list("history_id", "history_date", column))


def _build() -> AliveIndex:
    marks, seen = {}, {}
    for model in _histories():  # before the data: a write meanwhile is read again, not missed
        last = model.objects.order_by("-history_id").values_list("history_id", "history_date")
        marks[model] = last.first() or (0, None)
        seen[model] = {row[0] for row in _window(model, marks[model][0] - HISTORY_WINDOW)}
    current, pks = _entries()
    public_ids = {pk: public_id for public_id, pk in pks.items()}
    return AliveIndex(Index(current.values()), current, pks, public_ids, marks, seen, _key())


def _key() -> str:
    return f"{version.stamp()}@{version.changed_at()}"


def _sync(kept: AliveIndex) -> bool:
    """Bring `kept` up to date; False when it must be built again."""
    key = _key()
    if key == kept.version:
        return True
    changed: set[int] = set()
    windows = {}
    for model in _histories():
        last_id, last_date = kept.marks[model]
        if last_id:
            still = model.objects.filter(history_id=last_id).values_list("history_date", flat=True)
            if still.first() != last_date:
                return False  # the record went back: a restore, a rollback
        rows = _window(model, last_id - HISTORY_WINDOW)
        changed.update(pk for history_id, _date, pk in rows if history_id not in kept.seen[model])
        windows[model] = rows
    if len(changed) > 5000 or kept.dead > max(5000, len(kept.current) // 5):
        return False  # cheaper built again
    entries, pks = _entries(changed)
    gone = changed - set(pks.values())  # deleted, or rolled back
    for public_id in [p for p in map(kept.public_ids.get, gone) if p in kept.current]:
        del kept.current[public_id], kept.pks[public_id]
        kept.dead += 1
    with _alive_lock:
        for public_id, entry in entries.items():
            kept.dead += public_id in kept.current
            kept.current[public_id] = entry
            kept.pks[public_id] = pks[public_id]
            kept.public_ids[pks[public_id]] = public_id
            kept.index.add(entry)
    for model, rows in windows.items():
        if rows:
            kept.marks[model] = rows[-1][:2]
            kept.seen[model] = {row[0] for row in rows if row[0] > rows[-1][0] - HISTORY_WINDOW}
    kept.version = key
    return True


def alive_index() -> AliveIndex:
    """The matcher's index of every alive organization (drafts, unpublished and public), as the
    record is now."""
    with _alive_lock:
        if _alive and _sync(_alive[0]):
            return _alive[0]
        _alive[:] = [_build()]
        return _alive[0]


# The matcher's rules (matcher.Index.similarity), as a person reads them: the screening page's
# evidence and the duplicate check's reasons.
RULES = {
    "identifier": gettext_lazy("same identifier"),
    "same name": gettext_lazy("same name"),
    "same words, another order": gettext_lazy("same words in another order"),
    "same name in another spelling": gettext_lazy("same name in another spelling or script"),
    "same name in another spelling and order": gettext_lazy(
        "same name in another spelling and order"
    ),
    "same name, spaced otherwise": gettext_lazy("same name with other spacing"),
    "acronym": gettext_lazy("acronym of the name"),
    "a slip in the name": gettext_lazy("a typing slip in the name"),
    "same consonants": gettext_lazy("same consonants (a script written without vowels)"),
}


def rule_label(rule: str) -> str:
    return str(RULES.get(rule, rule))


def reason(candidate: Candidate) -> str:
    """Why a candidate is likely the same organization: the name that matched and the rule."""
    return _("likely the same: «%(name)s», %(rule)s") % {
        "name": candidate.matched_name,
        "rule": rule_label(candidate.rule),
    }


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", unicodedata.normalize("NFKC", text))


def _best(lookups, name: str, country: str, aliases: Iterable[str]) -> list[Candidate]:
    """The best candidate of each organization over the name and other names, best first
    (`lookups`: functions of a query and its prepared name, and whether it is the name). A
    name with other numbers is another organization (Partner 01 and Partner 02), which the
    matcher takes for a slip."""
    best: dict[str, Candidate] = {}
    asked = set()
    for text in (name, *aliases):
        prepared = prepare(text or "")
        same = (prepared.words, prepared.form.text if prepared.form else "")
        if not prepared.words or same in asked:
            continue
        numbers = _numbers(text)
        for lookup in lookups:
            for c in lookup(Query(text, country or ""), prepared, not asked):
                if _numbers(c.matched_name) != numbers:
                    continue
                if c.entry.id not in best or c.score > best[c.entry.id].score:
                    best[c.entry.id] = c
        asked.add(same)
    return sorted(best.values(), key=lambda c: (-c.score, c.entry.id))


def likely_duplicates(
    name: str, country: str = "", aliases: Iterable[str] = (), exclude: int | None = None
) -> list[tuple[int, Candidate]]:
    """The alive organizations the matcher takes for the same as `name` (or one of `aliases`)
    in `country` (MATCH or above; another country is never one), with their pk, best first."""
    kept = alive_index()
    found = [(kept.pks.get(c.entry.id), c) for c in _best([kept.lookup], name, country, aliases)]
    return [(pk, c) for pk, c in found if pk is not None and pk != exclude]


class _Vocabulary(Counter):
    """The words of an import's rows counted over the record's: a slip is told from another
    word by how many names use it (matcher.Index._slips)."""

    def __init__(self, base: Counter) -> None:
        super().__init__()
        self.base = base

    def __getitem__(self, key):
        return dict.get(self, key, 0) + self.base[key]


IMPORT_RETRIEVED = 10  # candidates compared of a row's name: one of MATCH shares most keys
WINDOW = 4000  # entries of an import's rows kept for the rows below (an entry is ~6 kB)


class ImportScreen:
    """Likely duplicates for one import: the alive organizations when it starts (built once,
    not a row at a time), asked about a row's name and other names, and what the rows above
    created or changed (`add`), asked about its name, so that two rows of one file naming the
    same new organization in other words are caught too: within a window of up to WINDOW rows
    (begun again when full: memory stays that of a chunk). A check and the import it foretells
    add the same in the same order, and see the same."""

    def __init__(self) -> None:
        kept = alive_index()  # before the import writes: what the check sees too
        with _alive_lock:
            self.kept, self.current = kept, dict(kept.current)
        self.rows = self._index()
        self.latest: dict[str, Entry] = {}  # a key's entry in the window
        self.moved: set[str] = set()  # organizations of the record renamed or moved by a row

    def _index(self) -> Index:
        index = Index(())
        index.vocabulary = _Vocabulary(self.kept.index.vocabulary)
        return index

    def add(self, key: str, name: str, other_names: Iterable[str] = (), country: str = "") -> None:
        """An organization as a row leaves it (`key`: its public id, or a key of the import's
        own for one it creates): its name (a former one is free), the other names it had and
        those the row gives."""
        before = self.latest.get(key) or self.current.get(key)
        names = (*before.other_names, *other_names) if before else tuple(other_names)
        names = tuple(n for n in dict.fromkeys(names) if n != name)
        entry = Entry(key, name, names, country or "")
        recorded = self.current.get(key)
        if recorded is not None and (recorded.name, recorded.country) != (name, entry.country):
            self.moved.add(key)
        if len(self.rows.entries) >= WINDOW:
            self.rows, self.latest = self._index(), {}
        self.latest[key] = entry
        self.rows.add(entry)

    def _record(self, query: Query, name: Name, _first: bool) -> list[Candidate]:
        def valid(entry: Entry) -> bool:
            return entry.id not in self.moved and self.current.get(entry.id) is entry

        with _alive_lock:
            return _matches(self.kept.index, query, name, valid, IMPORT_RETRIEVED)

    def _rows(self, query: Query, name: Name, first: bool) -> list[Candidate]:
        if not first or not self.latest:
            return []
        valid = lambda entry: self.latest.get(entry.id) is entry  # noqa: E731
        return _matches(self.rows, query, name, valid, IMPORT_RETRIEVED)

    def likely(self, name: str, country: str = "", aliases: Iterable[str] = ()) -> list[Candidate]:
        """Candidates at MATCH or above, one an organization, best first; `entry.id` is the
        record's public id, or the key `add` was given."""
        return _best([self._record, self._rows], name, country, aliases)
