"""URLs and country names for pages that print hundreds of them.

Django's reverse() walks the resolver on every call (about 50 µs with language-prefixed URL
patterns), and django-countries translates a name on every access (about 20 µs): on a directory
page or a supply tree they cost more than the database. Both results depend only on the URL
configuration, the active language and the script prefix, so each is worked out once per
combination and then filled in.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override

_MARK = "\x1f%d\x1f"  # stands for argument %d while a URL pattern is worked out; never in a URL
_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted (RFC 3986 sub-delims, / ~ : @)
_patterns: dict[tuple, tuple[object, list[str]]] = {}
_country_names: dict[str, dict[str, str]] = {}


def fast_reverse(viewname: str, *args: str) -> str:
    """reverse(viewname, args=args) for arguments that are plain path segments, from a cache.

    An empty argument, or one with a slash, goes through reverse() itself, which raises
    NoReverseMatch as usual instead of building a URL the pattern would not match.
    """
    if not all(args) or any("/" in str(a) for a in args):
        return reverse(viewname, args=args)
    resolver = get_resolver(get_urlconf())
    key = (viewname, len(args), get_language(), get_script_prefix())
    cached = _patterns.get(key)
    if cached is None or cached[0] is not resolver:  # a new URL configuration: work it out again
        marked = reverse(viewname, args=[_MARK % i for i in range(len(args))])
        pieces = quote_split(marked, len(args))
        if pieces is None:
            return reverse(viewname, args=args)
        cached = _patterns[key] = (resolver, pieces)
    pieces = cached[1]
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        out.append(quote(str(arg), safe=_SAFE))
        out.append(piece)
    return "".join(out)


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
