"""HTML to PDF on the server, for the printable fact sheets (record/sheets.py, campaign/sheets.py).

WeasyPrint lays out an HTML string with the sheet's print style sheet. It never reaches the
network: its URL fetcher answers `data:` URIs and the site's own static files read from disk
(relative URLs resolve against BASE_URL, a host under .invalid, which never resolves), and
refuses everything else; the fonts are the machine's own (the style sheet names DejaVu Sans and
declares no @font-face). The QR code is an SVG made here with `qrcode` and embedded as a
`data:` URI. This module knows no domain app: the views build the HTML, this turns it into bytes.

WeasyPrint (and the Pango library under it) is imported on the first sheet, not at start-up: a
server process that never prints a sheet does not pay for it.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import qrcode
import qrcode.constants
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse

CONTENT_TYPE = "application/pdf"
# Paper sizes readers choose with ?paper=; CSS @page sizes.
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"
BASE_URL = "https://sheet.invalid/"  # RFC 6761: never resolves; only its static path is served


class Refused(ValueError):
    """A URL the sheet may not load: anything but data: and the site's static files."""


def paper(request: HttpRequest) -> str:
    """The paper size asked for (?paper=a4 or letter); A4 for anything else."""
    value = request.GET.get("paper", "").strip().lower()
    return value if value in PAPERS else DEFAULT_PAPER


def qr_svg(url: str, border: int = 2) -> str:
    """A QR code of `url` as SVG: black modules on white, readable when printed in black and
    white. `qrcode` makes the matrix; the path draws each horizontal run of dark modules as one
    rectangle, about half the commands of qrcode's own SvgPathImage, which matters to
    WeasyPrint (it parses and draws every command of the path)."""
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    side = size + 2 * border
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-{border} -{border} {side} {side}" '
        f'width="{side}" height="{side}" shape-rendering="crispEdges">'
        f'<rect x="-{border}" y="-{border}" width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_data_uri(url: str) -> str:
    """qr_svg() as a data: URI, for an <img> in the sheet."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode("ascii")


def _data(url: str) -> tuple[bytes, str]:
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise Refused("a data: URI without data")
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    if "base64" in parts[1:]:
        return base64.b64decode(payload, validate=False), mime
    return unquote_to_bytes(payload), mime


def _static_file(name: str) -> Path | None:
    """The static file `name` (e.g. unmask/sheet.css) on disk: from the apps' static folders,
    else from STATIC_ROOT. Never a path outside them."""
    if not name or ".." in Path(name).parts or name.startswith("/"):
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    root = Path(settings.STATIC_ROOT).resolve()
    path = (root / name).resolve()
    if path.is_relative_to(root) and path.is_file():
        return path
    return None


def local_resource(url: str) -> tuple[bytes, str]:
    """What the renderer may load: (bytes, media type) for a data: URI or one of the site's
    static files; Refused for any other URL (another host, file:, http: ...)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return _data(url)
    base = urlsplit(BASE_URL)
    static_url = settings.STATIC_URL
    if (
        (scheme, parts.netloc) == (base.scheme, base.netloc)
        and static_url.startswith("/")
        and parts.path.startswith(static_url)
    ):
        path = _static_file(parts.path[len(static_url) :])
        if path is not None:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return path.read_bytes(), mime
    raise Refused(f"not loaded for a fact sheet: {url[:200]}")


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """WeasyPrint's fetcher with every network handler bypassed: fetch() is the only way
        in, and it reads local_resource()."""

        def fetch(self, url, headers=None):
            body, mime = local_resource(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return LocalFetcher


def url_fetcher():
    """A WeasyPrint URL fetcher that loads nothing from the network."""
    return _fetcher_class()(fail_on_errors=False)


def render(build: Callable[[int], str], *, paper: str = DEFAULT_PAPER, levels: int = 1) -> bytes:
    """The PDF of the HTML `build(level)` returns, on one page if it can be: level 0 first,
    then 1, 2 ... (each showing less) while the document runs over one page, up to `levels`."""
    from weasyprint import CSS, HTML

    fetcher = url_fetcher()
    page = CSS(string=f"@page {{ size: {PAPERS[paper]}; }}", url_fetcher=fetcher)
    document = None
    for level in range(max(1, levels)):
        html = HTML(string=build(level), base_url=BASE_URL, url_fetcher=fetcher)
        document = html.render(stylesheets=[page])
        if len(document.pages) <= 1:
            break
    return document.write_pdf()


def inline(response: HttpResponse, filename: str) -> HttpResponse:
    """Shown in the browser's viewer, saved under `filename` (ASCII: a slug)."""
    if response.status_code == 200:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
