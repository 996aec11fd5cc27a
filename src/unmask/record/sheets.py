"""An organization's printable fact sheet: /org/<public_id>/<slug>/sheet.pdf (?paper=letter).

One page: the organization's name, kind and country; its strongest public links (confirmed
first, then reported, disputed, denied, ended), with the other party, the product, the dates and
the status; how many more the profile has; its latest published reply; the number of sources
cited; a QR code to the profile; the site's name and the date printed. In the page's language
(the URL's prefix). Rendered by web/pdf.py and cached per record version, language, paper and
day (web/payloads.derived_response: a conditional request answers 304 after one indexed read).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from unmask.record.models import Citation, Link, LinkStatus, Organization, Response, Site
from unmask.record.views import canonical_org
from unmask.web import pdf
from unmask.web.payloads import derived_response

# What one page holds, tried in order until the sheet fits on one page: links shown, and the
# characters of the reply.
LEVELS = ((8, 900), (6, 600), (4, 350), (2, 200))
STRENGTH = (
    LinkStatus.CONFIRMED,
    LinkStatus.REPORTED,
    LinkStatus.DISPUTED,
    LinkStatus.DENIED,
    LinkStatus.ENDED,
)


@dataclass
class SheetLink:
    """A link seen from the organization's side: what it does (or what is done to it), with
    whom, about what, when, and how sure."""

    link: Link
    relation: str
    party: Organization | None

    @property
    def status(self) -> str:
        return self.link.status


def _strength():
    return Case(
        *(When(status=s, then=Value(rank)) for rank, s in enumerate(STRENGTH)),
        default=Value(len(STRENGTH)),
        output_field=IntegerField(),
    )


def sheet_data(org: Organization, limit: int = LEVELS[0][0]) -> dict:
    """What the sheet shows, in five queries whatever the size of the record."""
    links = Link.objects.public().filter(Q(subject=org) | Q(object=org))
    strongest = (
        links.select_related("subject", "object", "product")
        .annotate(strength=_strength())
        .order_by("strength", "-start", "pk")[:limit]
    )
    rows = []
    for link in strongest:
        if link.subject_id == org.pk:
            rows.append(SheetLink(link, link.relation_label, link.object))
        else:
            rows.append(SheetLink(link, link.inverse_label, link.subject))
    total = links.count()
    sources = (
        Citation.objects.alive()
        .filter(
            Q(organization=org)
            | Q(link__in=links.values("pk"))
            | Q(site__in=Site.objects.public().filter(organization=org).values("pk"))
        )
        .values("source")
        .distinct()
        .count()
    )
    replies = list(
        Response.objects.public()
        .filter(organization=org)
        .select_related("link__subject", "link__object", "link__product")
        .order_by("-received_on", "-pk")[:1]
    )
    return {
        "org": org,
        "links": rows,
        "links_total": total,
        "sources": sources,
        "reply": replies[0] if replies else None,
    }


def render_sheet(request, org: Organization, paper: str) -> bytes:
    """The fact sheet's PDF, laid out now (no cache)."""
    data = sheet_data(org)
    page_url = request.build_absolute_uri(org.get_absolute_url())
    common = {
        **data,
        "page_url": page_url,
        "qr": pdf.qr_data_uri(page_url),
        "printed": timezone.localdate(),
    }

    def build(level: int) -> str:
        links, reply_chars = LEVELS[level]
        shown = data["links"][:links]
        context = {
            **common,
            "links": shown,
            "more": data["links_total"] - len(shown),
            "reply_chars": reply_chars,
        }
        return render_to_string("record/sheet.html", context, request=request)

    return pdf.render(build, paper=paper, levels=len(LEVELS))


def organization_sheet(request, public_id: str, slug: str) -> HttpResponse:
    org = canonical_org(public_id)
    if (public_id, slug) != (org.public_id, org.slug):
        url = reverse("record:organization-sheet", args=[org.public_id, org.slug])
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    paper = pdf.paper(request)
    params = {
        "org": org.public_id,
        "paper": paper,
        "lang": get_language(),
        "host": request.get_host(),
        "scheme": request.scheme,
        "day": timezone.localdate().isoformat(),  # the date printed on it
    }
    response = derived_response(
        request,
        "org-sheet",
        params,
        lambda: render_sheet(request, org, paper),
        pdf.CONTENT_TYPE,
    )
    return pdf.inline(response, f"{org.slug}-fact-sheet.pdf")
