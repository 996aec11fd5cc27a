"""Public pages of the record. Thin: they resolve the record, fetch through `queries`, render."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import Country

from unmask.accounts.throttle import client_key, over_limit, refuse
from unmask.record import queries, services
from unmask.record.filters import ORDERINGS, OrganizationFilters
from unmask.record.forms import ReplyForm
from unmask.record.models import (
    Link,
    LinkStatus,
    Organization,
    OrganizationKind,
    Product,
    Relation,
    Response,
    Site,
    Source,
)
from unmask.web import cards
from unmask.web.embed import embeddable


def canonical_org(public_id: str) -> Organization:
    """The public organization behind a public id, following merges; 404 when not public."""
    org = Organization.objects.filter(public_id=public_id).first()
    while org is not None and org.merged_into_id:
        org = org.merged_into
    if org is None or not org.is_public:
        raise Http404
    return org


def _org_view(view_name: str):
    """Resolve /org/<public_id>/<slug>/...: old slugs and merged ids redirect permanently."""

    def decorator(func):
        def view(request, public_id: str, slug: str = ""):
            org = canonical_org(public_id)
            if (public_id, slug) != (org.public_id, org.slug):
                return redirect(reverse(view_name, args=[org.public_id, org.slug]), permanent=True)
            return func(request, org)

        return view

    return decorator


def directory(request):
    filters = OrganizationFilters.from_params(request.GET)
    context = queries.directory_page(filters, request.GET.get("page"))
    context.update(
        filters=filters,
        options=queries.filter_options(),
        query_string=urlencode(filters.as_params()),
        page_path=reverse("record:directory")
        + (f"?{urlencode(filters.as_params())}" if filters.as_params() else ""),
        kinds=OrganizationKind.choices,
        relations=Relation.choices,
        statuses=LinkStatus.choices,
        sorts=list(ORDERINGS),
    )
    return render(request, "record/directory.html", context)


def _org_card(org: Organization) -> cards.Card:
    context = " · ".join(str(p) for p in (org.kind_label, org.country_name) if p)
    return cards.Card(title=org.name, context=context, kicker=_("Organization"))


def _og_image(request, path: str, card: cards.Card) -> dict:
    alt = f"{card.title} — {card.context}" if card.context else card.title
    return cards.og_image(request, path, alt)


@_org_view("record:organization")
def organization(request, org):
    context = queries.organization_profile(org)
    card_path = reverse("record:organization-card", args=[org.public_id, org.slug])
    context["og_image"] = _og_image(request, card_path, _org_card(org))
    return render(request, "record/organization.html", context)


@_org_view("record:organization-card")
def organization_card(request, org):
    """The organization's preview image (web/cards.py), for link previews."""
    return cards.card_response(request, "org", {"org": org.public_id}, lambda: _org_card(org))


def claim_predicate(link: Link) -> str:
    """What a link says of its subject: "supplies components to Arden — Falcon X"."""
    words = [str(link.relation_label)]
    if link.object_id:
        words.append(str(link.object))
    text = " ".join(words)
    return f"{text} — {link.product}" if link.product_id else text


def _claim_card(link: Link) -> cards.Card:
    context = f"{claim_predicate(link)} · {link.status_label}"
    return cards.Card(title=str(link.subject), context=context, kicker=_("Claim"))


def claim(request, public_id: str):
    """A link's permalink: what it says, its evidence, its status history and the replies.
    /claim/<public_id>/ rather than under an organization: a link has two ends, and a merge
    moves it to another organization, while its public id never changes."""
    context = queries.claim_page(public_id)
    if context is None:
        raise Http404
    link = context["link"]
    card_path = reverse("record:claim-card", args=[link.public_id])
    context.update(
        sentence=f"{link.subject} {claim_predicate(link)}",
        page_path=reverse("record:claim", args=[link.public_id]),
        og_image=_og_image(request, card_path, _claim_card(link)),
    )
    return render(request, "record/claim.html", context)


def claim_card(request, public_id: str):
    """The claim's preview image (web/cards.py)."""
    link = get_object_or_404(
        Link.objects.public().select_related("subject", "object", "product"), public_id=public_id
    )
    return cards.card_response(
        request, "claim", {"link": link.public_id}, lambda: _claim_card(link)
    )


@embeddable
def embed_organization(request, public_id: str):
    """An organization as a card for other sites' frames (/embed/org/<id>/): its name, kind and
    country, its public links counted by status, its latest published reply, a link to its
    profile. A merged organization's card redirects to the one it was merged into."""
    org = canonical_org(public_id)
    if org.public_id != public_id:
        return redirect(reverse("record:embed-organization", args=[org.public_id]))
    links = Link.objects.public().filter(Q(subject=org) | Q(object=org))
    counted = dict(links.values_list("status").annotate(n=Count("pk")).order_by())
    statuses = [(v, label, counted[v]) for v, label in LinkStatus.choices if counted.get(v)]
    latest_reply = (
        Response.objects.public().filter(organization=org).order_by("-received_on", "-pk").first()
    )
    return render(
        request,
        "record/embed_organization.html",
        {
            "org": org,
            "links_count": sum(counted.values()),
            "statuses": statuses,
            "latest_reply": latest_reply,
        },
    )


@_org_view("record:organization-history")
def organization_history(request, org):
    return render(
        request, "record/history.html", {"org": org, "entries": queries.public_history(org)}
    )


REPLY_LIMIT = 5  # replies per client per hour; the client is a salted hash, counted in the database


@_org_view("record:organization-reply")
def reply(request, org):
    if request.GET.get("sent"):
        return render(request, "record/reply_sent.html", {"org": org})
    form = ReplyForm(request.POST or None, organization=org)
    if request.method == "POST":
        limit_key = f"reply:{client_key(request)}"
        if over_limit(limit_key, REPLY_LIMIT, 3600):
            context = {  # a short page, not the form again: what a flood of posts gets
                "title": org.name,
                "message": _("Too many replies from here in the last hour. Try again later."),
                "back_url": org.get_absolute_url(),
                "back_label": org.name,
            }
            return refuse(request, limit_key, 3600, context)
        if form.is_valid():
            try:
                services.submit_reply(
                    org,
                    link=form.cleaned_data["link"],
                    text=form.cleaned_data["text"],
                    contact_email=form.cleaned_data["contact_email"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                url = reverse("record:organization-reply", args=[org.public_id, org.slug])
                return redirect(f"{url}?sent=1")
    return render(request, "record/reply.html", {"org": org, "form": form})


def country(request, code: str):
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    context = queries.country_page(code)
    if not context["organizations"] and not context["sites"]:
        raise Http404
    return render(request, "record/country.html", {"country": Country(code), **context})


def product(request, public_id: str, slug: str = ""):
    item = get_object_or_404(
        Product.objects.public().select_related("maker", "part_of"), public_id=public_id
    )
    if slug != item.slug:
        return redirect(item, permanent=True)
    context = queries.product_page(item)
    context["tree"] = queries.flatten(queries.supply_tree(item))
    return render(request, "record/product.html", context)


def site(request, public_id: str):
    """One site of an organization: where it is, how exactly that is known, its sources."""
    item = get_object_or_404(
        Site.objects.public().select_related("organization"), public_id=public_id
    )
    return render(request, "record/site.html", queries.site_page(item))


def source(request, public_id: str):
    item = get_object_or_404(Source.objects.public(), public_id=public_id)
    return render(request, "record/source.html", queries.source_page(item, request.GET.get("page")))


def media(request, path: str):
    """Uploaded files: archived copies of public sources and documents of published replies are
    public; everything else only for staff. Served as downloads, never rendered on this origin."""
    allowed = (
        admin.site.has_permission(request)  # staff, signed in as the staff area requires
        or Source.objects.public().filter(archived_file=path).exists()
        or Response.objects.public().filter(document=path).exists()
    )
    if not allowed or ".." in path.split("/") or not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path), as_attachment=True)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = (
        "private, max-age=0" if request.user.is_authenticated else "public, max-age=3600"
    )
    return response
