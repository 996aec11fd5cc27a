"""Public pages of the record. Thin: they fetch through `queries` and render."""

from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from unmask.record import queries
from unmask.record.models import Organization, Product, Response, Source


def organization(request, public_id: str, slug: str = ""):
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None:
        raise Http404
    if org.merged_into_id:
        target = org.merged_into
        while target.merged_into_id:
            target = target.merged_into
        if not Organization.objects.public().filter(pk=target.pk).exists():
            raise Http404
        return redirect(target, permanent=True)
    org = get_object_or_404(Organization.objects.public(), pk=org.pk)
    if slug != org.slug:
        return redirect(org, permanent=True)
    return render(request, "record/organization.html", queries.organization_profile(org))


def product(request, public_id: str, slug: str = ""):
    item = get_object_or_404(Product.objects.public(), public_id=public_id)
    if slug != item.slug:
        return redirect(item, permanent=True)
    return render(request, "record/product.html", queries.product_page(item))


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
