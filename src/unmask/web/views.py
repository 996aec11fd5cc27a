from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control


def favicon(request):
    """/favicon.ico, which browsers ask for on a page that names no icon (the API's docs)."""
    response = redirect(static("unmask/favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
