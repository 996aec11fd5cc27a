"""Text helpers with no models: normalization for matching and search, slugs, public ids."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import unicodedata

from anyascii import anyascii

# Legal forms dropped when comparing company names ("Acme GmbH" is "Acme"). Kept short and
# conservative: a form is removed only as a whole word at the end of the name.
LEGAL_FORMS = {
    "ab",
    "ag",
    "as",
    "asa",
    "bv",
    "co",
    "corp",
    "corporation",
    "company",
    "gmbh",
    "inc",
    "incorporated",
    "kg",
    "kk",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "nv",
    "oy",
    "oyj",
    "plc",
    "pte",
    "pty",
    "sa",
    "sarl",
    "sas",
    "spa",
    "sp",
    "srl",
    "zoo",
    "ooo",
    "oao",
    "pao",
    "zao",
    "ao",
    "sirketi",
    "ltd sti",
    "sti",
    "tic",
    "san",
    "ve",
    "holding",
    "group",
    "co ltd",
    "kft",
    "sro",
    "doo",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "se",
    "ug",
    "ohg",
    "gbr",
}
LEADING_LEGAL_FORMS = {"ooo", "oao", "pao", "zao", "ao", "tov", "pat", "pt", "cv", "jsc", "pjsc"}
_PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: readable aloud


@functools.lru_cache(maxsize=8192)  # a name is folded several times as it is imported
def fold(text: str) -> str:
    """Lower-case ASCII transliteration: 'Şirketi' → 'sirketi', 'Дрон' → 'dron'."""
    text = unicodedata.normalize("NFKC", text or "")
    text = anyascii(text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Comparison key for an organization's name: folded, without trailing legal forms."""
    words: list[str] = []
    initials = False  # the last word was built from single letters: "A.Ş." → "a s" → "as"
    for word in fold(name).split():
        if len(word) == 1 and word.isalpha() and initials:
            words[-1] += word
        else:
            words.append(word)
            initials = len(word) == 1 and word.isalpha()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEADING_LEGAL_FORMS:  # "OOO «Koriks»", "PT Koriks"
        words.pop(0)
    return " ".join(words)


@functools.lru_cache(maxsize=8192)
def normalize_identifier(scheme: str, value: str) -> str:
    """Comparable form of an identifier: a bare lower-case domain, or upper-case letters and digits."""
    value = (value or "").strip()
    if scheme == "domain":
        value = value.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
        return value.split("/")[0]
    return _NOT_ALNUM.sub("", value.upper())


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w: what str.isalnum() accepts, and "_"


# django.utils.text.slugify's two steps, compiled once: after anyascii() the text is ASCII, so
# slugify's Unicode normalization has nothing to do (a test holds them equal on any text).
_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[-\s]+")


def make_slug(text: str, fallback: str = "item") -> str:
    """The slug of an address ("Korvath Savunma A.Ş." → "korvath-savunma-as"): slugify() of
    the text in ASCII, at most 80 characters (a calendar writes thousands of them)."""
    plain = _SLUG_DROP.sub("", anyascii(text or "").lower())
    slug = _SLUG_DASHES.sub("-", plain).strip("-_")[:80].strip("-")
    return slug or fallback


# What a public id and a country code look like where a reader types them (the API's parameters,
# the feeds' filters): one rule, which keeps anything else away from the database.
PUBLIC_ID_PATTERN = r"^[0-9a-z]{1,12}$"
COUNTRY_CODE_PATTERN = r"^[A-Za-z]{2}$"


_PUBLIC_IDS = len(_PUBLIC_ID_ALPHABET) ** 8


def new_public_id() -> str:
    """Eight characters of the alphabet, drawn with one call to the system's randomness (a
    million new rows draw a million)."""
    n, chars = secrets.randbelow(_PUBLIC_IDS), []
    for _ in range(8):
        n, digit = divmod(n, len(_PUBLIC_ID_ALPHABET))
        chars.append(_PUBLIC_ID_ALPHABET[digit])
    return "".join(chars)


def derived_public_id(seed: str) -> str:
    """A public id that is always the same for the same seed (an id in another system), so
    that importing the same file twice finds what the first import created."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(_PUBLIC_ID_ALPHABET[b % len(_PUBLIC_ID_ALPHABET)] for b in digest[:8])
