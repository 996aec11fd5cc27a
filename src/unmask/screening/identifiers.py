"""Identifiers in screening: "scheme:value" made comparable, and an LEI's check digits."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalize_identifier(text: str) -> str:
    """ "lei:5493 00..." → "LEI:549300...": the scheme upper-cased, the value's letters and
    digits only, so that spacing, dashes and case never tell two copies of one apart."""
    scheme, _sep, value = (text or "").partition(":")
    if not _sep:
        scheme, value = "", scheme
    return f"{scheme.strip().upper()}:{_NOT_ALNUM.sub('', value.upper())}"


def identifier_value(text: str) -> str:
    """The value alone, normalized: a list names schemes its own way (reg:, registry, tax:,
    VAT), and a value is unique whatever its scheme is called."""
    return normalize_identifier(text).partition(":")[2]


def lei_is_valid(value: str) -> bool:
    """ISO 17442: 20 letters and digits whose check digits (ISO 7064 MOD 97-10) hold."""
    from stdnum import lei

    return lei.is_valid(value)
