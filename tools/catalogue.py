"""Work on the interface catalogues (src/unmask/locale/<lang>/LC_MESSAGES/django.po) without a
developer's tools: dump what a language still needs as JSON, fill translations in from JSON,
check a catalogue, compile every catalogue. Uses Babel's reader and writer, so it needs nothing
but the project's own packages.

    python tools/catalogue.py todo de [--all] > de.json   messages still untranslated (or all)
    python tools/catalogue.py fill de de.json             put translations from the JSON in
    python tools/catalogue.py check [de ...]              untranslated, fuzzy, obsolete, and
                                                          placeholder problems; exit 1 if any
    python tools/catalogue.py compile                     every .po to its .mo, and the
                                                          country names (make does this)

The JSON is a list of {"id", "plural", "context", "where", "translation"}; "translation" is a
string, or for a message with a plural a list with one string per plural form of the language
(Plural-Forms in the catalogue's header says how many).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.checkers import checkers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "unmask" / "locale"
# What CLDR (through Babel) knows and our packages lack, built by `make` into a second locale
# path (settings.LOCALE_PATHS): country names in every language, for the names django-countries
# gives in English (it has no catalogue for Kurmanji or Sorani, and Turkish only as tr_TR, which
# Django never asks for), and the names of months and days for a language Django itself has no
# catalogue for (Kurmanji), which its date formats print.
CLDR = LOCALE.parent / "locale_cldr"


def _path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def _read(lang: str):
    with _path(lang).open("rb") as handle:
        return read_po(handle, locale=lang.replace("-", "_"), abort_invalid=True)


def _write(lang: str, catalog) -> None:
    with _path(lang).open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False, sort_output=False)


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if _path(p.name).exists())


def _done(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def todo(lang: str, everything: bool = False) -> list[dict]:
    out = []
    for message in _read(lang):
        if not message.id or (not everything and _done(message) and not message.fuzzy):
            continue
        single, plural = (message.id if isinstance(message.id, tuple) else (message.id, None))[:2]
        out.append(
            {
                "id": single,
                "plural": plural,
                "context": message.context,
                "where": sorted({path for path, _line in message.locations}),
                "translation": list(message.string)
                if isinstance(message.string, tuple)
                else message.string,
            }
        )
    return out


def fill(lang: str, rows: list[dict]) -> int:
    catalog = _read(lang)
    count = 0
    for row in rows:
        key = (row["id"], row["plural"]) if row.get("plural") else row["id"]
        message = catalog.get(key, context=row.get("context"))
        if message is None:
            print(f"not in the catalogue: {row['id'][:60]!r}", file=sys.stderr)
            continue
        text = row.get("translation")
        if not text:
            continue
        if message.pluralizable:
            if isinstance(text, str):
                text = [text] * catalog.num_plurals
            if len(text) != catalog.num_plurals:
                print(
                    f"{len(text)} plural forms, {catalog.num_plurals} needed: {row['id'][:60]!r}",
                    file=sys.stderr,
                )
                continue
            message.string = tuple(text)
        else:
            message.string = text
        message.flags.discard("fuzzy")
        # The guess's previous msgid ("#| msgid ..."), which this Babel reads as a comment of
        # the translator's: a translated message has no guess left to explain.
        message.user_comments = [c for c in message.user_comments if not c.startswith("| msgid")]
        count += 1
    _write(lang, catalog)
    return count


def problems(lang: str) -> list[str]:
    """Untranslated, fuzzy or obsolete messages, and placeholder mismatches."""
    catalog = _read(lang)
    found = []
    if catalog.obsolete:
        found.append(f"{lang}: {len(catalog.obsolete)} obsolete messages")
    for message in catalog:
        if not message.id:
            continue
        label = f"{lang}: {message.id if isinstance(message.id, str) else message.id[0]!r}"
        if message.fuzzy:
            found.append(f"{label}: fuzzy")
        if not _done(message):
            found.append(f"{label}: untranslated")
            continue
        for checker in checkers:
            try:
                checker(catalog, message)
            except Exception as exc:  # babel's TranslationError
                found.append(f"{label}: {exc}")
    return found


def compile_all() -> None:
    for lang in languages():
        catalog = _read(lang)
        with (_path(lang).with_suffix(".mo")).open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        write_country_names(lang)


def _english_country_names() -> dict[str, str]:
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
    from django_countries.data import COUNTRIES as NAMES

    return {code: str(name) for code, name in NAMES.items()}


def _django_knows(lang: str) -> bool:
    import django

    return (Path(django.__file__).parent / "conf" / "locale" / lang / "LC_MESSAGES").exists()


def _date_names(catalog, locale) -> None:
    """Django's names of days and months (django.utils.dates), from CLDR."""
    from django.utils import dates

    def english(lazy) -> tuple[str, str | None]:
        args = lazy._args  # the msgid (and context) a lazy translation was made with
        return (args[1], args[0]) if len(args) == 2 else (args[0], None)

    days, months = locale.days["format"], locale.months["format"]
    alone = locale.months["stand-alone"]
    for number, lazy in dates.WEEKDAYS.items():
        catalog.add(english(lazy)[0], days["wide"][number])
    for number, lazy in dates.WEEKDAYS_ABBR.items():
        catalog.add(english(lazy)[0], days["abbreviated"][number])
    for number, lazy in dates.MONTHS.items():
        catalog.add(english(lazy)[0], months["wide"][number])
    for number, lazy in dates.MONTHS_AP.items():
        text, context = english(lazy)
        catalog.add(text, months["abbreviated"][number], context=context)
    for number, lazy in dates.MONTHS_ALT.items():
        text, context = english(lazy)
        catalog.add(text, alone["wide"][number], context=context)


def write_country_names(lang: str) -> None:
    """A catalogue of what CLDR knows in `lang`: country names keyed by django-countries'
    English, and the names of days and months when Django has no catalogue for `lang`."""
    from babel import Locale
    from babel.messages.catalog import Catalog

    locale = Locale.parse(lang.replace("-", "_"))
    catalog = Catalog(locale=lang.replace("-", "_"), domain="django")
    for code, english in _english_country_names().items():
        name = locale.territories.get(code)
        if name and name != english:
            catalog.add(english, name)
    if not _django_knows(lang):
        _date_names(catalog, locale)
    target = CLDR / lang / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "django.mo").open("wb") as handle:
        write_mo(handle, catalog)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "todo":
        json.dump(todo(args[0], "--all" in args), sys.stdout, ensure_ascii=False, indent=1)
        return 0
    if command == "fill":
        rows = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        print(f"{fill(args[0], rows)} messages filled in")
        return 0
    if command == "check":
        found = [p for lang in (args or languages()) for p in problems(lang)]
        print("\n".join(found) or "every catalogue is complete")
        return 1 if found else 0
    if command == "compile":
        compile_all()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
