"""The screening page's answers: the results table, sent a chunk of rows at a time as they are
worked out (the page shows its progress while it grows, and the server holds one chunk, not the
whole table), or the results as CSV, streamed the same way.

Nothing here writes the list anywhere: the rows are matched from memory and sent back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from unmask.exchange import screen
from unmask.record.screening import rule_label
from unmask.screening.matcher import Candidate, Index

CHUNK = 250  # rows a piece of the page (or of the CSV)
_ROWS, _SUMMARY = "\x00rows\x00", "\x00summary\x00"

VERDICTS = {
    screen.MATCHED: _("Matched"),
    screen.POSSIBLE: _("Possible match"),
    screen.NONE: _("No match"),
}


def results_response(request, form, index: Index) -> StreamingHttpResponse:
    """The results page, streamed: its top (with the progress bar), the table's rows a chunk at
    a time, then its end with the summary."""
    rows = form.rows
    context = {
        "total": len(rows),
        "carried": form.carried_value(),
        "carried_name": form.label,
        "columns": form.cleaned_data,
        "rows_marker": _ROWS,
        "summary_marker": _SUMMARY,
        "organizations": len(index.entries),
    }
    page = get_template("exchange/screen_results.html").render(context, request)
    top, rest = page.split(_ROWS, 1)
    between, end = rest.split(_SUMMARY, 1)
    row_template = get_template("exchange/includes/screen_rows.html")
    summary = get_template("exchange/includes/screen_summary.html")
    language = translation.get_language()

    def stream() -> Iterator[str]:
        yield top
        counts = {screen.MATCHED: 0, screen.POSSIBLE: 0, screen.NONE: 0}
        chunk: list[dict] = []
        with translation.override(language):  # the page's language, wherever it is sent from
            for result in screen.screen(rows, index):
                counts[result.verdict] += 1
                chunk.append(_shown(result))
                if len(chunk) == CHUNK:
                    yield row_template.render({"results": chunk})
                    chunk = []
            if chunk:
                yield row_template.render({"results": chunk})
            yield between
            yield summary.render(
                {
                    "total": len(rows),
                    "matched": counts[screen.MATCHED],
                    "possible": counts[screen.POSSIBLE],
                    "none": counts[screen.NONE],
                }
            )
        yield end

    response = StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")
    _private(response)
    return response


def _shown(result: screen.Result) -> dict:
    """A result as the table shows it: the list's row, the verdict, and each candidate with its
    profile link, the name and rule that matched, and the countries for and against."""
    row = result.row
    asked = screen.country_code(row.country)
    return {
        "line": row.line,
        "name": row.name,
        "country": row.country,
        "identifier": row.identifier,
        "verdict": result.verdict,
        "verdict_label": VERDICTS[result.verdict],
        "candidates": [_candidate(c, asked) for c in result.candidates],
    }


def _candidate(candidate: Candidate, asked: str) -> dict:
    entry = candidate.entry
    return {
        "name": entry.name,
        "url": reverse("record:organization-short", args=[entry.id]),
        "score": candidate.score,
        "rule": rule_label(candidate.rule),
        "matched_name": candidate.matched_name if candidate.matched_name != entry.name else "",
        "by_identifier": candidate.rule == "identifier",
        "country": countries.name(entry.country) if entry.country else "",
        "country_differs": bool(asked and entry.country and asked != entry.country),
        "asked_country": countries.name(asked) if asked else "",
    }


def csv_response(form, index: Index, site_url: str) -> StreamingHttpResponse:
    """The results as CSV (what `unmask screen` writes), streamed; with a byte order mark, so
    that a spreadsheet opens its names in any script as they are."""

    def stream() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(screen.RESULT_HEADER)
        for done, result in enumerate(screen.screen(form.rows, index), start=1):
            writer.writerow(screen.result_cells(result, site_url))
            if done % CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="screening-results.csv"'
    _private(response)
    return response


def _private(response) -> None:
    """Results are the reader's alone: never kept by the browser or any cache on the way, and
    sent as they are made (nginx: no buffering)."""
    response["Cache-Control"] = "no-store, private"
    response["X-Accel-Buffering"] = "no"
