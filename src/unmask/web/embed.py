"""@embeddable: a view other sites may show in a frame (the pages under /embed/). Which sites,
settings.EMBED_ANCESTORS says (UNMASK_EMBED_ANCESTORS, docs/operations.md):

- not set (the default): any site, `frame-ancestors *`;
- a list of origins: those, and this site itself (the "Share or embed" preview);
- empty or 'none': no site at all, `frame-ancestors 'none'` and `X-Frame-Options: DENY`.

Every other page keeps the site-wide `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
Embeds carry no form that writes and set no cookie; their links open outside the frame
(`<base target="_blank">` in web/embed_base.html).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt

ANYWHERE = "*"
NOWHERE = "'none'"
SELF = "'self'"


def frame_ancestors() -> list[str]:
    """The CSP frame-ancestors sources of the embeds; [] when they may not be framed at all."""
    listed = [origin for origin in settings.EMBED_ANCESTORS if origin]
    if not listed or NOWHERE in listed:
        return []
    if ANYWHERE in listed:
        return [ANYWHERE]
    return listed + ([SELF] if SELF not in listed else [])


def embedding_allowed() -> bool:
    return bool(frame_ancestors())


def embeddable(view):
    @xframe_options_exempt
    @wraps(view)
    def framed(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        ancestors = frame_ancestors()
        if ancestors:
            response._csp_replace = {"frame-ancestors": ancestors}
            # A host page that isolates itself (COEP require-corp) may still show the frame.
            response["Cross-Origin-Resource-Policy"] = "cross-origin"
        else:
            response["X-Frame-Options"] = "DENY"
        return response

    return framed
