"""Reading CSV files as they come from spreadsheets and other tools: UTF-8 with or without a
byte order mark, UTF-16 (Excel's "Unicode text"), Windows-1252 (older Excel on Windows); comma,
semicolon (European Excel) or tab separated. Rows are read one at a time, never the whole file,
so a file of a million rows costs the memory of one. The cells the site's writers guard against
spreadsheet formulas are read back as written (FORMULA_STARTS, inert, cell_value).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from unmask.cleantext import clean

SAMPLE = 64 * 1024
DELIMITERS = ",;\t"

# Formula injection (CWE-1236): a spreadsheet runs a cell beginning with "=", "+", "-" or "@"
# (some a leading tab or carriage return too) as a formula. Every CSV writer of the site writes
# such a text cell with a single quote in front (`inert`), which spreadsheets show as text, and
# every reader takes it off again (`cell_value`): the one rule, both ways.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(cell: str, *, trim: bool = True) -> str:
    """A text cell as the value it stands for: clean text (cleantext.clean); a cell `inert`
    guarded is exactly the value after its quote (a name beginning with a tab keeps it);
    another is stripped of surrounding spaces when `trim` (what spreadsheets leave around)."""
    text = clean(cell)
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text.strip() if trim else text


class CsvError(ValueError):
    """A file that cannot be read as CSV; the message says why and where (`line` 0 and `column`
    "" when it is the whole file)."""

    def __init__(self, file: str, message: str, line: int = 0, column: str = ""):
        self.file, self.message, self.line, self.column = file, message, line, column
        where = file + (f", line {line}" if line else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Row:
    line: int  # the line of the file where the row starts (the header is line 1)
    values: dict[str, str]


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0:  # UTF-16 LE without a BOM
        return "utf-16-le"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def decoding_error_at(raw: BinaryIO, encoding: str) -> tuple[int, int, str] | None:
    """Where a binary stream stops being `encoding` text: (line, byte offset from 0, reason)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line, offset = 1, 0
    while block := raw.read(SAMPLE):
        state = decoder.getstate()
        try:
            line += decoder.decode(block).count("\n")
        except UnicodeDecodeError as exc:
            decoder.setstate(state)
            good = max(exc.start - len(state[0]), 0)
            line += decoder.decode(block[:good]).count("\n")
            return line, offset + exc.start - len(state[0]), exc.reason
        offset += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return line, offset - len(decoder.getstate()[0]), exc.reason
    return None


class _Kept:
    """The lines of a text, keeping those of the record being read (to say where a quote
    opens)."""

    def __init__(self, text: IO[str]):
        self.text, self.lines = text, []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.text)
        self.lines.append(line)
        return line


def _open_quote(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(line within `lines` from 0, field index) of the last quoted value the record opens."""
    where, field, state = (0, 0), 0, "start"  # start, plain, quoted, closed (after a quote)
    for number, text in enumerate(lines):
        for char in text:
            if state == "quoted":
                if char == '"':
                    state = "closed"
            elif state == "closed" and char == '"':
                state = "quoted"  # "" inside a quoted value
            elif state == "closed" and char != delimiter:
                return where  # the value goes on after its closing quote
            elif char == delimiter:
                field, state = field + 1, "start"
            elif state == "start" and char == '"':
                where, state = (number, field), "quoted"
            elif state == "start" and char not in "\r\n":
                state = "plain"
    return where


def read_records(
    text: IO[str], name: str, delimiter: str = ",", *, raw=None, encoding: str = "utf-8"
) -> Iterator[tuple[int, list[str]]]:
    """Each record of a CSV text as (the line it starts on, its cells), the header (line 1)
    first. Raises CsvError, saying where, for: text that is not `encoding` (`raw()` reopens the
    bytes to find the line and byte), a quote never closed, a NUL character, a header naming a
    column twice."""
    kept = _Kept(text)
    reader = csv.reader(kept, delimiter=delimiter, strict=True)
    header: list[str] = []
    line = 0
    while True:
        kept.lines = []
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            found = None
            if raw:
                with raw() as handle:
                    found = decoding_error_at(handle, encoding)
            if found:
                at, offset, reason = found
                raise CsvError(
                    name, f"byte {offset}: not {encoding} text ({reason}).", at
                ) from None
            raise CsvError(name, f"not {encoding} text ({exc.reason}).", line + 1) from None
        except csv.Error as exc:
            number, field = _open_quote(kept.lines, delimiter)
            column = header[field] if field < len(header) else str(field + 1)
            if not kept.lines or "NUL" in str(exc):
                raise CsvError(name, f"{exc}.", line + 1) from None
            if "end of data" in str(exc):
                message = "a quote opens here and is never closed."
            else:
                message = (
                    f"a quote opens here and is not closed where the value ends (line "
                    f"{line + len(kept.lines)})."
                )
            raise CsvError(name, message, line + 1 + number, column) from None
        start, line = line + 1, reader.line_num
        for index, cell in enumerate(cells):
            if "\x00" in cell:
                column = header[index] if index < len(header) else str(index + 1)
                at = start + cell[: cell.index("\x00")].count("\n")
                raise CsvError(name, "a NUL character (byte 0): is it a text file?", at, column)
        if not header:
            header = [h.strip().lower() for h in cells] or [""]
            seen: dict[str, int] = {}
            for index, column in enumerate(header, start=1):
                if column and column in seen:
                    raise CsvError(
                        name, f"columns {seen[column]} and {index} are both named {column!r}.", 1
                    )
                seen[column] = index
        yield start, cells


class CsvSource:
    """One CSV file: `encoding` and `delimiter` as detected, `header`, and `rows()`."""

    def __init__(self, path: Path | str | bytes, *, name: str | None = None):
        # A file, or its bytes in memory (a list screened from a form: never written to disk).
        self.data = path if isinstance(path, bytes) else None
        self.path = Path("list.csv" if self.data is not None else path)
        self.name = name or self.path.name
        self.header: list[str] = []
        with self._raw() as handle:
            head = handle.read(SAMPLE)
        if not head.strip():
            raise CsvError(self.name, "the file is empty.")
        self.encoding = detect_encoding(head)
        try:
            with self._open() as text:
                first = text.readline()
        except UnicodeDecodeError:
            first = ""  # rows() says where
        self.delimiter = detect_delimiter(first)

    def _open(self) -> IO[str]:
        return io.TextIOWrapper(self._raw(), encoding=self.encoding, errors="strict", newline="")

    def _raw(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else self.path.open("rb")

    def rows(self) -> Iterator[Row]:
        with self._open() as text:
            records = read_records(
                text, self.name, self.delimiter, raw=self._raw, encoding=self.encoding
            )
            try:
                _line, header = next(records)
            except StopIteration:
                raise CsvError(self.name, "the file is empty.") from None
            self.header = [h.strip().lower() for h in header]
            for start, values in records:
                if not any(v.strip() for v in values):
                    continue  # blank lines are not rows
                if len(values) > len(self.header):
                    raise CsvError(
                        self.name,
                        f"{len(values)} cells, but the header has {len(self.header)} columns "
                        f"(is the separator {self.delimiter!r}?).",
                        start,
                    )
                cells = (cell_value(v) for v in values)
                yield Row(start, dict(zip(self.header, cells, strict=False)))
