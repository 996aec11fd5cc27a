from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

from unmask.pages import queries as pages
from unmask.record import queries


def home(request):
    page, text = pages.text("home")
    return render(
        request,
        "web/home.html",
        {
            "page": page,
            "text": text,
            "counts": queries.public_counts(),
            "changes": queries.recent_changes(limit=12),
            "country": request.GET.get("country", "")[:2],
        },
    )


def methodology(request):
    page, text = pages.text("methodology")
    return render(request, "web/methodology.html", {"page": page, "text": text})


def favicon(request):
    """/favicon.ico, which browsers ask for on a page that names no icon (the API's docs)."""
    response = redirect(static("unmask/favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
