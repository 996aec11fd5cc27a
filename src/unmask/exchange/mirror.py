"""`unmask mirror DIR`: the whole public site as static files, for any static host and file://.

How it works:

1. **Crawl.** Every public page is rendered with Django's test client (Host: the first of
   ALLOWED_HOSTS), in every language the site offers (`languages` limits them), starting from the
   home page, the lists and every public organization, product, source, action, group and call
   in each language, and the frames other sites embed (/embed/: the map, the actions, each call
   and organization), and following same-site links (GET only). Admin, API, submit, moderation,
   reply and filtered-download paths are never fetched, nor pages in languages left out, nor
   links with a query other than a page number or a calendar month and day (the filters are
   forms on the live site). At most `limit` pages are fetched (and the static files they need, so that a
   capped mirror still shows them styled); the report says if the cap was reached.
2. **Write.** `/a/b/` is written as `a/b/index.html` (a feed at `/a/b/` as `a/b/index.atom`,
   JSON as `index.json`), other paths under their own name (`map/sites.geojson`); a page number
   or month goes in the name (`org/index.page=2.html`). Other languages than the default are in
   their prefix's folder (`/ar/org/` as `ar/org/index.html`), but for what is the same in every
   language: the static files and the bulk files (`/ar/data/files/x` is `data/files/x`). A
   redirect (a short address such as `/org/<id>/`) becomes a small page that forwards with
   <meta http-equiv="refresh">; so does `index.html` when the default language is left out.
   The report counts the pages of each language.
3. **Rewrite.** Every internal address in the pages (href, src, srcset, action, data-*
   attributes and the strings of the JSON config blocks of the map and graph) becomes a relative
   path to the file, `index.html` spelled out (file:// serves no index files): a page's links
   lead to pages of its language, its language menu and hreflang alternates to the same page
   in the other languages. Addresses that are not in the mirror (languages left out, forms)
   point to the live site (`live_url`, by default settings.SITE_URL) or, without one, lose
   their link. Forms, which need the server, are replaced by a note in the page's language.
   Nonces go: each page carries the mirror's own policy instead, as a <meta> (MIRROR_CSP).
   Canonical addresses and the addresses inside feeds and calendars point to the live site.
4. **Data for scripts.** Each JSON file the map or graph of a page fetches (with its query) is
   also written as a script that registers it (frontend/src/offline-data.js explains the names):
   fetch() of file:// fails in Chromium, and a static host ignores queries. So are the map's
   basemap (shapes, boundaries, places) and MapLibre's worker (its source, as a string: Chromium
   starts no worker from a file, the map starts it from a blob; frontend/src/map/mirror.js).
   Mirrored pages carry <meta name="unmask-mirror"> so that the scripts read these instead of
   fetching. The map's popups (a file per site and language) are built from one read of the
   sites and links (PopupSource), as the popup's view answers, not a request each.
5. **Static files** the pages and their style sheets use are fetched through the site (so the
   manifest-hashed names are the ones written); `/data/` gets the export files.
6. **Search.** pagefind indexes the pages' main content, with the names of each record folded
   as the live search folds them (`folded_names`), and, in its multilingual mode, each language
   on its own by the pages' <html lang> (an index per language, stemmed where pagefind has a
   stemmer: not for ku and ckb, which are indexed unstemmed). Each language has its search page
   (`search/index.html`, `ar/search/index.html`...), linked from its pages' menu, whose box and
   results are dist/mirror-search.js's, over pagefind's JavaScript API (not pagefind's UI: its
   script and style sheet weigh more than the search); pagefind's script picks the index of
   the page's <html lang>, so it finds pages of that language only. Over HTTP pagefind loads its
   files as they are. Each file pagefind's script reads (pagefind.js, its entry, metadata,
   WebAssembly, index, filter and fragment chunks, of every language) is also written as a
   script that registers its bytes (`<file>.js`, base64), which mirror-search.js serves to
   pagefind from file:// only, where Chromium imports no module and fetches no file.
7. **Check.** Every internal href/src of every written page must name a file of the mirror.
"""

from __future__ import annotations

import base64
import html
import json
import posixpath
import re
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from unmask.record.text import fold

MIRROR_META = '<meta name="unmask-mirror" content="{root}">'  # root: the mirror's root, relative
MIRROR_PREFIX = "mirror:"
# The mirror's pages have no headers: their policy is a <meta> (which cannot say
# frame-ancestors). It allows what the mirror does and nothing from another host: scripts from
# the mirror, blob: for pagefind's module (mirror-search.js) and WebAssembly for pagefind;
# MapLibre's worker from a blob (map/mirror.js), which MapLibre reads (connect-src blob:) and, on
# a file:// page, starts from a data: URL (worker-src data:). Each of these was checked to be
# needed in Chromium. 'self' is the mirror's own files, over HTTP or file://.
MIRROR_CSP = (
    "default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self' blob:; "
    "worker-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'"
)
MARKER = ".unmask-mirror"  # left in every mirror: `clear` empties only such a folder
# Never fetched: they need the server, a session or a secret, or are not for readers; the
# fact sheets (PDF, laid out per request by the server) link to the live site's.
EXCLUDED = re.compile(
    r"^/(admin|api|submit|moderate|media)/|/reply/$|^/data/part\.|^/basemap/|/sheet\.pdf$"
)
# Paths that are the same in every language (besides the static files, which have no language
# prefix): one copy, at the address without a prefix, whichever languages are mirrored.
SHARED = re.compile(r"^/data/files/")
# The only query parameters whose pages are mirrored: a page of a list, a calendar month and
# its days.
QUERY_KEYS = {"page", "month", "day"}
HTML_TYPES = ("text/html",)
SUFFIX_BY_TYPE = {
    "application/atom+xml": ".atom",
    "application/rss+xml": ".rss",
    "application/json": ".json",
    "application/geo+json": ".geojson",
    "text/calendar": ".ics",
    "text/plain": ".txt",
    "application/xml": ".xml",
}
ATTRIBUTE = re.compile(
    r"""(?P<before>\s(?P<name>href|src|action|poster|data-[a-z0-9-]+)=)(?P<q>["'])(?P<value>[^"']*)(?P=q)""",
    re.IGNORECASE,
)
SRCSET = re.compile(r"""(\ssrcset=)(["'])([^"']*)\2""", re.IGNORECASE)
JSON_BLOCK = re.compile(
    r'(<script\b[^>]*type="application/json"[^>]*>)(.*?)(</script>)', re.IGNORECASE | re.DOTALL
)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
FORM = re.compile(r"<form\b.*?</form>", re.IGNORECASE | re.DOTALL)
NONCE = re.compile(r'\snonce="[^"]*"')
MAIN = re.compile(r'<main id="main"')
MAIN_OPEN = re.compile(r'<main id="main"[^>]*>')
# What a page is about: its heading and its other names, searched as typed or folded.
NAMED = re.compile(r'<h1[^>]*>(.*?)</h1>|<p class="aliases">(.*?)</p>', re.S)
HEAD_START = re.compile(r"<head>\s*<meta charset=\"utf-8\">", re.IGNORECASE)
NOJS = re.compile(r'class="(?:map|graph)-nojs"|<template\b')
# The end of the header's main menu (the language menu follows it in the header).
HEADER_END = re.compile(r'</ul>\s*</nav>(?=\s*(?:<details class="language-menu"|</header>))')
HREFLANG_TAG = re.compile(r'<(?:a|link)\b[^>]*\bhreflang="(?P<lang>[^"]+)"[^>]*>')
PRELOAD = re.compile(r'\s*<link rel="preload" as="fetch"[^>]*>')
PLACEHOLDER = "__ID__"
# The files of pagefind's output that its script reads (from file://, mirror-search.js serves
# them from their scripts).
PAGEFIND_READS = re.compile(
    r"^pagefind/(pagefind\.js|pagefind-entry\.json|[^/]+\.pf_meta|wasm\.[^/]+\.pagefind"
    r"|index/[^/]+\.pf_index|filter/[^/]+\.pf_filter|fragment/[^/]+\.pf_fragment)$"
)
SEARCH_SCRIPT = "unmask/dist/mirror-search.js"  # a static file (frontend/src/mirror-search.js)


@dataclass
class Fetched:
    """One address as the site answered it."""

    url: str  # path with its query, as requested
    status: int
    content_type: str = ""
    body: bytes = b""
    location: str = ""  # for redirects: where to (path + query)
    file: str = ""  # where it is written in the mirror (relative, posix)


@dataclass
class Report:
    out: Path
    pages: int = 0
    files: int = 0
    data_scripts: int = 0
    search_scripts: int = 0
    search_bytes: int = 0  # what the scripts of pagefind's files add
    bytes: int = 0
    seconds: float = 0.0
    capped: bool = False
    not_found: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    search: str = ""
    languages: dict[str, int] = field(default_factory=dict)  # pages by language, in order

    def summary(self) -> str:
        lines = [
            f"Mirror in {self.out}: {self.pages:,} pages, {self.files:,} files in all "
            f"({self.data_scripts:,} data scripts), {self.bytes:,} bytes, {self.seconds:.1f} s.",
            "Pages by language: "
            + ", ".join(f"{code} {count:,}" for code, count in self.languages.items())
            + ".",
            f"Search: {self.search}"
            + (
                f" (and {self.search_scripts:,} of its files as scripts, "
                f"{self.search_bytes:,} bytes)"
                if self.search_scripts
                else ""
            ),
        ]
        if self.capped:
            lines.append("The crawl stopped at its limit: some pages are missing (raise --limit).")
        for url in self.not_found:
            lines.append(f"Linked but not found: {url}")
        for item in self.errors:
            lines.append(f"Failed: {item}")
        for item in self.broken:
            lines.append(f"Broken link: {item}")
        return "\n".join(lines)


def split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path or "/", parts.query


def normal_query(query: str) -> str:
    """Parameters sorted by name (stable), as offline-data.js sorts them."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True), key=lambda pair: pair[0])
    return urlencode(pairs)


def query_tag(query: str) -> str:
    return re.sub(r"[^A-Za-z0-9=_.-]", "_", normal_query(query))


def data_script_name(file: str, query: str) -> str:
    """Where the data script of `file` fetched with `query` goes (offline-data.js: dataScriptUrl)."""
    return f"{file}.q-{query_tag(query)}.js" if query else f"{file}.js"


def registering(data) -> bytes:
    """A script that registers `data` (JSON: data, a text, base64 bytes) under its own address,
    for offline-data.js."""
    return (
        "(self.unmaskMirrorData = self.unmaskMirrorData || {})[document.currentScript.src] = "
        + json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        + ";\n"
    ).encode("utf-8")


def relative(target: str, page: str) -> str:
    """`target` (a mirror file, or a folder ending in /) as seen from the file `page`."""
    start = posixpath.dirname(page) or "."
    rel = posixpath.relpath(target, start)
    return rel


class Mirror:
    def __init__(
        self,
        out: Path,
        *,
        live_url: str | None = None,
        limit: int = 20000,
        search: bool = True,
        languages: Iterable[str] | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.out = Path(out)
        offered = [code for code, _name in settings.LANGUAGES]
        self.default = settings.LANGUAGE_CODE
        # Every language but the default one is in the addresses: /ku/..., /ar/...
        self.prefixed = [code for code in offered if code != self.default]
        if languages is None:
            self.languages = offered
        else:
            asked = [code.strip() for code in languages if code.strip()]
            unknown = sorted(set(asked) - set(offered))
            if unknown or not asked:
                raise ValueError(
                    f"Not a language of the site: {', '.join(unknown) or '(none given)'} "
                    f"(it offers {', '.join(offered)})"
                )
            self.languages = [code for code in offered if code in asked]  # the site's order
        self.live_url = (settings.SITE_URL if live_url is None else live_url).rstrip("/")
        self.limit = limit
        self.search = search
        self.log = log
        self.host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
        if self.host.startswith("."):
            self.host = self.host.lstrip(".")
        if self.host == "*":
            self.host = "localhost"
        self.client = Client(HTTP_HOST=self.host, raise_request_exception=False)
        self.origins = {f"http://{self.host}", f"https://{self.host}"}
        self.fetched: dict[str, Fetched] = {}
        self.scripts: dict[str, object] = {}  # data URL (normal query) → its data
        self.text_scripts: set[str] = set()  # URLs whose text is written as a script too
        self.files: dict[str, str] = {}  # mirror file → URL (to catch two URLs on one file)
        self.report = Report(out=self.out, languages={code: 0 for code in self.languages})
        self.last_month = ""
        self.popups: PopupSource | None = None  # read when the first map's popups are written

    # --- which addresses ----------------------------------------------------------------------
    def internal(self, url: str, base: str = "/") -> str | None:
        """The site path (+ query) that `url` on page `base` names, or None if it is elsewhere."""
        url = html.unescape(url.strip())
        if not url or url.startswith(("#", "mailto:", "tel:", "data:", "blob:", "javascript:")):
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme or 'http'}://{parts.netloc}" not in self.origins:
                return None
            url = parts.path + (f"?{parts.query}" if parts.query else "")
        full = urljoin(base, url)
        path, query = split(full)
        language, bare = self.language_of(path)
        if language != self.default and self.shared(bare):
            path = bare  # the same file in every language: written once
        return path + (f"?{query}" if query else "")

    def language_of(self, path: str) -> tuple[str, str]:
        """The language of a site path and the path without its language prefix."""
        for code in self.prefixed:
            if path.startswith(f"/{code}/"):
                return code, path[len(code) + 1 :]
        return self.default, path

    def shared(self, path: str) -> bool:
        """Whether `path` (without a language prefix) is the same in every language."""
        return bool(SHARED.match(path)) or path.startswith(settings.STATIC_URL)

    def page_language(self, item: Fetched) -> str:
        return self.language_of(split(item.url)[0])[0]

    def wanted(self, url: str) -> bool:
        path, query = split(url)
        language, bare = self.language_of(path)
        if EXCLUDED.search(bare):
            return False
        if language not in self.languages and not self.shared(bare):
            return False
        if query:
            params = dict(parse_qsl(query, keep_blank_values=True))
            if not set(params) <= QUERY_KEYS:
                return False
            month = params.get("month")
            if month is not None:
                current = date.today().strftime("%Y-%m")
                if not (current <= month <= max(self.last_month, current)):
                    return False
        return True

    # --- crawl ----------------------------------------------------------------------------------
    def seeds(self) -> list[str]:
        """The addresses the crawl starts from, in every language mirrored."""
        from unmask.campaign.models import Action, Call, LocalGroup
        from unmask.record.models import Organization, Product, Source

        orgs = list(Organization.objects.public().only("public_id", "slug"))
        products = list(Product.objects.public())
        sources = list(Source.objects.public())
        actions = list(Action.objects.public())
        # The groups with a page and the published calls: never a draft call, or a group that
        # has no page yet (their addresses answer 404 on the live site).
        others = [*LocalGroup.objects.public(), *Call.objects.public()]
        # The calendar: this month and the next ones up to the last occurrence of an action.
        ends = [a.last_ends_at or a.starts_at for a in actions]
        if ends:
            self.last_month = max(ends).strftime("%Y-%m")
        urls = []
        for language in self.languages:
            with translation.override(language):  # reverse() gives the language's prefix
                urls += [
                    reverse("pages:home"),
                    reverse("record:directory"),
                    reverse("pages:methodology"),
                    reverse("maps:map"),
                    reverse("graph:graph"),
                    reverse("campaign:actions"),
                    reverse("campaign:calendar"),
                    reverse("campaign:actions-map"),
                    reverse("campaign:calls"),
                    reverse("campaign:actions-ics"),
                    reverse("campaign:actions-atom"),
                    reverse("campaign:calls-atom"),
                    reverse("record:changes-feed"),
                    reverse("exchange:data"),
                    # the frames other sites embed (no server needed: no form, no cookie)
                    reverse("maps:embed"),
                    reverse("campaign:embed-actions"),
                ]
                for org in orgs:
                    urls += [
                        org.get_absolute_url(),
                        reverse("record:organization-short", args=[org.public_id]),
                        reverse("record:organization-history", args=[org.public_id, org.slug]),
                        reverse("record:embed-organization", args=[org.public_id]),
                    ]
                for product in products:
                    urls += [
                        product.get_absolute_url(),
                        reverse("record:product-short", args=[product.public_id]),
                    ]
                urls += [source.get_absolute_url() for source in sources]
                for action in actions:
                    urls += [
                        action.get_absolute_url(),
                        reverse("campaign:action-short", args=[action.public_id]),
                    ]
                urls += [item.get_absolute_url() for item in others]
                urls += [
                    reverse("campaign:embed-call", args=[item.public_id])
                    for item in others
                    if isinstance(item, Call)
                ]
        return urls

    def fetch(self, url: str) -> Fetched:
        if url in self.fetched:
            return self.fetched[url]
        path, query = split(url)
        response = self.client.get(path, dict(parse_qsl(query, keep_blank_values=True)))
        item = Fetched(url=url, status=response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            item.location = self.internal(response["Location"], url) or response["Location"]
        elif response.status_code == 200:
            item.content_type = response.get("Content-Type", "").split(";")[0].strip()
            item.body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            # No response.close() here: the test client closes streamed responses itself, and
            # a close() of ours would fire request_finished, which closes the database
            # connection (PostgreSQL, CONN_MAX_AGE 0) in the middle of the crawl.
        self.fetched[url] = item
        return item

    def crawl(self) -> None:
        queue = deque(self.seeds())
        seen = set(queue)
        while queue:
            url = queue.popleft()
            if not self.wanted(url):
                continue
            if len(self.fetched) >= self.limit:
                self.report.capped = True
                if not split(url)[0].startswith(settings.STATIC_URL):
                    continue  # past the cap, only the files the fetched pages need
            item = self.fetch(url)
            links: list[str] = []
            if item.location:
                links.append(item.location)
            elif item.status != 200:
                continue
            elif item.content_type in HTML_TYPES:
                links += self.links_in_html(item.body.decode("utf-8"), url)
            elif item.content_type == "text/css":
                links += self.links_in_css(item.body.decode("utf-8"), url)
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)

    def links_in_html(self, text: str, base: str) -> list[str]:
        found = []
        for match in ATTRIBUTE.finditer(text):
            if not match["name"].lower().startswith("data-") or match["value"].startswith("/"):
                found.append(match["value"])
        for match in SRCSET.finditer(text):
            found += [part.strip().split(" ")[0] for part in match.group(3).split(",")]
        for match in JSON_BLOCK.finditer(text):
            for value in json_strings(json.loads(match.group(2))):
                if value.startswith("/") and PLACEHOLDER not in value:
                    found.append(value)
        return [url for value in found if (url := self.internal(value, base)) is not None]

    def links_in_css(self, text: str, base: str) -> list[str]:
        return [
            url
            for _quote, value in CSS_URL.findall(text)
            if (url := self.internal(value, base)) is not None
        ]

    # --- files ----------------------------------------------------------------------------------
    def file_for(self, item: Fetched) -> str:
        path, query = split(item.url)
        name = path.lstrip("/")
        if item.location or item.content_type in HTML_TYPES:
            suffix = ".html"
        else:
            suffix = SUFFIX_BY_TYPE.get(item.content_type, "")
        if not name or name.endswith("/"):
            name += "index" + (suffix or ".html")
            if query:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem}.{query_tag(query)}{dot}{ext}"
        elif query:
            name = f"{name}.q-{query_tag(query)}"
        return name

    def target(self, url: str) -> str | None:
        """The mirror file for a site URL, following redirects; None if not in the mirror."""
        item = self.fetched.get(url)
        for _hop in range(5):  # straight to where a short address leads, if it is here
            following = self.fetched.get(item.location) if item and item.location else None
            if following is None or not following.file:
                break
            item = following
        if item is None:
            return None
        if item.status == 200 or item.location:
            return item.file or None
        return None

    def assign_files(self) -> None:
        for item in self.fetched.values():
            if item.status == 200 or item.location:
                item.file = self.file_for(item)
                self.files[item.file] = item.url

    def rewrite_url(self, value: str, page: Fetched) -> str | None:
        """The relative address of `value` seen from `page`, the live address when the mirror
        does not hold it, or None when there is neither (the caller drops the link)."""
        raw = html.unescape(value)
        fragment = ""
        if "#" in raw:
            raw, _hash, fragment = raw.partition("#")
            fragment = "#" + fragment
        if not raw:
            return value  # "#main"
        url = self.internal(raw, page.url)
        if url is None:
            return value
        file = self.target(url)
        if file:
            return html.escape(relative(file, page.file) + fragment)
        if self.live_url:
            return html.escape(self.live_url + url + fragment)
        return None

    def rewrite_html(self, page: Fetched) -> str:
        text = page.body.decode("utf-8")
        text = NONCE.sub("", text)
        text = self.canonical(text, page)
        text = FORM.sub(lambda m: self.form_note(page), text)

        def attribute(match: re.Match) -> str:
            name, value = match["name"].lower(), match["value"]
            if name.startswith("data-") and not value.startswith("/"):
                return match.group(0)
            if name == "data-worker":  # MapLibre's, which the mirror starts from a blob
                self.text_script(html.unescape(value), page)
            new = self.rewrite_url(value, page)
            if new is None:
                return ""
            return f"{match['before']}{match['q']}{new}{match['q']}"

        text = ATTRIBUTE.sub(attribute, text)

        def srcset(match: re.Match) -> str:
            parts = []
            for part in match.group(3).split(","):
                bits = part.strip().split(" ", 1)
                bits[0] = self.rewrite_url(bits[0], page) or bits[0]
                parts.append(" ".join(bits))
            return f"{match.group(1)}{match.group(2)}{', '.join(parts)}{match.group(2)}"

        text = SRCSET.sub(srcset, text)
        text = JSON_BLOCK.sub(lambda m: self.rewrite_config(m, page), text)
        if not self.language_of(split(page.url)[0])[1].startswith("/embed/"):
            # What the search indexes; the frames for other sites are not pages to find.
            text = MAIN.sub('<main id="main" data-pagefind-body', text, count=1)
            text = MAIN_OPEN.sub(lambda m: m.group(0) + self.folded_names(text), text, count=1)
        text = NOJS.sub(r"\g<0> data-pagefind-ignore", text)  # not what a search should find
        if self.search:
            text = HEADER_END.sub(lambda m: self.search_link(page) + m.group(0), text, count=1)
        text = PRELOAD.sub("", text)  # the scripts read the data scripts instead
        text = HEAD_START.sub(lambda m: m.group(0) + self.head(page), text, count=1)
        return text

    @staticmethod
    def folded_names(text: str) -> str:
        """The page's heading and other names folded as the live search folds them (any
        script to ASCII: "Zakłady" → "zaklady", "Gießerei" → "giesserei", "Başkanlığı" →
        "baskanligi"), hidden from readers, for pagefind, which matches only what is written."""
        found = " ".join(
            html.unescape(re.sub(r"<[^>]+>", " ", a or b)) for a, b in NAMED.findall(text)
        )
        folded = fold(found)
        if not folded or folded == " ".join(found.lower().split()):
            return ""
        return f'<p class="visually-hidden" aria-hidden="true">{html.escape(folded)}</p>'

    def search_link(self, page: Fetched) -> str:
        """The menu's link to the search page of the page's language."""
        language = self.page_language(page)
        with translation.override(language):
            label = _("Search")
        href = relative(self.search_file(language), page.file)
        return f'<li><a href="{href}">{html.escape(label)}</a></li>'

    def head(self, page: Fetched) -> str:
        """What every mirrored page gets first in its head: its policy and the mirror's
        marker."""
        policy = f'<meta http-equiv="Content-Security-Policy" content="{MIRROR_CSP}">'
        return policy + self.meta(page)

    def meta(self, page: Fetched) -> str:
        root = relative("./", page.file)
        return MIRROR_META.format(root="./" if root == "." else root + "/")

    def canonical(self, text: str, page: Fetched) -> str:
        for origin in self.origins:
            if self.live_url:
                text = text.replace(f'content="{origin}/', f'content="{self.live_url}/')
                text = text.replace(
                    f'rel="canonical" href="{origin}/', f'rel="canonical" href="{self.live_url}/'
                )
        # Calendar subscriptions (webcal://) need the live site: there, or gone without one.
        webcal = f"webcal://{self.host}/"
        if self.live_url:
            text = text.replace(webcal, "webcal://" + urlsplit(self.live_url).netloc + "/")
        else:
            text = re.sub(r'\s*<span><a href="webcal://[^"]*"[^>]*>[^<]*</a></span>', "", text)
        if not self.live_url:
            text = re.sub(r'\s*<link rel="canonical"[^>]*>', "", text)
            text = re.sub(r'\s*<meta property="og:url"[^>]*>', "", text)
        return text

    def form_note(self, page: Fetched) -> str:
        path = split(page.url)[0]
        where = (
            f' <a href="{html.escape(self.live_url + path)}">{html.escape(self.live_url + path)}</a>'
            if self.live_url
            else ""
        )
        with translation.override(self.page_language(page)):
            note = _(
                "This is a static copy of the site: its forms and filters work on the site itself."
            )
        return f'<p class="help mirror-note">{html.escape(note)}{where}</p>'

    def rewrite_config(self, match: re.Match, page: Fetched) -> str:
        config = json.loads(match.group(2))
        if config.get("pmtiles"):
            # The operator's PMTiles basemap is not copied (/basemap/ is never fetched): the
            # mirror's maps draw the country shapes, and load nothing from the live site.
            config["pmtiles"] = ""
        self.data_for_config(config, page)

        def convert(value):
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                if PLACEHOLDER in value:
                    # a template (siteUrl, profileUrl...): the files are there for every id
                    file = value.lstrip("/") + ("index.html" if value.endswith("/") else "")
                    return relative(file, page.file)
                new = self.rewrite_url(value, page)
                return html.unescape(new) if new is not None else value
            if isinstance(value, dict):
                return {key: convert(item) for key, item in value.items()}
            if isinstance(value, list):
                return [convert(item) for item in value]
            return value

        converted = convert(config)
        body = json.dumps(converted, ensure_ascii=False, separators=(",", ":"))
        body = body.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
        return match.group(1) + body + match.group(3)

    # --- data of the map and graph --------------------------------------------------------------
    def data_for_config(self, config: dict, page: Fetched) -> None:
        """Write the data scripts a map or graph config makes its script load."""
        query = normal_query(urlencode({**config.get("params", {}), **config.get("fixed", {})}))
        if "dataUrl" in config:  # a graph
            self.data_script(config["dataUrl"], query)
            return
        # the basemap's files (country shapes, first-level boundaries, populated places), which
        # MapLibre's worker would fetch
        for key in ("basemap", "regions", "places"):
            if config.get(key):
                self.data_script(config[key], "")
        layers = config.get("layers") or {}
        if not layers and config.get("sitesUrl"):
            layers = {"sites": {"url": config["sitesUrl"], "filtered": True, **config}}
        for name, layer in layers.items():
            if not layer.get("url"):
                continue
            layer_query = query if layer.get("filtered") else ""
            data = self.data_script(layer["url"], layer_query)
            if name == "sites" and data and layer.get("siteUrl"):
                for feature in data.get("features", []):
                    site = feature.get("properties", {}).get("s")
                    if site:
                        # popups: the site's details without the page's filters (offline-data.js,
                        # exact: false), one file per site
                        self.site_popup(layer["siteUrl"].replace(PLACEHOLDER, site))

    def data_script(self, url: str, query: str):
        path, own = split(url)
        query = normal_query("&".join(q for q in (own, query) if q))
        full = path + (f"?{query}" if query else "")
        if full in self.scripts:
            return self.scripts[full]
        item = self.fetch(full)
        if item.status != 200:
            self.scripts[full] = None
            if item.status == 404:
                self.report.not_found.append(full)
            else:
                self.report.errors.append(f"{item.status} {full}")
            return None
        data = json.loads(item.body)
        plain = self.fetched.get(path)
        file = (
            plain.file
            if plain and plain.file
            else self.file_for(Fetched(url=path, status=200, content_type=item.content_type))
        )
        name = data_script_name(file, query)
        data = self.feed_relative(data)
        self.write(name, registering(data))
        self.report.data_scripts += 1
        self.scripts[full] = data
        return data

    def site_popup(self, url: str) -> None:
        """The data script of a site's popup (maps.views.site without filters), the same as
        data_script() writes, from one read of the public sites and links (PopupSource)
        instead of a request per site: the map holds every site, in every language."""
        path, query = split(url)
        language, bare = self.language_of(path)
        if self.popups is None:
            self.popups = PopupSource()
        site = None if query or path in self.fetched else self.popups.site(bare)
        if site is None or path in self.scripts:  # not a popup, or none to build: as any data
            self.data_script(url, "")
            return
        with translation.override(language):
            data = self.popups.body(site)
        file = self.file_for(Fetched(url=path, status=200, content_type="application/json"))
        data = self.feed_relative(data)
        self.write(data_script_name(file, ""), registering(data))
        self.report.data_scripts += 1
        self.scripts[path] = data

    def text_script(self, value: str, page: Fetched) -> None:
        """`<file>.js` for the file at `value` (a site address on `page`): its text as a string
        (MapLibre's worker, which map/mirror.js starts from a blob)."""
        url = self.internal(value, page.url)
        if url is None or url in self.text_scripts:
            return
        self.text_scripts.add(url)
        item = self.fetch(url)
        if item.status != 200 or not item.file:
            self.report.errors.append(f"{item.status} {url} (a script the mirror needs)")
            return
        self.write(item.file + ".js", registering(item.body.decode("utf-8")))
        self.report.data_scripts += 1

    def feed_relative(self, data):
        """Site paths in data (the graph's node pages, links of a site's popup) as
        "mirror:<file>": offline-data.js resolves them against the mirror's root, wherever the
        page that loads them is."""

        def convert(value):
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                url = self.internal(value)
                file = self.target(url) if url else None
                if file:
                    return MIRROR_PREFIX + file
                return self.live_url + value if self.live_url else value
            if isinstance(value, dict):
                return {key: convert(item) for key, item in value.items()}
            if isinstance(value, list):
                return [convert(item) for item in value]
            return value

        return convert(data)

    # --- writing --------------------------------------------------------------------------------
    def write(self, name: str, data: bytes) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def redirect_page(self, item: Fetched) -> bytes:
        target = self.target(item.location) if item.location else None
        if target:
            href = html.escape(relative(target, item.file))
        elif self.live_url:
            href = html.escape(self.live_url + item.location)
        else:
            href = ""
        return (
            '<!doctype html>\n<html><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={href}">{self.head(item)}'
            f'<meta name="robots" content="noindex"><title>{href}</title></head>'
            f'<body><p><a href="{href}">{href}</a></p></body></html>\n'
        ).encode()

    def write_all(self) -> None:
        for item in list(self.fetched.values()):
            if not item.file:
                continue
            if item.location:
                self.write(item.file, self.redirect_page(item))
            elif item.content_type in HTML_TYPES:
                self.write(item.file, self.rewrite_html(item).encode("utf-8"))
                self.report.pages += 1
                language = self.page_language(item)
                self.report.languages[language] = self.report.languages.get(language, 0) + 1
            elif item.content_type == "text/css":
                self.write(item.file, self.rewrite_css(item).encode("utf-8"))
            elif item.content_type in (
                "application/atom+xml",
                "text/calendar",
                "application/rss+xml",
                "text/x-opml",
            ):
                text = item.body.decode("utf-8")
                for origin in self.origins:
                    text = text.replace(origin, self.live_url)
                self.write(item.file, text.encode("utf-8"))
            else:
                self.write(item.file, item.body)

    def rewrite_css(self, item: Fetched) -> str:
        def url(match: re.Match) -> str:
            new = self.rewrite_url(match.group(2), item)
            return f"url({match.group(1)}{html.unescape(new or match.group(2))}{match.group(1)})"

        return CSS_URL.sub(url, item.body.decode("utf-8"))

    # --- search -------------------------------------------------------------------------------
    def search_url(self, language: str) -> str:
        return "/search/" if language == self.default else f"/{language}/search/"

    def search_file(self, language: str) -> str:
        return self.search_url(language).lstrip("/") + "index.html"

    def search_pages(self) -> None:
        """search/index.html, ku/search/index.html...: the search box in the site's page, one
        per language mirrored (pagefind's script picks the index of the page's <html lang>),
        rewritten like any page."""
        from django.contrib.auth.models import AnonymousUser
        from django.template.loader import get_template
        from django.test import RequestFactory

        template = get_template("exchange/mirror_search.html")
        try:
            script_url = static(SEARCH_SCRIPT)
        except ValueError:  # not in the manifest: the assets predate it
            script_url = ""
            self.report.errors.append(f"{SEARCH_SCRIPT}: missing (make assets, collectstatic)")
        for language in self.languages:
            url = self.search_url(language)
            request = RequestFactory(HTTP_HOST=self.host).get(url)
            request.user = AnonymousUser()
            request.csp_nonce = ""
            request.LANGUAGE_CODE = language
            with translation.override(language):
                context = {"request": request, "search_script": script_url}
                body = self.search_alternates(template.render(context, request))
            item = Fetched(url=url, status=200, content_type="text/html", body=body.encode())
            item.file = self.search_file(language)
            self.fetched[url] = item
            self.files[item.file] = item.url
        if not script_url:
            return
        script = self.fetch(script_url)  # under the name the page uses
        if script.status == 200:
            script.file = self.file_for(script)
            self.files[script.file] = script.url
        else:
            self.report.errors.append(f"{script.status} {script.url} (make assets)")

    def search_alternates(self, text: str) -> str:
        """The search page in other languages (its language menu and hreflang alternates),
        which the site's templates cannot name (the search page is the mirror's own): that
        language's search page, or the language's home page on the live site if it is not
        mirrored."""

        def tag(match: re.Match) -> str:
            code = match["lang"]
            code = self.default if code == "x-default" else code
            if code in self.languages:
                href = self.search_url(code)
            else:
                href = "/" if code == self.default else f"/{code}/"
            return re.sub(r'\bhref="[^"]*"', f'href="{href}"', match.group(0), count=1)

        return HREFLANG_TAG.sub(tag, text)

    def pagefind_scripts(self) -> None:
        """`<file>.js` for each file of pagefind's output that its script reads: the bytes,
        base64, for mirror-search.js to hand to pagefind from file:// (where fetch() fails)."""
        folder = self.out / "pagefind"
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(self.out).as_posix()
            if not path.is_file() or not PAGEFIND_READS.match(name):
                continue
            data = registering(base64.b64encode(path.read_bytes()).decode("ascii"))
            self.write(name + ".js", data)
            self.report.search_scripts += 1
            self.report.search_bytes += len(data)

    def run_pagefind(self) -> None:
        try:
            from pagefind_bin import get_executable
        except ImportError:  # pragma: no cover - pagefind[bin] is a dependency
            self.report.search = "not built: pagefind is not installed"
            return
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own binary, our own arguments
            [
                str(get_executable()),
                "--site",
                str(self.out),
                "--output-subdir",
                "pagefind",
                "--keep-index-url",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"pagefind failed: {result.stderr or result.stdout}")
        self.pagefind_scripts()
        self.report.search = f"pagefind index built in {time.monotonic() - started:.1f} s"

    # --- checking -------------------------------------------------------------------------------
    def check_links(self) -> list[str]:
        broken = []
        for path in sorted(self.out.rglob("*.html")):
            name = path.relative_to(self.out).as_posix()
            if name.startswith("pagefind/"):
                continue
            text = path.read_text(encoding="utf-8")
            values = [
                m["value"]
                for m in ATTRIBUTE.finditer(text)
                if m["name"].lower() in ("href", "src", "action")
                or m["value"].startswith(("./", "../"))
            ]
            for m in SRCSET.finditer(text):
                values += [part.strip().split(" ")[0] for part in m.group(3).split(",")]
            for value in values:
                value = html.unescape(value)
                if not value or value.startswith(
                    ("#", "mailto:", "tel:", "data:", "blob:", "javascript:")
                ):
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc:
                    if self.live_url and value.startswith(self.live_url + "/"):
                        continue
                    if f"{parts.scheme}://{parts.netloc}" in self.origins:
                        broken.append(f"{name}: {value} (absolute address of the crawled host)")
                    continue
                if value.startswith("/"):
                    broken.append(f"{name}: {value} (absolute path)")
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path))
                if target.startswith("..") or not (self.out / target).is_file():
                    broken.append(f"{name}: {value}")
        return broken

    # --- all of it ------------------------------------------------------------------------------
    def build(self) -> Report:
        started = time.monotonic()
        self.out.mkdir(parents=True, exist_ok=True)
        self.write(MARKER, f"unmask mirror of {self.live_url or 'a site'}\n".encode())
        with translation.override(settings.LANGUAGE_CODE):
            self.log("Crawling the site…")
            self.crawl()
            self.assign_files()
            if self.search:
                self.search_pages()
            self.log(
                f"{len(self.fetched):,} addresses fetched in {time.monotonic() - started:.1f} s; "
                "writing…"
            )
            self.write_all()
            if self.default not in self.languages:  # index.html: the first language's home
                home = Fetched(url="/", status=302, location=f"/{self.languages[0]}/")
                home.file = "index.html"  # not a target: links to "/" go to the live site
                self.write(home.file, self.redirect_page(home))
            self.log(f"Written in {time.monotonic() - started:.1f} s")
        self.report.not_found = sorted(
            set(self.report.not_found)
            | {item.url for item in self.fetched.values() if item.status == 404}
        )
        self.report.errors = sorted(
            {*self.report.errors}
            | {
                f"{item.status} {item.url}"
                for item in self.fetched.values()
                if item.status not in (200, 301, 302, 303, 307, 308, 404)
            }
        )
        if self.search:
            self.log("Indexing with pagefind…")
            self.run_pagefind()
        else:
            self.report.search = "not built (--no-search)"
        self.report.broken = self.check_links()
        files = [p for p in self.out.rglob("*") if p.is_file()]
        self.report.files = len(files)
        self.report.bytes = sum(p.stat().st_size for p in files)
        self.report.seconds = time.monotonic() - started
        return self.report


class PopupSource:
    """What maps.views.site answers for each public site without filters, from one read of
    the sites, links and aimed actions, not four queries a site (100,000 sites: a request each
    was most of a mirror's time). test_mirror_popups checks it against the view."""

    SHOWN = 5  # the links a popup lists, as maps.views.site

    def __init__(self) -> None:
        from unmask.campaign.models import ActionTarget
        from unmask.record.filters import NetworkFilters
        from unmask.record.models import Organization, Site

        with translation.override(settings.LANGUAGE_CODE):  # the address without a prefix
            template = re.escape(reverse("maps:site", args=[PLACEHOLDER]))
        self.pattern = re.compile(template.replace(PLACEHOLDER, "(?P<id>[^/]+)") + "$")
        sites = list(Site.objects.public())
        orgs = Organization.objects.in_bulk({site.organization_id for site in sites})
        for site in sites:
            site.organization = orgs[site.organization_id]  # one instance per organization
        self.sites = {site.public_id: site for site in sites}
        # The sites and organizations some action is aimed at (any, public, past or not): the
        # campaign's part of their popups is asked for each.
        aimed = ActionTarget.objects.public().values_list("site_id", "organization_id")
        self.aimed_sites = {site_id for site_id, _org in aimed if site_id}
        self.aimed_orgs = {org_id for _site, org_id in aimed if org_id}
        self.untargeted: dict[str, tuple[str, str, dict]] = {}  # language → a site's answer
        # Each organization's links, newest first (the view's order), the first SHOWN of them
        # kept, and how many there are.
        self.links: dict[int, tuple[list, int]] = {}
        links = NetworkFilters.from_params({}).links()
        rows = links.select_related("subject", "object", "product").order_by("-pk")
        for link in rows.iterator(chunk_size=2000):
            for pk in {link.subject_id, link.object_id} - {None}:
                shown, count = self.links.get(pk, ([], 0))
                if len(shown) < self.SHOWN:
                    shown.append(link)
                self.links[pk] = (shown, count + 1)

    def added(self, site, language: str) -> dict:
        """What other apps add to the popup (signals.site_popup). The campaign's part is read
        from the actions aimed at the site or its organization (campaign/map_popup.py): for a
        site that no action targets, the answer of another such site in the same language with
        the addresses' ids swapped (test_mirror_popups compares every site with the view)."""
        from unmask.maps import signals
        from unmask.record.models import Site

        if site.pk in self.aimed_sites or site.organization_id in self.aimed_orgs:
            return signals.collect(signals.site_popup, sender=Site, site=site, language=language)
        if language not in self.untargeted:
            extra = signals.collect(signals.site_popup, sender=Site, site=site, language=language)
            self.untargeted[language] = (site.public_id, site.organization.public_id, extra)
            return extra
        site_id, org_id, extra = self.untargeted[language]
        swap = {site_id: site.public_id, org_id: site.organization.public_id}
        pattern = re.compile("|".join(re.escape(key) for key in swap))
        return json_replace(extra, lambda text: pattern.sub(lambda m: swap[m.group(0)], text))

    def site(self, path: str):
        """The public site whose popup `path` (without a language prefix) is, or None."""
        match = self.pattern.match(path)
        return self.sites.get(match["id"]) if match else None

    def body(self, site) -> dict:
        """The popup's JSON as the view answers it, in the active language."""
        from django.core.serializers.json import DjangoJSONEncoder
        from django.utils.translation import get_language

        from unmask.maps.views import popup_body

        shown, count = self.links.get(site.organization_id, ([], 0))
        body = popup_body(site, shown, more_links=count > len(shown))
        extra = self.added(site, get_language())
        for key, value in extra.items():
            body.setdefault(key, value)
        # As JsonResponse writes it and data_script() reads it back (lazy texts as strings).
        return json.loads(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False))


def json_replace(value, change: Callable[[str], str]):
    """`value` (JSON data) with `change` applied to each of its strings."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: json_replace(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [json_replace(item, change) for item in value]
    return value


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def build(out: Path, **options) -> Report:
    return Mirror(out, **options).build()


def clear(out: Path) -> None:
    """Empty `out` before a new mirror: only a folder that holds a mirror (the MARKER file
    says so) or an empty one."""
    if not out.exists():
        return
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise FileExistsError(f"{out} is not empty and holds no mirror: not touching it")
    shutil.rmtree(out)
