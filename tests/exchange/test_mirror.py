"""`unmask mirror`: the public site as static files. Every public page is there in each language
mirrored, every internal address is relative and names a file of the mirror (in the page's own
language, but for its language menu), nothing refers to another host but the live site, the data
licence and the record's sources, every page carries the mirror's own policy, and the map (its
data, basemap and worker), the graph and pagefind's search (an index per language) find what they
read as scripts (file:// and static hosts).

Most tests read one mirror in three languages (English, Arabic, German), built once for the
module by the first test that asks for it (``built``)."""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from unmask.exchange import mirror

LIVE = "https://unmask.example"
ATTR = re.compile(r"""\s(href|src|action|srcset|data-worker|data-layout-worker)=["']([^"']*)["']""")
LANGUAGES = ["en", "ar", "de"]  # the default language, one right to left, one more
PREFIXES = {"en": "", "ar": "ar/", "de": "de/"}
# Names the search finds folded, as the live search does (invented).
FOLDED = {
    "zaklady": "Zakłady Lotnicze Warmia",
    "leichtmetallgiesserei": "Leichtmetallgießerei Harzblick GmbH",
    "baskanligi": "Vesax Tedarik Başkanlığı",
}


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


@pytest.fixture(scope="module")
def _shared(tmp_path_factory):
    return {"folder": tmp_path_factory.mktemp("mirror")}


@pytest.fixture
def built(_shared, request, settings):
    """The fixture network (and the organizations of FOLDED) mirrored in LANGUAGES, once for the
    module: the first test that asks builds it in its own database, which is rolled back as
    usual; the others read the files, and the records as they were (addresses, names)."""
    if "out" not in _shared:
        network = request.getfixturevalue("network")
        make_org = request.getfixturevalue("make_org")
        source = request.getfixturevalue("source")
        folded = {typed: make_org(name, country="PL") for typed, name in FOLDED.items()}
        settings.EXPORT_DIR = _shared["folder"] / "exports"
        call_command("export", stdout=io.StringIO())
        out = _shared["folder"] / "mirror"
        report = mirror.build(out, live_url=LIVE, languages=LANGUAGES)
        _shared.update(out=out, report=report, network=network, source=source, folded=folded)
    return _shared["out"], _shared["report"]


@pytest.fixture
def record(built, _shared):
    """The records the shared mirror was built from."""
    return {**_shared["network"], "source": _shared["source"], "folded": _shared["folded"]}


def html_files(out: Path) -> list[Path]:
    return [
        p for p in out.rglob("*.html") if not p.relative_to(out).as_posix().startswith("pagefind/")
    ]


def test_every_public_page_is_written(built, record):
    """Each public page in each language mirrored; static, bulk and search files once."""
    out, report = built
    network = record
    assert report.broken == [] and report.errors == [] and not report.capped
    pages = [
        "index.html",
        "org/index.html",
        "methodology/index.html",
        "map/index.html",
        "map/sites.geojson",
        "map/sites.geojson.js",
        "graph/index.html",
        "graph/network.json",
        "graph/network.json.js",
        "graph/network.graphml",
        "actions/index.html",
        "actions/calendar/index.html",
        "actions/map/index.html",
        "actions/map/actions.geojson.js",
        "calls/index.html",
        "feeds/actions.atom",
        "feeds/calls.atom",
        "feeds/changes/index.atom",
        "calendar/actions.ics",
        "data/index.html",
        "search/index.html",
        record["source"].get_absolute_url().strip("/") + "/index.html",
        "country/DE/index.html",
        "country/SE/index.html",
    ]
    for org in [*network["orgs"].values(), *record["folded"].values()]:
        base = org.get_absolute_url().strip("/")
        pages += [f"{base}/index.html", f"{base}/history/index.html"]
        pages.append(f"org/{org.public_id}/index.html")  # the short address, forwarding
    for product in [*network["chain"], network["other"]]:
        pages.append(product.get_absolute_url().strip("/") + "/index.html")
    for site in network["sites"].values():
        pages.append(f"map/sites/{site.public_id}.json.js")  # its popup
    once = [
        "static/unmask/dist/mirror-search.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind.js",
        "pagefind/pagefind.js.js",
        "pagefind/pagefind-entry.json.js",
        "pagefind/wasm.en.pagefind.js",
        "pagefind/wasm.ar.pagefind.js",  # pagefind stems Arabic and German
        "pagefind/wasm.de.pagefind.js",
        # MapLibre's worker and the basemap, as scripts (the map from file://)
        "static/unmask/dist/map-worker.js",
        "static/unmask/dist/map-worker.js.js",
        "static/unmask/dist/basemap/countries.json.js",
    ]
    manifest = json.loads((out / "data/files/manifest.json").read_text())
    once += [f"data/files/{entry['name']}" for entry in manifest["files"]]
    expected = once + [PREFIXES[code] + name for code in LANGUAGES for name in pages]
    missing = [name for name in expected if not (out / name).is_file()]
    assert not missing, missing
    # Only the languages asked for; the same bulk files are not copied for each language.
    assert not (out / "fr").exists() and not (out / "ku").exists()
    assert not (out / "ar/data/files").exists() and not (out / "ar/static").exists()
    arabic = (out / "ar/data/index.html").read_text()
    assert 'href="../../data/files/manifest.json"' in arabic
    # The report counts the pages of each language: the same pages in each.
    assert list(report.languages) == LANGUAGES
    assert len(set(report.languages.values())) == 1, report.languages
    assert sum(report.languages.values()) == report.pages
    assert report.pages >= len(LANGUAGES) * (len(network["orgs"]) * 2 + 10)
    assert (
        "Pages by language: en {0:,}, ar {0:,}, de {0:,}.".format(report.languages["en"])
        in report.summary()
    )
    for code in LANGUAGES:
        short = out / f"{PREFIXES[code]}org/{network['orgs']['bank'].public_id}/index.html"
        text = short.read_text()
        assert 'http-equiv="refresh"' in text and "ostmark-kreditbank/index.html" in text
    # Static files under the names the pages use; style sheets' own files too.
    home = (out / "index.html").read_text()
    css = re.search(r'href="(static/[^"]+\.css)"', home).group(1)
    assert (out / css).is_file()
    assert f'href="../{css}"' in (out / "ar/index.html").read_text()


def test_links_are_relative_and_resolve(built):
    out, report = built
    assert report.broken == []
    for path in html_files(out):
        text = path.read_text()
        assert "nonce=" not in text, path
        assert '<meta name="unmask-mirror"' in text, path
        for name, value in ATTR.findall(text):
            value = html.unescape(value)
            if name == "srcset":
                continue
            assert not value.startswith("/"), f"{path}: {name}={value}"
            assert "://testserver" not in value and "://127.0.0.1/" not in value, (path, value)
            if name != "href" and "://" in value:
                pytest.fail(f"{path}: {name} loads from another host: {value}")
    # Directory links name their index.html: file:// serves no index files.
    for home in (out / "index.html", out / "ar/index.html"):
        text = home.read_text()
        assert 'href="org/index.html"' in text and 'href="map/index.html"' in text, home


def test_no_other_host_but_the_documented_ones(built, settings):
    out, _ = built
    allowed = {
        urlsplit(LIVE).netloc,  # links to what the mirror cannot hold (forms, other languages)
        urlsplit(settings.DATA_LICENCE_URL).netloc,  # the licence of the data
        "example.org",  # the fixture's source document
    }
    for path in [*html_files(out), *out.rglob("*.css")]:
        if path.relative_to(out).as_posix().startswith("pagefind/"):
            continue
        for name, value in ATTR.findall(path.read_text()):
            host = urlsplit(html.unescape(value)).netloc
            assert not host or host in allowed, f"{path}: {name}={value}"
        for value in re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text()):
            assert "://" not in value or value.startswith("data:"), (path, value)
    # The search page's script and the data scripts name no host at all.
    for path in [out / "static/unmask/dist/mirror-search.js", *out.rglob("*.json.js")]:
        assert not re.search(r"https?://(?!unmask\.example)", path.read_text()), path
    # Feeds and calendars point readers to the live site.
    feed = (out / "feeds/changes/index.atom").read_text()
    assert LIVE in feed and "testserver" not in feed


def test_map_and_graph_configs_point_into_the_mirror(built, record):
    out, _ = built
    network = record
    org = network["orgs"]["engines"]
    page = out / org.get_absolute_url().strip("/") / "index.html"
    text = page.read_text()
    configs = [
        json.loads(block)
        for block in re.findall(
            r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', text, re.S
        )
    ]
    strings = json.dumps(configs)
    assert '"/' not in strings  # no site path left in a config
    graph = next(c for c in configs if "dataUrl" in c)
    assert graph["dataUrl"] == "../../../graph/network.json"
    query = mirror.query_tag(
        "&".join(f"{k}={v}" for k, v in {**graph["params"], **graph["fixed"]}.items())
    )
    assert (out / f"graph/network.json.q-{query}.js").is_file()
    # Site addresses inside the data are marked for offline-data.js to resolve from the root.
    data = (out / f"graph/network.json.q-{query}.js").read_text()
    assert "mirror:org/" in data and '"/org/' not in data


def test_a_broken_link_is_reported_and_fails_the_command(network, exports, tmp_path, monkeypatch):
    out = tmp_path / "mirror"
    builder = mirror.Mirror(out, live_url="", search=False, languages=["en"])
    report = builder.build()
    assert report.broken == []
    target = next(out.glob("org/*/*/history/index.html"))
    target.unlink()
    broken = builder.check_links()
    assert broken and all("history/index.html" in item for item in broken)

    real = mirror.Mirror.check_links
    monkeypatch.setattr(mirror.Mirror, "check_links", lambda self: [*real(self), "x.html: y"])
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="1 broken links"):
        call_command("mirror", str(out), "--no-search", "--languages", "en", stdout=stdout)
    assert "Broken link: x.html: y" in stdout.getvalue()


def test_refuses_a_folder_that_is_not_a_mirror(tmp_path, db):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="holds no mirror"):
        call_command("mirror", str(tmp_path), "--no-search", stdout=io.StringIO())
    assert (tmp_path / "notes.txt").exists()


def registered(path: Path):
    """What a script of the mirror registers (offline-data.js reads it the same way)."""
    prefix = "(self.unmaskMirrorData = self.unmaskMirrorData || {})[document.currentScript.src] = "
    text = path.read_text()
    assert text.startswith(prefix) and text.endswith(";\n"), path
    return json.loads(text[len(prefix) : -2])


def test_every_page_carries_the_mirror_policy(built):
    out, _ = built
    policy = f'<meta http-equiv="Content-Security-Policy" content="{mirror.MIRROR_CSP}">'
    for path in html_files(out):
        head = path.read_text().split("</head>", 1)[0]
        assert policy in head, path
        if "<script" in head:
            assert head.index(policy) < head.index("<script"), path  # before any script
    # Nothing from another host: every source list names the mirror, blob: or data: only.
    for directive in mirror.MIRROR_CSP.split("; "):
        sources = directive.split()[1:]
        assert set(sources) <= {"'self'", "'none'", "blob:", "data:", "'wasm-unsafe-eval'"}, (
            directive
        )
    assert "'unsafe-inline'" not in mirror.MIRROR_CSP and "'unsafe-eval'" not in mirror.MIRROR_CSP


def test_search_and_map_files_as_scripts(built):
    """From file:// nothing can be fetched: pagefind's files, MapLibre's worker and the basemap
    are there as scripts too, holding the same bytes."""
    out, report = built
    read = [
        p
        for p in (out / "pagefind").rglob("*")
        if p.is_file() and mirror.PAGEFIND_READS.match(p.relative_to(out).as_posix())
    ]
    names = {p.relative_to(out / "pagefind").as_posix().split("/")[0] for p in read}
    assert {"pagefind.js", "pagefind-entry.json", "index", "fragment"} <= names
    assert any(name.endswith(".pf_meta") for name in names)
    for path in read:
        script = path.with_name(path.name + ".js")
        assert base64.b64decode(registered(script)) == path.read_bytes(), path
    assert report.search_scripts == len(read) and report.search_bytes > 0
    # The UI's own files load as they are, and pagefind's worker is not used.
    assert not (out / "pagefind/pagefind-ui.js.js").exists()
    assert not (out / "pagefind/pagefind-worker.js.js").exists()

    dist = out / "static/unmask/dist"
    assert registered(dist / "map-worker.js.js") == (dist / "map-worker.js").read_text()
    countries = json.loads((dist / "basemap/countries.json").read_text())
    assert registered(dist / "basemap/countries.json.js") == countries
    # The search page loads the mirror's search script (over pagefind's API), not pagefind's UI.
    search = (out / "search/index.html").read_text()
    assert "pagefind-ui" not in search
    assert 'src="../static/unmask/dist/mirror-search.js"' in search


def test_an_operator_basemap_is_left_out(network, exports, tmp_path, settings):
    """The operator's PMTiles are not copied: the mirror's maps draw the country shapes and
    load nothing from the live site."""
    settings.BASEMAP_PMTILES = "europe.pmtiles"
    out = tmp_path / "mirror"
    report = mirror.Mirror(out, live_url=LIVE, search=False, limit=40, languages=["en"]).build()
    text = (out / "map/index.html").read_text()
    configs = re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', text, re.S)
    maps = [json.loads(c) for c in configs if '"basemap"' in c]
    assert maps and all(c["pmtiles"] == "" for c in maps)
    assert "pmtiles" not in text.replace('"pmtiles":""', "")
    assert report.broken == []


# --- languages ----------------------------------------------------------------------------------

TAG = re.compile(r"<(a|link|script|img|source)\b[^>]*>", re.IGNORECASE)


def targets(out: Path, path: Path) -> list[tuple[str, str, str]]:
    """(tag, hreflang, mirror file) for each internal href/src of a page."""
    name = path.relative_to(out).as_posix()
    found = []
    for tag in TAG.finditer(path.read_text()):
        hreflang = re.search(r'\shreflang="([^"]*)"', tag.group(0))
        for _attr, value in re.findall(r'\s(href|src)="([^"]*)"', tag.group(0)):
            value = html.unescape(value)
            if "://" in value or value.startswith(("#", "data:", "mailto:")):
                continue
            file = posixpath.normpath(posixpath.join(posixpath.dirname(name), value.split("#")[0]))
            found.append((tag.group(0), hreflang.group(1) if hreflang else "", file))
    return found


SHARED_FILES = ("static/", "data/files/", "pagefind/")


def test_links_stay_in_the_pages_language(built):
    """Every link of an Arabic page leads to an Arabic page (or a file every language shares),
    and an English page's to English ones, but for the language menu and hreflang alternates."""
    out, _ = built
    checked = 0
    for path in html_files(out):
        name = path.relative_to(out).as_posix()
        language = next((c for c in LANGUAGES[1:] if name.startswith(PREFIXES[c])), "en")
        for tag, hreflang, file in targets(out, path):
            if hreflang or file.startswith(SHARED_FILES):
                continue
            file_language = next((c for c in LANGUAGES[1:] if file.startswith(PREFIXES[c])), "en")
            assert file_language == language, f"{name}: {tag} leads to {file}"
            checked += 1
    assert checked > 1000


def test_language_menu_and_alternates_lead_to_the_mirrored_page(built, record):
    """On a mirrored page, the other languages mirrored are the same page in the mirror; a
    language left out is the page on the live site."""
    out, _ = built
    org = record["orgs"]["engines"].get_absolute_url().strip("/")
    for code in LANGUAGES:
        page = out / f"{PREFIXES[code]}{org}/index.html"
        found = {}
        for tag, hreflang, file in targets(out, page):
            if hreflang:
                found.setdefault(hreflang, set()).add((tag.split()[0], file))
        for other in LANGUAGES:
            want = f"{PREFIXES[other]}{org}/index.html"
            # the header's menu, the footer's list, and the <link rel="alternate">
            assert found[other] == {("<a", want), ("<link", want)}, (code, other, found[other])
        assert found["x-default"] == {("<link", f"{org}/index.html")}
        text = page.read_text()
        assert f'href="{LIVE}/fr/{org}/" lang="fr" hreflang="fr"' in text
        assert f'hreflang="fr" href="{LIVE}/fr/{org}/"' in text
        assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in text
    # The search pages are the mirror's own: their menus lead to each other.
    search = (out / "ar/search/index.html").read_text()
    assert 'href="../../de/search/index.html" lang="de" hreflang="de"' in search
    assert 'href="../../search/index.html" lang="en" hreflang="en"' in search
    assert f'href="{LIVE}/fr/" lang="fr" hreflang="fr"' in search


def test_each_page_speaks_its_language(built, record):
    """The mirror's own words (the search link, the note that replaces a form) are in the
    page's language, and the canonical address is the live page in that language."""
    out, _ = built
    org = record["orgs"]["engines"].get_absolute_url().strip("/")
    note = "This is a static copy of the site: its forms and filters work on the site itself."
    for code in LANGUAGES:
        with translation.override(code):
            translated = html.escape(translation.gettext(note))
            search = html.escape(translation.gettext("Search"))
        if code != "en":
            assert translated != html.escape(note), f"{code}: no translation of the note"
        prefix = PREFIXES[code]
        directory = (out / f"{prefix}org/index.html").read_text()  # its filters are a form
        assert f'class="help mirror-note">{translated} <a href="{LIVE}/{prefix}org/"' in directory
        assert "<form" not in directory
        text = (out / f"{prefix}{org}/index.html").read_text()
        home = (out / f"{prefix}index.html").read_text()
        assert f'<li><a href="search/index.html">{search}</a></li>' in home
        assert f'rel="canonical" href="{LIVE}/{prefix}{org}/"' in text
        found = (out / f"{prefix}search/index.html").read_text()
        assert f'<html lang="{code}"' in found and f"<h1>{search}</h1>" in found


def test_folded_names_in_every_language(built, record):
    out, _ = built
    for typed, org in record["folded"].items():
        for code in LANGUAGES:
            text = (
                out / f"{PREFIXES[code]}{org.get_absolute_url().strip('/')}/index.html"
            ).read_text()
            assert re.search(
                rf'<p class="visually-hidden" aria-hidden="true">[^<]*\b{typed}\b', text
            ), (
                code,
                typed,
            )


def fragments(out: Path, code: str) -> list[dict]:
    """pagefind's fragments (a page's URL and text) of one language's index."""
    found = []
    for path in (out / "pagefind/fragment").glob(f"{code}_*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        found.append(json.loads(data[len(b"pagefind_dcd") :]))
    return found


def test_an_index_per_language(built, record):
    """pagefind splits its index by <html lang>: each language's index holds that language's
    pages only, with the folded names, and its files are there as scripts too."""
    out, report = built
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert set(entry["languages"]) == set(LANGUAGES)
    for code in LANGUAGES:
        language = entry["languages"][code]
        assert language["wasm"] == code  # a stemmer for each of these three
        pages = fragments(out, code)
        # every page written, the search page too; forwarding pages and the frames for other
        # sites (/embed/) not
        frames = len(list((out / PREFIXES[code] / "embed").rglob("index.html")))
        assert frames and not any("/embed/" in page["url"] for page in pages)
        assert len(pages) == language["page_count"] == report.languages[code] - frames, code
        urls = [page["url"] for page in pages]
        if code == "en":
            assert not any(url.startswith(("/ar/", "/de/")) for url in urls), urls
        else:
            assert all(url.startswith(f"/{code}/") for url in urls), urls
        text = " ".join(page["content"] for page in pages)
        for typed in FOLDED:
            assert typed in text, (code, typed)
        # The scripts mirror-search.js serves: this language's metadata and index chunks.
        meta = out / f"pagefind/pagefind.{language['hash']}.pf_meta.js"
        assert meta.is_file(), meta
        chunks = list((out / "pagefind/index").glob(f"{code}_*.pf_index.js"))
        assert chunks, code


def test_the_embeds_are_mirrored_in_every_language(network, campaign, exports, tmp_path):
    """The frames other sites embed need no server: each is in the mirror in every language
    written, its links relative, leading to the pages of its language."""
    out = tmp_path / "mirror"
    report = mirror.Mirror(out, live_url=LIVE, search=False, languages=["en", "de"]).build()
    assert report.broken == [] and report.errors == [] and not report.capped
    call = campaign["call"]
    embeds = ["embed/map/index.html", "embed/actions/index.html"]
    embeds.append(f"embed/call/{call.public_id}/index.html")
    embeds += [f"embed/org/{org.public_id}/index.html" for org in network["orgs"].values()]
    for prefix in ("", "de/"):
        missing = [name for name in embeds if not (out / prefix / name).is_file()]
        assert not missing, missing
    policy = f'<meta http-equiv="Content-Security-Policy" content="{mirror.MIRROR_CSP}">'
    english = (out / f"embed/call/{call.public_id}/index.html").read_text()
    german = (out / f"de/embed/call/{call.public_id}/index.html").read_text()
    assert "Stop the Talvik-9" in english and "Stoppt die Talvik-9" in german
    for page, text, prefix in (("", english, ""), ("de/", german, "de/")):
        assert policy in text
        assert "data-pagefind-body" not in text  # a frame, not a page the search should find
        hrefs = [value for name, value in ATTR.findall(text) if name == "href"]
        assert hrefs and not [h for h in hrefs if h.startswith("/")], hrefs
        here = out / page / f"embed/call/{call.public_id}"
        # The link to the call opens its page in the frame's language, in the mirror.
        with translation.override(prefix.strip("/") or "en"):
            call_page = call.get_absolute_url().strip("/")
        if prefix:
            call_page = call_page.removeprefix("de/")
        target = out / prefix / call_page / "index.html"
        assert target.is_file()
        assert any((here / h).resolve() == target.resolve() for h in hrefs), hrefs
    # The map's frame reads its data from the mirror, as the map page does.
    frame = (out / "de/embed/map/index.html").read_text()
    assert '"../../map/sites.geojson"' in frame  # the German map's data, beside its script
    assert (out / "de/map/sites.geojson.js").is_file()


def test_languages_to_mirror(tmp_path, db):
    codes = [code for code, _name in django_settings.LANGUAGES]
    assert len(codes) == 9 and mirror.Mirror(tmp_path).languages == codes  # all by default
    assert mirror.Mirror(tmp_path, languages=["ar", "en"]).languages == ["en", "ar"]
    with pytest.raises(ValueError, match="Not a language of the site: xx"):
        mirror.Mirror(tmp_path, languages=["de", "xx"])
    with pytest.raises(CommandError, match="Not a language of the site: xx"):
        call_command("mirror", str(tmp_path / "m"), "--languages", "de,xx", stdout=io.StringIO())
    assert not (tmp_path / "m").exists()


def test_without_the_default_language(network, exports, tmp_path):
    """A mirror of Arabic alone: its home page is where the mirror's index.html forwards, and
    English is the live site's."""
    out = tmp_path / "mirror"
    report = mirror.Mirror(out, live_url=LIVE, search=False, languages=["ar"]).build()
    assert report.broken == [] and report.errors == [] and not report.capped
    assert list(report.languages) == ["ar"] and report.languages["ar"] == report.pages
    assert 'http-equiv="refresh" content="0; url=ar/index.html"' in (out / "index.html").read_text()
    assert not (out / "org").exists() and (out / "ar/org/index.html").is_file()
    assert (out / "static").is_dir()
    home = (out / "ar/index.html").read_text()
    assert f'href="{LIVE}/" lang="en" hreflang="en"' in home


def test_the_crawl_starts_from_public_calls_and_groups_only(campaign, tmp_path):
    """A draft call and a group without a page are not seeded (their pages answer 404 on the
    live site); a published call, its frame and a group with a page are."""
    draft_call, _waiting, nobody = campaign["private"]
    seeds = set(mirror.Mirror(tmp_path, languages=["en"]).seeds())
    call, group = campaign["call"], campaign["group"]
    assert {call.get_absolute_url(), group.get_absolute_url()} <= seeds
    assert reverse("campaign:embed-call", args=[call.public_id]) in seeds
    assert draft_call.get_absolute_url() not in seeds
    assert reverse("campaign:embed-call", args=[draft_call.public_id]) not in seeds
    assert nobody.get_absolute_url() not in seeds
