"""Screening a list of companies against the record (issue 18): the list read from its file
(CSV as csvfile reads it, XLSX by openpyxl read-only, or plain text with a name a line), its
columns recognized by their headers or chosen, each row matched (screening.matcher) against
the record's public organizations, and the results written as CSV.

A list is read from the file it comes in and never stored, copied or logged: what leaves this
module is the results, to whoever asked for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from unmask.exchange.formats.csvfile import CsvError, CsvSource, cell_value, inert
from unmask.screening.matcher import MATCH, Candidate, Index, Query

# Headers a list's columns go by (lower case), in the languages the site speaks.
NAME_HEADERS = (
    "name",
    "company",
    "company name",
    "organization",
    "organisation",
    "organization name",
    "supplier",
    "supplier name",
    "vendor",
    "contractor",
    "entity",
    "holding",
    "issuer",
    "exhibitor",
    "firma",
    "firmenname",
    "unternehmen",
    "société",
    "entreprise",
    "raison sociale",
    "empresa",
    "razón social",
    "azienda",
    "ragione sociale",
    "şirket",
    "firma adı",
    "şirket adı",
    "الاسم",
    "الشركة",
)
COUNTRY_HEADERS = (
    "country",
    "country code",
    "jurisdiction",
    "land",
    "pays",
    "país",
    "paese",
    "ülke",
    "البلد",
)
IDENTIFIER_HEADERS = (
    "identifier",
    "lei",
    "registration number",
    "company number",
    "registry number",
    "tax number",
    "vat",
    "vat number",
    "duns",
    "id",
    "handelsregisternummer",
    "siren",
    "vergi no",
)
XLSX_MAGIC = b"PK\x03\x04"


class ListError(ValueError):
    """A list that cannot be screened; the message says why and where, and `header` holds the
    list's columns when the error is which of them to read."""

    def __init__(self, message: str, header: list[str] | None = None, line: int = 0):
        super().__init__(message)
        self.header = header or []
        self.line = line


@dataclass(frozen=True)
class Columns:
    name: str
    country: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class ListRow:
    line: int  # the line (CSV, text) or row (XLSX) of the file, the header being 1
    name: str
    country: str = ""
    identifier: str = ""


@dataclass
class Result:
    row: ListRow
    verdict: str  # MATCHED, POSSIBLE or NONE
    candidates: list[Candidate]


MATCHED, POSSIBLE, NONE = "match", "possible", "no match"


def choose_columns(header: list[str], chosen: Columns | None = None) -> Columns:
    """The columns to read: those chosen (each must be in the header), else recognized."""
    names = [h.strip().lower() for h in header]
    if chosen is not None:
        for column in (chosen.name, chosen.country, chosen.identifier):
            if column and column.lower() not in names:
                raise ListError(
                    f"The list has no column {column!r}; it has {', '.join(header)}.", header
                )
        return Columns(chosen.name.lower(), chosen.country.lower(), chosen.identifier.lower())

    def first(candidates: tuple[str, ...]) -> str:
        return next((h for h in names if h in candidates), "")

    name = first(NAME_HEADERS)
    if not name:
        raise ListError(
            "No column of names was recognized (name, company, organization, supplier…); "
            f"choose one of: {', '.join(header)}.",
            header,
        )
    return Columns(name, first(COUNTRY_HEADERS), first(IDENTIFIER_HEADERS))


def read_list(
    path: Path | bytes, *, name: str = "", columns: Columns | None = None
) -> Iterator[ListRow]:
    """The rows of a list, from its file or its bytes in memory: a spreadsheet (XLSX), a CSV
    with a header, or plain text with a name a line (a file whose first line names no known
    column and has no separator)."""
    label = name or ("list" if isinstance(path, bytes) else path.name)
    if isinstance(path, bytes):
        head = path[:4]
    else:
        with path.open("rb") as handle:
            head = handle.read(4)
    if head == XLSX_MAGIC:
        yield from _xlsx_rows(path, label, columns)
        return
    try:
        source = CsvSource(path, name=label)
    except CsvError as exc:
        raise ListError(str(exc), line=exc.line) from None
    with source._open() as text:
        try:
            first = text.readline().strip().lower()
        except UnicodeDecodeError:
            first = ""  # rows() says where
    single = not any(d in first for d in ",;\t")
    plain = label.lower().endswith(".txt") or (single and first not in NAME_HEADERS)
    if plain and columns is None:
        yield from _text_rows(source)
        return
    try:
        rows = source.rows()
        row = next(rows, None)
        chosen = choose_columns(source.header, columns)
        for current in ([row] if row else []), rows:
            for r in current:
                found = _row(r.line, r.values, chosen)
                if found.name or found.identifier:  # a row of other columns only: nothing to check
                    yield found
    except CsvError as exc:
        raise ListError(str(exc), line=exc.line) from None


def _row(line: int, values: dict[str, str], columns: Columns) -> ListRow:
    identifier = values.get(columns.identifier, "") if columns.identifier else ""
    if identifier and ":" not in identifier and columns.identifier in ("lei", "vat", "duns"):
        identifier = f"{columns.identifier}:{identifier}"
    return ListRow(
        line,
        values.get(columns.name, "").strip(),
        values.get(columns.country, "").strip() if columns.country else "",
        identifier.strip(),
    )


def _text_rows(source: CsvSource) -> Iterator[ListRow]:
    with source._open() as text:
        line = 0
        try:
            for line, value in enumerate(text, start=1):
                value = cell_value(value.lstrip("\ufeff"))
                if value:
                    yield ListRow(line, value)
        except UnicodeDecodeError:
            raise ListError(
                f"{source.name}, line {line + 1}: not text in {source.encoding}.", line=line + 1
            ) from None


def _xlsx_rows(path: Path | bytes, label: str, columns: Columns | None) -> Iterator[ListRow]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            io.BytesIO(path) if isinstance(path, bytes) else path, read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ListError(f"{label}: not a spreadsheet that can be read ({exc}).") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, ())]
        chosen = choose_columns(header, columns)
        lowered = [h.lower() for h in header]
        for line, cells in enumerate(rows, start=2):
            values = {
                lowered[i]: cell_value(str(cell))
                for i, cell in enumerate(cells)
                if i < len(lowered)
                if cell is not None
            }
            found = _row(line, values, chosen)
            if found.name or found.identifier:
                yield found
    finally:
        book.close()


def country_code(value: str) -> str:
    """A list's country as a code: the code itself, or a country's name in English."""
    from django_countries import countries

    value = (value or "").strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return countries.by_name(value) or "" if value else ""


def screen(
    rows: Iterable[ListRow], index: Index, progress: Callable[[int], None] | None = None
) -> Iterator[Result]:
    """Each row's verdict and candidates, in the list's order."""
    for done, row in enumerate(rows, start=1):
        found = []
        if row.name or row.identifier:
            found = index.match(Query(row.name, country_code(row.country), row.identifier))
        verdict = NONE
        if found:
            verdict = MATCHED if found[0].score >= MATCH else POSSIBLE
        if progress is not None:
            progress(done)
        yield Result(row, verdict, found[:3])


RESULT_HEADER = (
    "line",
    "name",
    "country",
    "identifier",
    "verdict",
    "score",
    "organization",
    "organization id",
    "profile",
    "rule",
    "evidence",
)


def write_results(results: Iterable[Result], out: IO[str], site_url: str) -> dict[str, int]:
    """The results as CSV, the best candidate of each row; returns how many rows got each
    verdict."""
    writer = csv.writer(out)
    writer.writerow(RESULT_HEADER)
    counts = {MATCHED: 0, POSSIBLE: 0, NONE: 0}
    for result in results:
        counts[result.verdict] += 1
        writer.writerow(result_cells(result, site_url))
    return counts


def result_cells(result: Result, site_url: str) -> list[str]:
    """A result's row of the CSV (RESULT_HEADER), every cell one a spreadsheet reads as text
    (csvfile.inert)."""
    best = result.candidates[0] if result.candidates else None
    cells = [
        str(result.row.line),
        result.row.name,
        result.row.country,
        result.row.identifier,
        result.verdict,
        f"{best.score:.2f}" if best else "",
        best.entry.name if best else "",
        best.entry.id if best else "",
        f"{site_url.rstrip('/')}/org/{best.entry.id}/" if best else "",
        best.rule if best else "",
        "; ".join(best.evidence) if best else "",
    ]
    return [inert(cell) for cell in cells]
