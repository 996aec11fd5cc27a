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
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from unmask.urlcache import fast_reverse, per_language

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
        self.archived = _e(gettext("archived copy"))
        self.stored = _e(gettext("stored copy"))
        self.history = _e(gettext("Status history"))
        self.reply = _e(gettext("Reply"))
        self.document = _e(gettext("The reply as sent (document)"))
        self._sources: dict[int, str] = {}

    def sources(self, n: int) -> str:
        text = self._sources.get(n)
        if text is None:
            text = self._sources[n] = _e(_sources(n))
        return text


_labels = per_language(_Labels)


def _sources(n: int) -> str:
    return ngettext("%(n)s source", "%(n)s sources", n) % {"n": n}


@register.simple_tag
def permalink(public_id: str) -> SafeString:
    return mark_safe(_labels().permalink.format(_e(fast_reverse("record:claim", public_id))))


def _citation(c) -> dict:
    """A Citation instance (its source fetched with it) as queries.citation_row() gives it."""
    source = c.source
    return {
        "quote": c.quote,
        "locator": c.locator,
        "source_url": source.get_absolute_url(),
        "title": source.title,
        "publisher": source.publisher,
        "published_on": source.published_on,
        "archive_url": source.archive_url,
        "archived_file_url": source.archived_file_url,
    }


def _citation_item(c: dict, labels: _Labels) -> str:
    parts = [
        f"<blockquote>{_e(c['quote'])}</blockquote>" if c["quote"] else "",
        f'<a href="{_e(c["source_url"])}">{_e(c["title"])}</a>',
        f", {_e(c['publisher'])}" if c["publisher"] else "",
        f", <time>{_e(c['published_on'])}</time>" if c["published_on"] else "",
        f" — {_e(c['locator'])}" if c["locator"] else "",
    ]
    if c["archive_url"]:
        parts.append(
            f' · <a href="{_e(c["archive_url"])}" rel="nofollow noopener noreferrer">'
            f"{labels.archived}</a>"
        )
    if c["archived_file_url"]:
        parts.append(f' · <a href="{_e(c["archived_file_url"])}" download>{labels.stored}</a>')
    return f"<li>{''.join(parts)}</li>"


def _citation_list(rows: list[dict]) -> str:
    if not rows:
        return ""
    labels = _labels()
    return (
        f'<details class="citations">\n  <summary>{labels.sources(len(rows))}</summary>\n'
        f"  <ol>{''.join(_citation_item(c, labels) for c in rows)}</ol>\n</details>"
    )


@register.simple_tag
def citations(items) -> SafeString | str:
    """Citation instances, their sources fetched with them."""
    return mark_safe(_citation_list([_citation(c) for c in items or ()]))  # escaped there


def _status_history(events: list[dict], labels: _Labels) -> str:
    if len(events) <= 1:
        return ""
    items = "".join(
        f"<li><time>{_e(e['effective'] or date_filter(localtime(e['created_at']), 'Y-m-d'))}"
        f"</time> {_e(e['status_label'])}: {_e(e['note'])}</li>"
        for e in events
    )
    return (
        f'\n  <details class="history"><summary>{labels.history}</summary>\n'
        f"    <ol>{items}</ol>\n  </details>"
    )


def _reply(r: dict, labels: _Labels) -> str:
    document = (
        f'\n    <p><a href="{_e(r["document_url"])}" download>{labels.document}</a></p>'
        if r["document_url"]
        else ""
    )
    heading = gettext("Reply from %(org)s, %(date)s") % {
        "org": r["organization"],
        "date": localize(r["received_on"]),
    }
    return (
        f'\n  <aside class="response" aria-label="{labels.reply}">\n    <h4>{_e(heading)}</h4>\n'
        f"    <p>{linebreaksbr(r['text'], autoescape=True)}</p>{document}\n  </aside>"
    )


def _a(url: str, text: str) -> str:
    return f'<a href="{_e(url)}">{_e(text)}</a>'


@register.simple_tag
def profile_link(link: dict, side: str) -> SafeString:
    """A link on an organization's profile (a row of record.queries.profile_links()), from the
    side of the organization shown: "out" (it is the subject) or "in" (it is the object)."""
    labels = _labels()
    if side == "in":
        claim = f"{_e(capfirst(link['inverse_label']))} {_a(link['subject_url'], link['subject'])}"
    else:
        claim = _e(capfirst(link["relation_label"]))
        if link["object"]:
            claim = f"{claim} {_a(link['object_url'], link['object'])}"
    if link["product"]:
        product = _a(link["product_url"], link["product"])
        claim = f'{claim}\n    <span class="product">— {product}</span>'
    meta = [f'<span class="status-badge">{_e(link["status_label"])}</span>']
    if link["start"] or link["end"]:
        end = _e(link["end"]) if link["end"] else labels.now
        meta.append(f'<span class="dates">{_e(link["start"] or "?")} – {end}</span>')
    if link["share"] is not None:
        share = gettext("%(share)s %% share") % {"share": floatformat(link["share"], "-3")}
        meta.append(f"<span>{_e(share)}</span>")
    meta.append(permalink(link["public_id"]))
    meta_lines = "\n    ".join(meta)
    summary = f'\n  <p class="summary">{_e(link["summary"])}</p>' if link["summary"] else ""
    history = _status_history(link["events"], labels)
    replies = "".join(_reply(r, labels) for r in link["replies"])
    return mark_safe(  # every value escaped here, in the helpers above or in _Labels
        f'<article class="link status-{_e(link["status"])}">\n  <p class="claim">\n    {claim}\n'
        f'  </p>\n  <p class="meta">\n    {meta_lines}\n  </p>{summary}\n'
        f"  {_citation_list(link['citations'])}{history}{replies}\n</article>"
    )
