"""Files: SHA-256 of files read a megabyte at a time, writing a file aside and renaming it into
place, and gzip text streams for the formats' writers."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO


def sha256_file(*paths: Path) -> str:
    """The SHA-256 of the files' contents one after another (files that do not exist are
    skipped)."""
    digest = hashlib.sha256()
    for path in paths:
        if Path(path).is_file():
            with Path(path).open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, write: Callable) -> None:
    """Write `path` through a temporary file beside it, renamed into place: never half a file,
    and the old one kept when writing fails."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def gzip_text(out: IO[bytes]) -> Iterator[IO[str]]:
    """A UTF-8 text stream gzip-compressed into `out` (no time stamp: the same content gives the
    same bytes), left open."""
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
        text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
        yield text
        text.flush()
        text.detach()
