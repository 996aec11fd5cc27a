"""URLs of the public API, included by unmask.urls under /api/v1/ (outside the language
prefixes: one address per resource)."""

from django.urls import re_path

from unmask.api import api
from unmask.api.http import public_view, unknown_path, wrap_patterns

app_name = api.urls_namespace  # "api": reverse("api:organization", kwargs={"public_id": ...})

urlpatterns = [
    *wrap_patterns(api.urls[0]),
    re_path(r"^(?P<path>.*)$", public_view(unknown_path), name="unknown"),
]
