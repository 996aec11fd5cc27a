"""Screening: which organization of the record a name from a list refers to, if any, and why.

An `Index` holds the record's organizations (their names, other names, country and
identifiers) prepared once (names.prepare). `Index.match(query)` returns the candidates that
name the same company, best first, each with a score and the evidence: which of its names
matched the query, by which rule, and what contradicts.

Retrieval (blocking): candidates come from an inverted index of name keys (names.skeleton of
each word, and three-letter pieces of the squashed key for names written without spaces or
with a slip), never from a comparison with every organization.

Decision, for each candidate name:
1. An identifier the query gives that the record holds settles it (identifiers are unique).
2. A country the query gives is the country of registration: another one excludes.
3. Legal forms must fit (legal_forms.Found.fits).
4. The words must be the same company name: the same words folded ("exact"), the same keys in
   any order ("transliteration", "word order"), the same keys run together ("spacing"), one or
   two slips in a name's own words but never a known word swapped for another ("typo"), the
   same consonants for names from Arabic or Hebrew script, or an acronym the record lists.
   A word more or less (Holding, a region, another sector word) is another company.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from unmask.screening import names
from unmask.screening.identifiers import identifier_value

MATCH = 0.9  # a candidate at or above this is a match; below, at most a possible one
POSSIBLE = 0.7
CANDIDATE_BUDGET = 3000  # postings read for a query's candidates
SHORT_WORD = 6  # letters: a shorter word holds one slip at most
RARE = 8  # a key of at most this many organizations is a rare one (a stem's, not a sector's)


@dataclass(frozen=True)
class Entry:
    """An organization of the record as the matcher knows it."""

    id: str
    name: str
    other_names: tuple[str, ...] = ()
    country: str = ""
    identifiers: tuple[str, ...] = ()  # "scheme:value"


@dataclass
class Candidate:
    entry: Entry
    score: float
    rule: str  # how the names matched (or the identifier)
    matched_name: str  # which of the record's names
    evidence: list[str] = field(default_factory=list)  # supporting and contradicting facts

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH


@dataclass(frozen=True)
class Query:
    name: str
    country: str = ""
    identifier: str = ""


class Index:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = []
        self.names: list[list[names.Name]] = []
        self.by_identifier: dict[str, int] = {}
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.vocabulary: Counter[str] = Counter()
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        texts = [n for n in (entry.name, *entry.other_names) if n.strip()]
        prepared = [names.prepare(n) for n in texts]
        prepared += [r for n in texts for r in names.other_readings(n, entry.country)]
        self.names.append(prepared)
        for identifier in entry.identifiers:
            value = identifier_value(identifier)
            if len(value) >= 4:  # a value too short to tell companies apart says nothing
                self.by_identifier[value] = position
        keys = set()
        for name in prepared:
            keys.update(_keys(name))
            if name.script == "semitic":
                keys.update(_consonant_keys(name))
            self.vocabulary.update(set(name.words))
        for key in keys:
            self.postings[key].append(position)

    # --- retrieval -------------------------------------------------------------------------
    def candidates(self, query: names.Name, limit: int = 30) -> list[int]:
        """The organizations sharing most keys with the query, read from the rarest keys up
        to a budget of postings: a stem is rare, "Software" and "sys" are not, and counting
        the organizations of every common key was most of a query's time at 100,000."""
        keys = _keys(query) | {k for k in _consonant_keys(query) if k[1] == ":"}
        # rarest first, then by key: the same candidates in every process (a set's order is
        # the process's hash seed's)
        found = sorted((len(self.postings[key]), key) for key in keys if key in self.postings)
        postings = [self.postings[key] for _n, key in found]
        counts: Counter[int] = Counter()
        for position in self.postings.get(f"f:{query.squashed}", ())[:limit]:
            counts[position] += 1000  # the same name (an acronym, a short name): always first
        for position in self.postings.get(f"cf:{query.consonants}", ())[:limit]:
            counts[position] += 500  # the same consonants as a name in Hebrew or Arabic
        budget = CANDIDATE_BUDGET
        for posting in postings:
            if len(posting) > budget and counts:
                break
            if len(posting) <= RARE:  # a stem's key counts for more than a sector word's
                for position in posting:
                    counts[position] += 8
            else:
                counts.update(posting)
            budget -= len(posting)
        if len(counts) > limit:  # the limit-th count bounds the ranked: fewer to sort
            least = heapq.nlargest(limit, counts.values())[-1]
            ranked = sorted((-n, position) for position, n in counts.items() if n >= least)
        else:
            ranked = sorted((-n, position) for position, n in counts.items())
        return [position for _n, position in ranked[:limit]]

    # --- matching --------------------------------------------------------------------------
    def match(self, query: Query, limit: int = 5) -> list[Candidate]:
        name = names.prepare(query.name)
        found: dict[int, Candidate] = {}
        if query.identifier:
            position = self.by_identifier.get(identifier_value(query.identifier))
            if position is not None:
                entry = self.entries[position]
                found[position] = Candidate(
                    entry, 1.0, "identifier", query.identifier, [f"identifier {query.identifier}"]
                )
        for position in self.candidates(name):
            if position in found:
                continue
            candidate = self.compare(query, name, position)
            if candidate is not None:
                found[position] = candidate
        ranked = sorted(found.values(), key=lambda c: (-c.score, c.entry.id))
        return ranked[:limit]

    def compare(self, query: Query, name: names.Name, position: int) -> Candidate | None:
        entry = self.entries[position]
        best: Candidate | None = None
        prepared = self.names[position]
        own_form = prepared[0].form if prepared else None  # the registered name's
        for theirs in prepared:
            # A name without its form (an other name) is still the registered company's.
            score, rule = self.similarity(name, theirs, entry.country, theirs.form or own_form)
            if best is None or score > best.score:
                best = Candidate(entry, score, rule, theirs.text)
        if best is None or best.score < POSSIBLE:
            return None
        evidence = [f"{best.rule}: {best.matched_name}"]
        if query.country and entry.country and query.country.upper() != entry.country:
            best.score = min(best.score, POSSIBLE)  # listed as possible, never a match
            evidence.append(f"country {query.country.upper()} against {entry.country}")
        elif query.country and entry.country:
            evidence.append(f"country {entry.country}")
        best.evidence = evidence
        return best if best.score >= POSSIBLE else None

    def similarity(
        self, ours: names.Name, theirs: names.Name, country: str = "", form=None
    ) -> tuple[float, str]:
        form = form or theirs.form
        if ours.form is not None and not ours.form.fits(form, country):
            return 0.0, f"legal form {ours.form.text} against {form.text}"
        if not ours.words or not theirs.words:
            return 0.0, "no name"
        if ours.words == theirs.words:
            return 1.0, "same name"
        if sorted(ours.words) == sorted(theirs.words):
            return 0.97, "same words, another order"
        if ours.keys == theirs.keys:
            return 0.96, "same name in another spelling"
        if sorted(ours.keys) == sorted(theirs.keys):
            return 0.95, "same name in another spelling and order"
        if ours.squashed == theirs.squashed:
            return 0.94, "same name, spaced otherwise"
        if len(ours.words) == 1 and _acronym(theirs) and ours.words[0] == theirs.words[0]:
            return 0.93, "acronym"
        typo = self._slips(ours, theirs)
        if typo:
            return 0.91, typo
        if (ours.script == "semitic" or theirs.script == "semitic") and (
            ours.consonants == theirs.consonants and len(ours.consonants) >= 4
        ):
            return 0.9, "same consonants"
        return 0.0, "other name"

    def _slips(self, ours: names.Name, theirs: names.Name) -> str:
        """One or two slips (a letter changed, left out, added, or two swapped) in the name's
        own words as written, the words otherwise the same; never a word the record knows
        swapped for another (Optik for Optika is another company, not a slip)."""
        allowed = 1 if len(" ".join(theirs.words)) < 10 else 2
        if len(ours.words) != len(theirs.words):
            a, b = "".join(ours.words), "".join(theirs.words)  # a space more or less, too
            if OSA.distance(a, b, score_cutoff=allowed) > allowed:
                return ""
            return "a slip in the name"
        # Word by word, in the order written or sorted (a slip in a first letter changes
        # where a word sorts: aTdena for Tadena)
        pairs = None
        for mine_words, their_words in (
            (ours.words, theirs.words),
            (sorted(ours.words), sorted(theirs.words)),
        ):
            each = [
                OSA.distance(m, t, score_cutoff=allowed + 1)
                for m, t in zip(mine_words, their_words, strict=True)
            ]
            # both slips in one short word: another name (Basjar is not Dasar, nor Kadan Kapen)
            crowded = any(
                n > 1 and len(t) < SHORT_WORD for n, t in zip(each, their_words, strict=True)
            )
            if sum(each) <= allowed and not crowded:
                pairs = zip(mine_words, their_words, strict=True)
                break
        if pairs is None:
            return ""
        for mine, other in pairs:
            if mine == other or mine.rstrip("s") == other.rstrip("s"):  # Logistic(s)
                continue
            if self.vocabulary[mine] >= 2 and self.vocabulary[other] >= 2:
                return ""
        return "a slip in the name"


def _acronym(name: names.Name) -> bool:
    raw = "".join(ch for ch in name.text if ch.isalpha())
    return len(name.words) == 1 and 2 <= len(raw) <= 6 and raw.isupper()


def _keys(name: names.Name) -> set[str]:
    """Retrieval keys: each word's key and, for words of 4 to 12 letters, the key with one
    letter left out (two spellings a slip apart share one: Keltat and Ketat share "ketat");
    the three-letter pieces of the keys run together (names spaced otherwise); and the whole
    name's keys run together ("f:", read first: an acronym shares no other key)."""
    keys = set()
    for key in name.keys:
        if len(key) >= 2:
            keys.add(f"w:{key}")
        if 4 <= len(key) <= 12:
            keys.update(f"w:{key[:i]}{key[i + 1 :]}" for i in range(len(key)))
    squashed = name.squashed
    keys.update(f"g:{squashed[i : i + 3]}" for i in range(max(0, len(squashed) - 2)))
    keys.add(f"f:{squashed}")
    return keys


def _consonant_keys(name: names.Name) -> set[str]:
    """Retrieval keys of a name written in Hebrew or Arabic (its words' consonants, and the
    whole name's, "cf:", read first), and those a query is looked up by as well: its romanization shares no other
    key when its vowels differ (Lavtal for לבטל, read lvtl)."""
    keys = {f"c:{c}" for c in map(names.consonants, name.words) if len(c) >= 2}
    if len(name.consonants) >= 4:
        keys.add(f"cf:{name.consonants}")
    return keys
