"""The versions of the data the shell's caches and ETags are keyed by (preview cards, derived
payloads). The shell knows no domain app: the record registers its reader from its AppConfig
(record/version.py), as apps register their pages' dependencies with pagecache.depends_on()."""

from __future__ import annotations

from collections.abc import Callable

_stamp: Callable[..., str] | None = None


def provide(stamp: Callable[..., str]) -> None:
    """Register `stamp(*scopes)`: the versions of the given scopes (the main one when none is
    given) in one short string that changes with every write to them."""
    global _stamp
    _stamp = stamp


def stamp(*scopes: int) -> str:
    if _stamp is None:
        raise RuntimeError(
            "No version reader is registered: an installed app must call web.versions.provide() "
            "from its AppConfig.ready() (unmask.record does)."
        )
    return _stamp(*scopes)
