"""URLs, country names and choice labels for pages that print hundreds of them.

Django's reverse() walks the resolver on every call (about 50 µs with language-prefixed URL
patterns), and django-countries translates a name on every access (about 20 µs): on a directory
page or a supply tree they cost more than the database. Both results depend only on the URL
configuration, the active language and the script prefix, so each is worked out once per
combination and then filled in. A choice's label (a link's relation and status, an
organization's kind...) is a lazy translation that costs a catalogue lookup each time it is
printed: `label()` looks each choice's label up once per language, and `per_language()` makes
anything else once per language (the words a list prints in every row).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, override

_MARK = "\x1f%d\x1f"  # stands for argument %d while a URL pattern is worked out; never in a URL
_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted (RFC 3986 sub-delims, / ~ : @)
T = TypeVar("T")
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")  # what quote() leaves as it is: public ids, slugs
_patterns: dict[tuple, list[str]] = {}
_country_names: dict[str, dict[str, str]] = {}


def fast_reverse(viewname: str, *args: str) -> str:
    """reverse(viewname, args=args) for arguments that are plain path segments, from a cache.

    An empty argument, or one with a slash, goes through reverse() itself, which raises
    NoReverseMatch as usual instead of building a URL the pattern would not match.
    """
    if not all(args) or any("/" in str(a) for a in args):
        return reverse(viewname, args=args)
    key = (viewname, len(args), get_language(), get_script_prefix())
    pieces = _patterns.get(key)
    if pieces is None:
        marked = reverse(viewname, args=[_MARK % i for i in range(len(args))])
        pieces = quote_split(marked, len(args))
        if pieces is None:
            return reverse(viewname, args=args)
        _patterns[key] = pieces
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        arg = str(arg)
        out.append(arg if _PLAIN.fullmatch(arg) else quote(arg, safe=_SAFE))
        out.append(piece)
    return "".join(out)


@receiver(setting_changed)
def _forget_patterns(*, setting: str, **kwargs) -> None:
    """Another URL configuration (a test's override_settings): work the patterns out again."""
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "PREFIX_DEFAULT_LANGUAGE"):
        _patterns.clear()


def quote_split(url: str, count: int) -> list[str] | None:
    """The URL around its argument marks, as reverse() quoted them; None if not in order."""
    pieces, rest = [], url
    for i in range(count):
        mark = quote(_MARK % i, safe=_SAFE)
        head, found, rest = rest.partition(mark)
        if not found:
            return None
        pieces.append(head)
    pieces.append(rest)
    return pieces


def country_name(code: str) -> str:
    """The name of a country (ISO 3166 alpha-2) in the active language; "" for no country."""
    if not code:
        return ""
    language = get_language() or ""
    names = _country_names.get(language)
    if names is None:
        from django_countries import countries

        with override(language or None):
            names = _country_names[language] = {str(c): str(n) for c, n in countries}
    return names.get(str(code), str(code))


_labels: dict[tuple[int, str], dict[str, str]] = {}


def label(choices, value) -> str:
    """The label of `value` among `choices` (a TextChoices class, or a dict of value → lazy
    label) in the active language, as str(); the value itself if it is not among them."""
    language = get_language() or ""
    key = (id(choices), language)  # module-level tables: they live as long as the process
    table = _labels.get(key)
    if table is None:
        items = choices.items() if isinstance(choices, dict) else choices.choices
        with override(language or None):
            table = _labels[key] = {str(v): str(t) for v, t in items}
    return table.get(value, value)


def per_language(make: Callable[[], T]) -> Callable[[], T]:
    """A function that gives make()'s result for the active language, made once per language."""
    made: dict[str, T] = {}

    def get() -> T:
        language = get_language() or ""
        value = made.get(language)
        if value is None:
            value = made[language] = make()
        return value

    return get
