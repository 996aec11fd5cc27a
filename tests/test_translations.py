"""Every language the site offers is complete, and stays so: a catalogue per language with no
untranslated, fuzzy or obsolete message and no placeholder mismatch (Babel's checks and
`msgfmt --check`), holding every string the code marks; pages are served in it, with the
plural forms the language has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "unmask"
OFFERED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
IN_CI = os.environ.get("CI") == "true"


def catalogue(code: str) -> Path:
    return PACKAGE / "locale" / code / "LC_MESSAGES" / "django.po"


def test_every_offered_language_is_complete():
    missing = [code for code in OFFERED if not catalogue(code).exists()]
    assert not missing, f"no catalogue for {missing}"
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalogue.py"), "check", *OFFERED],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout[-3000:]


@pytest.mark.parametrize("code", OFFERED)
def test_msgfmt_finds_no_error(code):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if IN_CI:
            pytest.fail("msgfmt (GNU gettext) is missing")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", os.devnull, str(catalogue(code))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_catalogues_hold_every_string_the_code_marks(tmp_path):
    """makemessages run on a copy of the code finds no message the catalogues lack: a string
    marked for translation but never translated fails here."""
    if shutil.which("xgettext") is None:
        if IN_CI:
            pytest.fail("xgettext (GNU gettext) is missing")
        pytest.skip("xgettext (GNU gettext) is not installed")
    copy = tmp_path / "unmask"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.rmtree(copy / "locale")
    (copy / "locale" / "de").mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unmask.settings_test"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "de",
            "--ignore",
            "migrations/*",
            "--no-location",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    with (copy / "locale" / "de" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        marked = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for code in OFFERED:
        with catalogue(code).open("rb") as handle:
            known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        missing = sorted(marked - known)
        assert not missing, (
            f"{code}: {len(missing)} marked strings not in the catalogue: {missing[:5]}"
        )


@pytest.mark.parametrize("code", OFFERED)
def test_pages_are_served_in_the_language(client, db, code):
    with translation.override(code):
        heading = translation.gettext("Who supplies the drone program?")
    assert heading != "Who supplies the drone program?", f"{code}: the home heading is English"
    page = client.get(f"/{code}/").content.decode()
    assert f'lang="{code}"' in page
    assert heading.replace("'", "&#x27;") in page


def test_arabic_has_its_six_plural_forms():
    with translation.override("ar"):
        forms = {
            translation.ngettext("%(n)s source", "%(n)s sources", n) % {"n": n}
            for n in (0, 1, 2, 3, 11, 100)
        }
    assert len(forms) == 6, forms


# --- strings a person reads must be marked -----------------------------------------------------

# Words that stay as they are in every language: formats, file and product names, a key's name.
NOT_WORDS = {"unmask", "FollowTheMoney", "CSV", "GeoJSON", "GraphML", "manifest.json", "Shift"}
_BLOCKS = re.compile(r"{%\s*(comment|blocktranslate|blocktrans)\b.*?%}.*?{%\s*end\1\s*%}", re.S)
_READ = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}


class _Reader(HTMLParser):
    """The text and the attributes a person reads, in a template whose translated parts and
    variables are replaced by §."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        self.found += [f"{tag}[{k}]={v!r}" for k, v in attrs if k in _READ and _words(v or "")]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden and _words(data):
            self.found.append(data.strip())


def _words(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w.]{2,}", text.replace("§", " "))
    return any(word not in NOT_WORDS for word in words)


def _unmarked(template: str) -> list[str]:
    text = _BLOCKS.sub("§", template)
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    text = re.sub(r"{%\s*(translate|trans)\b.*?%}", "§", text)
    text = re.sub(r"{{.*?}}", "§", text, flags=re.S)
    text = re.sub(r"{%.*?%}", "", text, flags=re.S)
    reader = _Reader()
    reader.feed(text)
    return reader.found


def test_every_string_a_person_reads_in_a_template_is_marked():
    found = [
        f"{path.relative_to(PACKAGE)}: {text[:70]}"
        for path in sorted(PACKAGE.glob("**/templates/**/*.html"))
        for text in _unmarked(path.read_text(encoding="utf-8"))
    ]
    assert not found, "not marked for translation:\n" + "\n".join(found)


def test_the_checker_sees_an_unmarked_string():
    assert _unmarked('<p>{% translate "Marked" %} {{ org.name }}</p><p>Not marked</p>') == [
        "Not marked"
    ]
    assert _unmarked('<button title="Close it">{% translate "x" %}</button>') == [
        "button[title]='Close it'"
    ]


def test_scripts_take_their_words_from_the_page():
    """The front end's scripts write no English of their own into the page: their words come
    from the page's templates (data-map-strings and the like), which are translated."""
    writes = re.compile(
        r"(textContent|innerText|innerHTML|title|placeholder|ariaLabel)\s*=\s*[\"'`]"
        r"[^\"'`$]*[A-Za-z]{3,}"
        r"|setAttribute\(\s*[\"'](aria-label|title|placeholder)[\"'],\s*[\"'`][A-Za-z]"
        r"|\b(alert|confirm|prompt)\("
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
        for path in sorted((ROOT / "frontend" / "src").glob("**/*.js"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("code", "first_day"), [("en", "Sunday"), ("de", "Montag"), ("ar", "الأحد"), ("ku", "duşem")]
)
def test_the_calendar_starts_the_week_where_the_language_does(client, db, code, first_day):
    prefix = "" if code == "en" else f"/{code}"
    page = client.get(f"{prefix}/actions/calendar/?month=2027-03").content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert re.search(r'<abbr title="([^"]+)"', head)[1] == first_day
    assert "2027" in page
