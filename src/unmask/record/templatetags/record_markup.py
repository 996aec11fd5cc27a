"""Pieces of the record's pages that repeat by the hundred, written in Python: each gives the
markup of the template include it replaced, at a fraction of its cost (tests/record/
test_record_markup.py renders both and compares them).

    {% load record_markup %}
    {% tree_link link %}        a supply tree's link row (link: record.queries.tree_link_row())
    {% profile_link link side %}  a link on an organization's profile (side: "out" or "in")
    {% citations items %}       the folded list of sources of a claim, a site, a profile
    {% permalink public_id %}   a claim's permanent link, with the copy button's labels
"""

from __future__ import annotations

import html

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext

from unmask.urlcache import fast_reverse

register = template.Library()


@register.simple_tag
def tree_link(link: dict) -> SafeString:
    labels = _labels()
    obj = f' <a href="{_e(link["object_url"])}">{_e(link["object"])}</a>' if link["object"] else ""
    dates = ""
    if link["start"] or link["end"]:
        end = _e(link["end"]) if link["end"] else labels.now
        dates = f' <span class="dates">{_e(link["start"] or "?")} – {end}</span>'
    subject_url = _e(link["subject_url"])
    return mark_safe(  # every value escaped above or here
        f'<li class="status-{_e(link["status"])}"><a href="{subject_url}">{_e(link["subject"])}</a>'
        f" {_e(link['relation_label'])}{obj}\n"
        f'        <span class="status-badge">{_e(link["status_label"])}</span>{dates}\n'
        f'        <a class="sources" href="{subject_url}">{labels.sources(link["sources"])}</a>\n'
        f"        {permalink(link['public_id'])}\n"
        "      </li>"
    )


def _e(value) -> str:
    """HTML-escaped, as Django's escape() and format_html() do (the same five characters), for
    values known not to be safe strings already."""
    return html.escape(str(value))


class _Labels:
    """What every row of these pieces says in the active language, translated and escaped once
    per language (a gettext() costs microseconds, and a supply tree has hundreds of rows)."""

    def __init__(self) -> None:
        self.now = _e(gettext("now"))
        self.permalink = (
            '<span class="permalink"><a href="{}" data-copy-link'
            f' data-copy-label="{_e(gettext("Copy link"))}"'
            f' data-copied-label="{_e(gettext("Link copied"))}">{_e(gettext("Permalink"))}</a>'
            "</span>"
        )
        self._sources: dict[int, str] = {}

    def sources(self, n: int) -> str:
        text = self._sources.get(n)
        if text is None:
            text = self._sources[n] = _e(_sources(n))
        return text


_labels_by_language: dict[str | None, _Labels] = {}


def _labels() -> _Labels:
    language = get_language()
    labels = _labels_by_language.get(language)
    if labels is None:
        labels = _labels_by_language[language] = _Labels()
    return labels


def _sources(n: int) -> str:
    return ngettext("%(n)s source", "%(n)s sources", n) % {"n": n}


@register.simple_tag
def permalink(public_id: str) -> SafeString:
    return mark_safe(_labels().permalink.format(_e(fast_reverse("record:claim", public_id))))


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


def _org_link(org) -> SafeString:
    return format_html('<a href="{}">{}</a>', org.get_absolute_url(), str(org))


def _status_history(events: list) -> str:
    if len(events) <= 1:
        return ""
    items = mark_safe(
        "".join(
            format_html(
                "<li><time>{}</time> {}: {}</li>",
                e.effective or date_filter(e.created_at, "Y-m-d"),
                e.new_status_label,
                e.note,
            )
            for e in events
        )
    )
    return format_html(
        '\n  <details class="history"><summary>{}</summary>\n    <ol>{}</ol>\n  </details>',
        gettext("Status history"),
        items,
    )


def _reply(r) -> SafeString:
    document = (
        format_html(
            '\n    <p><a href="{}" download>{}</a></p>',
            r.document_url,
            gettext("The reply as sent (document)"),
        )
        if r.document
        else ""
    )
    heading = gettext("Reply from %(org)s, %(date)s") % {
        "org": str(r.organization),
        "date": localize(r.received_on),
    }
    return format_html(
        '\n  <aside class="response" aria-label="{}">\n    <h4>{}</h4>\n    <p>{}</p>{}\n  </aside>',
        gettext("Reply"),
        heading,
        linebreaksbr(r.text, autoescape=True),
        document,
    )


@register.simple_tag
def profile_link(link, side: str) -> SafeString:
    """A link on an organization's profile, from the side of the organization shown: "out"
    (it is the subject) or "in" (it is the object). `link` as record.queries._links() fetches
    it: its ends and product, public citations, status events and public replies prefetched."""
    if side == "in":
        claim = format_html("{} {}", capfirst(link.inverse_label), _org_link(link.subject))
    else:
        claim = capfirst(link.relation_label)
        if link.object_id:
            claim = format_html("{} {}", claim, _org_link(link.object))
    if link.product_id:
        claim = format_html(
            '{}\n    <span class="product">— {}</span>', claim, _org_link(link.product)
        )
    meta = [format_html('<span class="status-badge">{}</span>', link.status_label)]
    if link.start or link.end:
        meta.append(
            format_html(
                '<span class="dates">{} – {}</span>', link.start or "?", link.end or gettext("now")
            )
        )
    if link.share is not None:
        share = gettext("%(share)s %% share") % {"share": floatformat(link.share, "-3")}
        meta.append(format_html("<span>{}</span>", share))
    meta.append(permalink(link.public_id))
    summary = format_html('\n  <p class="summary">{}</p>', link.summary) if link.summary else ""
    return format_html(
        '<article class="link status-{}">\n  <p class="claim">\n    {}\n  </p>\n'
        '  <p class="meta">\n    {}\n  </p>{}\n  {}{}{}\n</article>',
        link.status,
        claim,
        mark_safe("\n    ".join(meta)),  # each made by format_html
        summary,
        citations(link.public_citations),
        _status_history(list(link.status_events.all())),
        mark_safe("".join(_reply(r) for r in link.public_responses)),  # format_html's
    )
