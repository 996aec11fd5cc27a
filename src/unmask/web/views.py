from django.shortcuts import render

from unmask.record import queries


def home(request):
    return render(
        request,
        "web/home.html",
        {
            "counts": queries.public_counts(),
            "changes": queries.recent_changes(limit=12),
            "country": request.GET.get("country", "")[:2],
        },
    )


def methodology(request):
    return render(request, "web/methodology.html")
