"""The home page and the methodology: the site's texts (pages.queries) with, on the home page,
what the record holds and its recent changes."""

from django.shortcuts import render

from unmask.pages import queries as pages
from unmask.record import queries


def home(request):
    page, text = pages.text("home")
    return render(
        request,
        "pages/home.html",
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
    return render(request, "pages/methodology.html", {"page": page, "text": text})
