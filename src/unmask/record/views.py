"""Public pages of the record. Thin: they resolve the record, fetch through `queries`, render."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_countries import countries
from django_countries.fields import Country

from unmask.accounts.throttle import client_key, over_limit
from unmask.record import queries, services
from unmask.record.filters import ORDERINGS, OrganizationFilters
from unmask.record.forms import ReplyForm
from unmask.record.models import (
    LinkStatus,
    Organization,
    OrganizationKind,
    Product,
    Relation,
    Response,
    Site,
    Source,
)


def _canonical_org(public_id: str) -> Organization:
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
            org = _canonical_org(public_id)
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


@_org_view("record:organization")
def organization(request, org):
    return render(request, "record/organization.html", queries.organization_profile(org))


@_org_view("record:organization-history")
def organization_history(request, org):
    return render(
        request, "record/history.html", {"org": org, "entries": queries.public_history(org)}
    )


REPLY_LIMIT = 5  # replies per client per hour; the client is a salted hash kept in the cache only


@_org_view("record:organization-reply")
def reply(request, org):
    if request.GET.get("sent"):
        return render(request, "record/reply_sent.html", {"org": org})
    form = ReplyForm(request.POST or None, organization=org)
    if request.method == "POST":
        if over_limit(f"reply:{client_key(request)}", REPLY_LIMIT, 3600):
            context = {"org": org, "form": form, "limited": True}
            return render(request, "record/reply.html", context, status=429)
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
    return render(request, "record/source.html", queries.source_page(item))


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
