"""`unmask mirror`: the public site as static files. Every public page is there, every internal
address is relative and names a file of the mirror, nothing refers to another host but the live
site, the data licence and the record's sources, every page carries the mirror's own policy, and
the map (its data, basemap and worker), the graph and pagefind's search find what they read as
scripts (file:// and static hosts)."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from unmask.exchange import mirror

LIVE = "https://unmask.example"
ATTR = re.compile(r"""\s(href|src|action|srcset|data-worker|data-layout-worker)=["']([^"']*)["']""")


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


@pytest.fixture
def built(network, exports, tmp_path):
    call_command("export", stdout=io.StringIO())
    out = tmp_path / "mirror"
    report = mirror.build(out, live_url=LIVE)
    return out, report


def html_files(out: Path) -> list[Path]:
    return [
        p for p in out.rglob("*.html") if not p.relative_to(out).as_posix().startswith("pagefind/")
    ]


def test_every_public_page_is_written(built, network, source):
    out, report = built
    assert report.broken == [] and report.errors == [] and not report.capped
    expected = [
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
        "static/unmask/dist/mirror-search.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind.js",
        "pagefind/pagefind.js.js",
        "pagefind/pagefind-entry.json.js",
        "pagefind/wasm.en.pagefind.js",
        # MapLibre's worker and the basemap, as scripts (the map from file://)
        "static/unmask/dist/map-worker.js",
        "static/unmask/dist/map-worker.js.js",
        "static/unmask/dist/basemap/countries.json.js",
        source.get_absolute_url().strip("/") + "/index.html",
        "country/DE/index.html",
        "country/SE/index.html",
    ]
    for org in network["orgs"].values():
        base = org.get_absolute_url().strip("/")
        expected += [f"{base}/index.html", f"{base}/history/index.html"]
        expected.append(f"org/{org.public_id}/index.html")  # the short address, forwarding
    for product in [*network["chain"], network["other"]]:
        expected.append(product.get_absolute_url().strip("/") + "/index.html")
    for site in network["sites"].values():
        expected.append(f"map/sites/{site.public_id}.json.js")  # its popup
    manifest = json.loads((out / "data/files/manifest.json").read_text())
    expected += [f"data/files/{entry['name']}" for entry in manifest["files"]]
    missing = [name for name in expected if not (out / name).is_file()]
    assert not missing, missing
    assert report.pages >= len(network["orgs"]) * 2 + 10
    short = (out / f"org/{network['orgs']['bank'].public_id}/index.html").read_text()
    assert 'http-equiv="refresh"' in short and "ostmark-kreditbank/index.html" in short
    # Static files under the names the pages use; style sheets' own files too.
    home = (out / "index.html").read_text()
    css = re.search(r'href="(static/[^"]+\.css)"', home).group(1)
    assert (out / css).is_file()


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
    home = (out / "index.html").read_text()
    assert 'href="org/index.html"' in home and 'href="map/index.html"' in home


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


def test_map_and_graph_configs_point_into_the_mirror(built, network):
    out, _ = built
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
    builder = mirror.Mirror(out, live_url="", search=False)
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
        call_command("mirror", str(out), "--no-search", stdout=stdout)
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


def test_search_and_map_files_as_scripts(built, network):
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
    # The search page loads pagefind's UI and the mirror's search script, from the mirror.
    search = (out / "search/index.html").read_text()
    assert 'src="../pagefind/pagefind-ui.js"' in search
    assert 'src="../static/unmask/dist/mirror-search.js"' in search


def test_an_operator_basemap_is_left_out(network, exports, tmp_path, settings):
    """The operator's PMTiles are not copied: the mirror's maps draw the country shapes and
    load nothing from the live site."""
    settings.BASEMAP_PMTILES = "europe.pmtiles"
    out = tmp_path / "mirror"
    report = mirror.Mirror(out, live_url=LIVE, search=False, limit=40).build()
    text = (out / "map/index.html").read_text()
    configs = re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', text, re.S)
    maps = [json.loads(c) for c in configs if '"basemap"' in c]
    assert maps and all(c["pmtiles"] == "" for c in maps)
    assert "pmtiles" not in text.replace('"pmtiles":""', "")
    assert report.broken == []
