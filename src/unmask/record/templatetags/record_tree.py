"""The supply tree's link rows, written in Python: {% tree_link link %} gives the same markup as
the include it replaced (record/includes/tree_link.html and permalink.html), at a fraction of
its cost; a program's page shows hundreds of them (tests/record/test_tree_markup.py compares).

    {% load record_tree %}
    {% tree_link link %}     link: a row of record.queries.tree_link_row()
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from unmask.urlcache import fast_reverse

register = template.Library()


@register.simple_tag
def tree_link(link: dict) -> SafeString:
    obj = (
        format_html(' <a href="{}">{}</a>', link["object_url"], link["object"])
        if link["object"]
        else ""
    )
    dates = ""
    if link["start"] or link["end"]:
        dates = format_html(
            ' <span class="dates">{} – {}</span>', link["start"] or "?", link["end"] or gettext("now")
        )
    n = link["sources"]
    return format_html(
        '<li class="status-{}"><a href="{}">{}</a> {}{}\n'
        '        <span class="status-badge">{}</span>{}\n'
        '        <a class="sources" href="{}">{}</a>\n'
        '        <span class="permalink"><a href="{}" data-copy-link data-copy-label="{}"'
        ' data-copied-label="{}">{}</a></span>\n'
        "      </li>",
        link["status"],
        link["subject_url"],
        link["subject"],
        link["relation_label"],
        obj,
        link["status_label"],
        dates,
        link["subject_url"],
        ngettext("%(n)s source", "%(n)s sources", n) % {"n": n},
        fast_reverse("record:claim", link["public_id"]),
        gettext("Copy link"),
        gettext("Link copied"),
        gettext("Permalink"),
    )
