"""{% share_dialog "maps:embed" query=... %}: the "Share or embed" section (web/includes/share.html)
of the map, the actions list, a call and an organization: the page's address, the <iframe> code
of its embed (web/embed.py) with the same filters and the page's language (its URL prefix), a
height, copy buttons and a preview (frontend/src/share.js; without JavaScript a plain
disclosure with the address and the code). When the operator turned embedding off
(UNMASK_EMBED_ANCESTORS=none), only the address is offered."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from unmask.web.embed import embedding_allowed

register = template.Library()

DEFAULT_HEIGHT = 480  # px: the card and the lists; the map's page asks for more
SCRIPT_PATH = "unmask/embed.js"  # the auto-height script, under its stable (unhashed) name


def iframe_code(src: str, title: str, height: int) -> str:
    """The code an embedding page pastes; share.js builds the same when the height changes."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
        f'height="{int(height)}" style="border:0" loading="lazy"></iframe>'
    )


@register.inclusion_tag("web/includes/share.html", takes_context=True)
def share_dialog(
    context,
    embed: str,
    *args,
    query: str = "",
    params: dict | None = None,
    page: str = "",
    title: str = "",
    height: int = DEFAULT_HEIGHT,
    autoheight: bool = True,
    live: bool = False,
):
    """`embed`: the embed's URL name (and its arguments); `params` (a dict) or `query` (encoded):
    the filters both addresses carry; `page`: the page's path with its filters (by default this
    path and `query`); `live`: the page changes its address in place (the map), so share.js
    follows it; `autoheight`: offer embed.js (not for the map, which fills its frame)."""
    request = context["request"]
    if params:
        query = urlencode(sorted((k, v) for k, v in params.items() if v))
    suffix = f"?{query}" if query else ""
    page_url = request.build_absolute_uri(page or request.path + suffix)
    title = title or settings.SITE_NAME
    shown = {
        "page_url": page_url,
        "title": title,
        "height": height,
        "live": live,
        "site_name": settings.SITE_NAME,
    }
    if not embedding_allowed():
        return shown
    embed_base = request.build_absolute_uri(reverse(embed, args=args))
    embed_url = embed_base + suffix
    script = request.build_absolute_uri(settings.STATIC_URL + SCRIPT_PATH)
    return {
        **shown,
        "embed_url": embed_url,
        "code": iframe_code(embed_url, title, height),
        "script_code": f'<script src="{escape(script)}" async></script>' if autoheight else "",
    }
