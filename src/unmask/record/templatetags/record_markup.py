"""Pieces of the record's pages that repeat by the hundred, written in Python: each gives the
markup of the template include it replaced, at a fraction of its cost (tests/record/
test_record_markup.py renders both and compares them).

    {% load record_markup %}
    {% tree_link link %}        a supply tree's link row (link: record.queries.tree_link_row())
    {% citations items %}       the folded list of sources of a claim, a site, a profile
    {% permalink public_id %}   a claim's permanent link, with the copy button's labels
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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
            ' <span class="dates">{} – {}</span>',
            link["start"] or "?",
            link["end"] or gettext("now"),
        )
    return format_html(
        '<li class="status-{}"><a href="{}">{}</a> {}{}\n'
        '        <span class="status-badge">{}</span>{}\n'
        '        <a class="sources" href="{}">{}</a>\n'
        "        {}\n"
        "      </li>",
        link["status"],
        link["subject_url"],
        link["subject"],
        link["relation_label"],
        obj,
        link["status_label"],
        dates,
        link["subject_url"],
        _sources(link["sources"]),
        permalink(link["public_id"]),
    )


def _sources(n: int) -> str:
    return ngettext("%(n)s source", "%(n)s sources", n) % {"n": n}


@register.simple_tag
def permalink(public_id: str) -> SafeString:
    return format_html(
        '<span class="permalink"><a href="{}" data-copy-link data-copy-label="{}"'
        ' data-copied-label="{}">{}</a></span>',
        fast_reverse("record:claim", public_id),
        gettext("Copy link"),
        gettext("Link copied"),
        gettext("Permalink"),
    )


def _citation(c) -> SafeString:
    source = c.source
    parts = [
        format_html("<blockquote>{}</blockquote>", c.quote) if c.quote else "",
        format_html('<a href="{}">{}</a>', source.get_absolute_url(), source.title),
        format_html(", {}", source.publisher) if source.publisher else "",
        format_html(", <time>{}</time>", source.published_on) if source.published_on else "",
        format_html(" — {}", c.locator) if c.locator else "",
    ]
    if source.archive_url:
        parts.append(
            format_html(
                ' · <a href="{}" rel="nofollow noopener noreferrer">{}</a>',
                source.archive_url,
                gettext("archived copy"),
            )
        )
    if source.archived_file:
        parts.append(
            format_html(
                ' · <a href="{}" download>{}</a>', source.archived_file_url, gettext("stored copy")
            )
        )
    return format_html("<li>{}</li>", mark_safe("".join(parts)))  # each part format_html's


@register.simple_tag
def citations(items) -> SafeString | str:
    items = list(items or ())
    if not items:
        return ""
    return format_html(
        '<details class="citations">\n  <summary>{}</summary>\n  <ol>{}</ol>\n</details>',
        _sources(len(items)),
        mark_safe("".join(_citation(c) for c in items)),  # each made by format_html
    )
