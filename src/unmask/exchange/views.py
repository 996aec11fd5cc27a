"""The /data/ page: the bulk files with their size, date, licence and checksum, and downloads of
any filtered part in the same formats; the /screen/ page: a list of companies screened against
the record."""

from __future__ import annotations

import gzip
import io
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from unmask.accounts.throttle import client_key, over_limit, refuse
from unmask.exchange import formats, publish, screen_page
from unmask.exchange.files import sha256_file
from unmask.exchange.screen_form import ListUpload, ScreenForm
from unmask.exchange.selection import Selection
from unmask.maps import options as map_options
from unmask.record import version
from unmask.record.filters import NetworkFilters
from unmask.record.screening import record_index
from unmask.web.payloads import derived_response


def data_page(request):
    filters = NetworkFilters.from_params(request.GET)
    manifest = publish.read_manifest()
    files = []
    if manifest:
        for entry in manifest["files"]:
            # The title and description from the registry, in the reader's language: the
            # manifest's are in English (a format no longer written keeps the manifest's title).
            fmt = formats.by_key().get(entry["format"])
            if fmt:
                entry = {**entry, "title": fmt.title, "description": fmt.description}
            files.append({"description": "", **entry})
    return render(
        request,
        "exchange/data.html",
        {
            "manifest": manifest,
            "files": files,
            "created": parse_datetime(manifest["created"]) if manifest else None,
            "stale": bool(manifest)
            and (
                manifest.get("record_version") != version.current()
                or manifest.get("campaign_version", 0) != version.current(version.CAMPAIGN)
            ),
            "formats": formats.written(),
            "filters": filters,
            "options": map_options.filter_options(),
            "query": urlencode(filters.as_params()),
        },
    )


def bulk_file(request, name: str):
    """A bulk file, if the manifest lists it: never any other path."""
    folder = publish.published()  # once: the manifest and the file from the same set
    manifest = publish.read_manifest(folder) or {"files": []}
    path = folder / name
    if name == publish.MANIFEST and manifest["files"]:
        digest = sha256_file(path)
        entry = {"sha256": digest, "media_type": "application/json"}
    else:
        entry = next((f for f in manifest["files"] if f["name"] == name), None)
    if entry is None or not path.is_file():
        raise Http404
    etag = f'"{entry["sha256"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = FileResponse(status=304)
    else:
        response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
        response["Content-Type"] = entry["media_type"]
    response["ETag"] = etag
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    response["Cache-Control"] = "public, max-age=300"
    return response


MEDIA = {
    "ftm": ("application/x-ndjson; charset=utf-8", "ftm.jsonl"),
    "geojson": ("application/geo+json", "sites.geojson"),
    "graphml": ("application/graphml+xml", "network.graphml"),
}


def part(request, fmt: str):
    """A filtered part of the record (the map's filters in the query) in one format; cached per
    record version and filters, like the map's data (and per the campaign's version for the
    formats that hold the campaign)."""
    if fmt not in formats.by_key():
        raise Http404
    filters = NetworkFilters.from_params(request.GET)
    params = {**filters.as_params(), "fmt": fmt}
    if fmt in ("ftm", "csv"):  # they hold the campaign too: cached per its version as well
        params["campaign"] = version.current(version.CAMPAIGN)
    # The pages the rows link to, at the address this file was asked at (as the feeds and the
    # API build theirs): cached per address too.
    site_url = request.build_absolute_uri("/").rstrip("/")
    params["site"] = site_url

    def build() -> bytes:
        buffer = io.BytesIO()
        selection = Selection.from_params(request.GET)
        selection.site_url = site_url
        formats.by_key()[fmt].write(selection, buffer)
        data = buffer.getvalue()
        return data if fmt == "csv" else gzip.decompress(data)

    if fmt == "csv":
        content_type, suffix = "application/zip", "csv.zip"
    else:
        content_type, suffix = MEDIA[fmt]
    return derived_response(
        request,
        f"export-{fmt}",
        params,
        build,
        content_type,
        filename=f"{publish.base_name()}-part.{suffix}",
    )


@csrf_exempt  # checked below, once the upload handler is set: the check reads the form
@require_http_methods(["GET", "HEAD", "POST"])
def screen(request):
    """A list of companies (a file or pasted) screened against the record's public
    organizations: the results as a table, or as CSV. The list is read in memory, never written
    to disk (ListUpload), never stored and never logged (sensitive_post_parameters keeps it out
    of error reports too)."""
    upload = None
    if request.method == "POST":
        upload = ListUpload(request)
        request.upload_handlers = [upload]
    return _screen(request, upload)


@csrf_protect
@sensitive_post_parameters()
def _screen(request, upload):
    if request.method != "POST":
        return _screen_form(request, ScreenForm())
    limit_key = f"screen:{client_key(request)}"
    if over_limit(limit_key, settings.SCREEN_LIMIT, 3600):
        context = {
            "title": _("Screen a list"),
            "message": _("Too many lists screened from here in the last hour. Try again later."),
            "back_url": reverse("exchange:screen"),
            "back_label": _("Screen a list"),
        }
        return refuse(request, limit_key, 3600, context)
    form = ScreenForm(request.POST, request.FILES, upload=upload)
    if not form.is_valid():
        return _screen_form(request, form, status=400)
    index = record_index()
    if request.POST.get("action") == "csv":
        site_url = request.build_absolute_uri("/").rstrip("/")
        return screen_page.csv_response(form, index, site_url)
    return screen_page.results_response(request, form, index)


def _screen_form(request, form: ScreenForm, status: int = 200):
    response = render(
        request,
        "exchange/screen.html",
        {
            "form": form,
            "header": form.header,
            "carried": form.carried_value() if form.header else "",
            "carried_name": form.label,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store, private"
    return response
