"""Reading CSV files as they come from spreadsheets and other tools: UTF-8 with or without a
byte order mark, UTF-16 (Excel's "Unicode text"), Windows-1252 (older Excel on Windows); comma,
semicolon (European Excel) or tab separated. Rows are read one at a time, never the whole file,
so a file of a million rows costs the memory of one.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SAMPLE = 64 * 1024
DELIMITERS = ",;\t"


class CsvError(ValueError):
    """A file that cannot be read as CSV; the message says why and where."""


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


class CsvSource:
    """One CSV file: `encoding` and `delimiter` as detected, `header`, and `rows()`."""

    def __init__(self, path: Path | str, *, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        with self.path.open("rb") as handle:
            head = handle.read(SAMPLE)
        if not head.strip():
            raise CsvError(f"{self.name}: the file is empty.")
        self.encoding = detect_encoding(head)
        first = self._open().readline()
        self.delimiter = detect_delimiter(first)

    def _open(self) -> IO[str]:
        raw = self.path.open("rb")
        return io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")

    def rows(self) -> Iterator[Row]:
        with self._open() as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                raise CsvError(f"{self.name}: the file is empty.") from None
            except UnicodeDecodeError as exc:
                raise CsvError(
                    f"{self.name}, line 1: not {self.encoding} text ({exc.reason})."
                ) from exc
            self.header = [h.strip().lower() for h in header]
            line = reader.line_num
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as exc:
                    raise CsvError(
                        f"{self.name}, after line {line}: not {self.encoding} text ({exc.reason})."
                    ) from exc
                except csv.Error as exc:
                    raise CsvError(f"{self.name}, line {reader.line_num}: {exc}.") from exc
                start, line = line + 1, reader.line_num
                if not any(v.strip() for v in values):
                    continue  # blank lines are not rows
                if len(values) > len(self.header):
                    raise CsvError(
                        f"{self.name}, line {start}: {len(values)} cells, but the header has "
                        f"{len(self.header)} columns (is the separator {self.delimiter!r}?)."
                    )
                yield Row(start, dict(zip(self.header, (v.strip() for v in values), strict=False)))
