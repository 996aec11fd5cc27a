"""A call to action's printable fact sheet: /calls/<public_id>/sheet.pdf (?paper=letter).

One page: the call's title and period, its text (rendered and sanitized as on the site, cut
short if the page cannot hold it), its targets with the record's evidence against each
(targets.evidence), the next actions answering it, a QR code to the call's page, the site's
name and the date printed; in the page's language. Rendered by web/pdf.py and cached through
web/payloads.derived_response per campaign version, with the record's version, the language, the
paper and the hour in the parameters (the evidence comes from the record; actions pass).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from unmask.campaign import queries, targets
from unmask.campaign.models import Call
from unmask.record import version
from unmask.web import pdf
from unmask.web.markdown import render as render_markdown
from unmask.web.payloads import derived_response

# Tried in order until the sheet fits on one page: words of the call's text, targets, actions.
LEVELS = ((320, 12, 5), (200, 8, 4), (120, 6, 3), (60, 4, 2))


def render_sheet(request, call: Call, paper: str) -> bytes:
    """The call's sheet as PDF, laid out now (no cache)."""
    page_url = request.build_absolute_uri(call.get_absolute_url())
    text = call.text()  # in the page's language when translated
    body = render_markdown(text.body)
    evidence = targets.evidence(call)
    upcoming = queries.upcoming(queries.ActionFilters(call=call.public_id), limit=LEVELS[0][2])
    common = {
        "call": call,
        "text": text,
        "page_url": page_url,
        "qr": pdf.qr_data_uri(page_url),
        "printed": timezone.localdate(),
    }

    def build(level: int) -> str:
        words, shown_targets, shown_actions = LEVELS[level]
        # Cut from sanitized HTML; the truncator closes the tags it cut through.
        text = mark_safe(Truncator(body).words(words, html=True, truncate=" …"))
        context = {
            **common,
            "body": text,
            "body_cut": text != body,
            "evidence": evidence[:shown_targets],
            "more_targets": len(evidence) - min(len(evidence), shown_targets),
            "upcoming": upcoming[:shown_actions],
        }
        return render_to_string("campaign/sheet.html", context, request=request)

    return pdf.render(build, paper=paper, levels=len(LEVELS))


def call_sheet(request, public_id: str) -> HttpResponse:
    call = get_object_or_404(queries.public_calls(), public_id=public_id)
    paper = pdf.paper(request)
    now = timezone.now()
    params = {
        "call": call.public_id,
        "paper": paper,
        "lang": get_language(),
        "host": request.get_host(),
        "scheme": request.scheme,
        "record": version.current(version.RECORD),  # the targets' evidence
        "hour": now.strftime("%Y-%m-%dT%H"),  # upcoming actions pass; the date printed
    }
    response = derived_response(
        request,
        "call-sheet",
        params,
        lambda: render_sheet(request, call, paper),
        pdf.CONTENT_TYPE,
        scope=version.CAMPAIGN,
    )
    return pdf.inline(response, f"{call.slug}-fact-sheet.pdf")
