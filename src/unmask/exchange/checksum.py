"""SHA-256 of files, read a megabyte at a time."""

from __future__ import annotations

import hashlib
from pathlib import Path


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
