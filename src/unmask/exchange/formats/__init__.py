"""The formats open data is written and read in, one folder each (formats/<key>/). A folder's
`__init__` declares FORMAT: what the bulk file is called and how it is described, and the
functions that write it, read it and recognise it. `publish` writes every format that has a
writer; `intake` reads a file with the first reader whose `detect` accepts it. Adding a format
is adding a folder."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class Format:
    key: str  # the export's key (/data/part.<key>, `export --format`) or the import's kind
    order: int  # the order of the /data/ page and of detection
    suffix: str = ""  # the bulk file's name after the site's, for formats that are written
    title: str = ""
    media_type: str = ""
    description: str = ""
    write: Callable[[Any, IO[bytes]], int] | None = None  # (selection, binary file) -> items
    read: Callable[..., Any] | None = None  # (path, *, actor, dry_run, name) -> Outcome
    detect: Callable[[Path, bytes], bool] | None = None  # (path, first bytes) -> is it mine?
    chunked: bool = False  # its import may commit a chunk at a time (SQLite, see intake)
    dry_run_writes_nothing: bool = False  # its dry run needs no copy of the database (intake)


@functools.cache
def every() -> tuple[Format, ...]:
    """Every format of a folder under formats/, in their order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            found.append(importlib.import_module(f"{__name__}.{info.name}").FORMAT)
    return tuple(sorted(found, key=lambda f: f.order))


def written() -> list[Format]:
    return [f for f in every() if f.write]


def by_key() -> dict[str, Format]:
    return {f.key: f for f in written()}


def reader_for(path: Path) -> Format:
    """The format a file to import is in, from what it holds (not its name)."""
    head = b""
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    return next(f for f in every() if f.read and f.detect and f.detect(path, head))
