"""@embeddable: a view other sites may show in a frame, but only the origins listed in
UNMASK_EMBED_ANCESTORS (CSP frame-ancestors); with none (the default), no site at all."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt


def embeddable(view):
    @xframe_options_exempt
    @wraps(view)
    def framed(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if settings.EMBED_ANCESTORS:
            response._csp_replace = {"frame-ancestors": list(settings.EMBED_ANCESTORS)}
        else:
            response["X-Frame-Options"] = "DENY"
        return response

    return framed
