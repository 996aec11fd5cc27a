"""Preview images for link previews (Open Graph and Twitter cards): a PNG of 1200×630 drawn on the
server with Pillow, never by a third party.

A card shows the site's name, a kicker (what the record is: "Organization", "Claim"...), the
record's name or title in large type, and a line of context (kind and country, the claim
sentence, a call's period, an action's date and place), in the page's language: the domain apps
build a `Card` with translated strings, this module draws it and answers for it. It knows no
domain app (like web/pdf.py): record/views.py and campaign/views.py build the text.

Fonts: the machine's DejaVu Sans (Debian's fonts-dejavu-core, already needed by the fact sheets),
which covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic with the Persian and
Kurdish (Sorani) letters; then Droid Sans Fallback (fonts-droid-fallback) for CJK. Each line is
drawn in the first font that has every one of its characters; a character no font has is
transliterated with anyascii rather than drawn as a box; with no font file at all, Pillow's
built-in font. Arabic script needs shaping: with libraqm (Pillow's RAQM layout, bundled in
Pillow's wheels) lines are shaped and ordered right to left; without it, a line in a script that
needs shaping is transliterated to Latin letters (anyascii) rather than drawn garbled.

Cached per version of the record (and of the campaign, for calls and actions): the cache key and
the ETag carry `versions.stamp(...)` (web/versions.py), so an edit makes a new image on the next
request. The pages link the image with `?v=<stamp>`: such a URL never changes content, and is
served with a year's max-age; without it (or with an old one), an hour. No cookies, no Vary:
Cookie.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anyascii import anyascii
from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language, get_language_bidi
from PIL import Image, ImageDraw, ImageFont, features

from unmask.web import versions

WIDTH, HEIGHT = 1200, 630
CONTENT_TYPE = "image/png"
CACHE_SECONDS = 7 * 24 * 3600  # a new version makes new keys; old ones age out
LONG_MAX_AGE = 365 * 24 * 3600  # ?v=<current stamp>: the content of that URL never changes
SHORT_MAX_AGE = 3600

# Colours of the site's header (frontend/src/main.css: --header-bg, --header-fg, --accent).
BACKGROUND = (22, 24, 29)
FOREGROUND = (245, 244, 240)
MUTED = (178, 183, 192)
ACCENT = (92, 154, 230)
MARGIN = 72

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/droid"),
    Path("/usr/share/fonts/TTF"),  # Arch, Fedora
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/local/share/fonts"),
)
BOLD = ("DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf", "DroidSansFallback.ttf")
REGULAR = ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf", "DroidSansFallback.ttf")

# Scripts whose letters change shape or order when laid out (Arabic, Hebrew, Syriac, Thaana,
# N'Ko, the Indic scripts...): without libraqm they are transliterated instead.
COMPLEX = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x109F), (0x1780, 0x18AF), (0xFB1D, 0xFEFF))


@dataclass(frozen=True)
class Card:
    """What a card says, in the page's language."""

    title: str
    context: str = ""
    kicker: str = ""


def has_raqm() -> bool:
    return features.check("raqm")


@cache
def _font_paths(names: tuple[str, ...]) -> tuple[Path, ...]:
    found = []
    for name in names:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return tuple(found)


@cache
def _coverage(path: Path) -> frozenset[int]:
    """The code points the font has glyphs for (fontTools comes with WeasyPrint)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - then every font is taken to cover everything
        return frozenset(range(0x110000))
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size)
    layout = ImageFont.Layout.RAQM if has_raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


def _needs_shaping(text: str) -> bool:
    return any(lo <= ord(c) <= hi for c in text for lo, hi in COMPLEX)


def _direction(text: str, rtl: bool) -> str:
    """The direction of a line, as dir="auto" finds it: its first strong letter's, not counting
    the direction marks CLDR puts in some dates (Sorani month names start with U+200E); the
    page's for a line without letters."""
    for char in text:
        if char in "\u200e\u200f":
            continue
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "rtl" if rtl else "ltr"


def _drawable(text: str, names: tuple[str, ...]) -> tuple[str, Path | None]:
    """The text as it will be drawn, and the font to draw it in: the first font that has all
    its characters; else the one that has most, with the others transliterated."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not has_raqm() and _needs_shaping(text):
        text = " ".join(anyascii(text).split())
    paths = _font_paths(names)
    if not paths:
        return anyascii(text), None
    needed = {ord(c) for c in text if not c.isspace()}
    best, best_missing = paths[0], None
    for path in paths:
        missing = needed - _coverage(path)
        if not missing:
            return text, path
        if best_missing is None or len(missing) < len(best_missing):
            best, best_missing = path, missing
    return "".join(anyascii(c) if ord(c) in best_missing else c for c in text), best


def _wrap(text: str, font, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while font.getlength(line) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _fit(text: str, font, width: int, max_lines: int) -> list[str]:
    lines = _wrap(text, font, width)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    return [*lines[: max_lines - 1], last + "…"]


def _title_lines(text: str, width: int) -> tuple[list[str], object, int]:
    """The title in the largest size at which it fits in three lines (else cut with "…")."""
    text, path = _drawable(text, BOLD)
    for size in (76, 68, 60, 52, 46):
        font = _font(path, size)
        lines = _wrap(text, font, width)
        if len(lines) <= 3:
            return lines, font, size
    font = _font(path, 46)
    return _fit(text, font, width, 3), font, 46


def render(card: Card, site_name: str, *, rtl: bool = False) -> bytes:
    """The card as PNG bytes (no cache)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    x, anchor = (WIDTH - MARGIN, "ra") if rtl else (MARGIN, "la")

    def line(text: str, font, y: int, fill) -> None:
        direction = _direction(text, rtl) if has_raqm() else None
        draw.text((x, y), text, font=font, fill=fill, anchor=anchor, direction=direction)

    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    site, site_path = _drawable(site_name, BOLD)
    site_font = _font(site_path, 36)
    line(_fit(site, site_font, width, 1)[0], site_font, 62, FOREGROUND)
    y = 140
    if card.kicker:
        kicker, kicker_path = _drawable(card.kicker, REGULAR)
        kicker_font = _font(kicker_path, 30)
        line(_fit(kicker, kicker_font, width, 1)[0], kicker_font, y, ACCENT)
        y += 62
    titles, title_font, size = _title_lines(card.title, width)
    for text in titles:
        line(text, title_font, y, FOREGROUND)
        y += int(size * 1.22)
    if card.context:
        context, context_path = _drawable(card.context, REGULAR)
        context_font = _font(context_path, 34)
        room = max(1, min(3, (HEIGHT - 60 - (y + 24)) // 44))
        y += 24
        for text in _fit(context, context_font, width, room):
            line(text, context_font, y, MUTED)
            y += 44
    out = io.BytesIO()
    # zlib's level 6: 15 ms and 32.5 KB for a card here, where level 9 took 43 ms for 31.1 KB.
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


# --- the HTTP side -------------------------------------------------------------------------------


def _digest(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]


def card_response(
    request: HttpRequest,
    kind: str,
    params: dict,
    build: Callable[[], Card],
    *,
    scopes: tuple[int, ...] = (),
) -> HttpResponse:
    """Answer with the card `build()` describes, drawn once per version of `scopes`, language
    and parameters; 304 to a matching If-None-Match without drawing or reading the cache."""
    stamp = versions.stamp(*scopes)  # () is the record's
    language = get_language()
    digest = _digest({**params, "lang": language, "site": settings.SITE_NAME})
    etag = f'"card-{kind}-{stamp}-{digest}"'
    long_lived = request.GET.get("v") == stamp
    cache_control = (
        f"public, max-age={LONG_MAX_AGE}, immutable"
        if long_lived
        else (f"public, max-age={SHORT_MAX_AGE}")
    )
    sent = {
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    }
    if etag in sent or "*" in sent:
        response = HttpResponse(status=304)
    else:
        key = f"unmask:card:{kind}:{stamp}:{digest}"
        png = django_cache.get(key)
        if png is None:
            png = render(build(), settings.SITE_NAME, rtl=get_language_bidi())
            django_cache.set(key, png, CACHE_SECONDS)
        response = HttpResponse(png, content_type=CONTENT_TYPE)
        response["Content-Length"] = str(len(png))
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def og_image(request: HttpRequest, path: str, alt: str, *, scopes: tuple[int, ...] = ()) -> dict:
    """What web/meta.html needs to name the card of a page: its absolute URL with the version
    (so that a preview made after an edit shows the new card), its size, type and text."""
    stamp = versions.stamp(*scopes)  # () is the record's
    return {
        "url": f"{request.scheme}://{request.get_host()}{path}?v={stamp}",
        "width": WIDTH,
        "height": HEIGHT,
        "type": CONTENT_TYPE,
        "alt": alt,
    }
