"""The pieces of the record's pages written in Python (record/templatetags/record_markup.py)
give the markup of the template includes they replaced, in a left-to-right and a right-to-left
language: a supply tree's link rows (with and without an object, dates, several sources), the
list of sources of a claim (quotes, publisher, date, locator, archived and stored copies)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import translation

from unmask.record import queries, services

from ..markup import same

# record/includes/tree_link.html and permalink.html, as they were.
INCLUDE = Template(
    """{% load i18n %}<li class="status-{{ link.status }}"><a href="{{ link.subject_url }}">{{ link.subject }}</a> {{ link.relation_label }}{% if link.object %} <a href="{{ link.object_url }}">{{ link.object }}</a>{% endif %}
        <span class="status-badge">{{ link.status_label }}</span>{% if link.start or link.end %} <span class="dates">{{ link.start|default:"?" }} – {{ link.end|default:_("now") }}</span>{% endif %}
        <a class="sources" href="{{ link.subject_url }}">{% blocktranslate count n=link.sources %}{{ n }} source{% plural %}{{ n }} sources{% endblocktranslate %}</a>
        <span class="permalink"><a href="{% url 'record:claim' link.public_id %}" data-copy-link data-copy-label="{% translate 'Copy link' %}" data-copied-label="{% translate 'Link copied' %}">{% translate "Permalink" %}</a></span>
      </li>"""
)
TAG = Template("{% load record_markup %}{% tree_link link %}")
# record/includes/citations.html, as it was.
CITATIONS = Template(
    """{% load i18n %}{% if citations %}
<details class="citations">
  <summary>{% blocktranslate count n=citations|length %}{{ n }} source{% plural %}{{ n }} sources{% endblocktranslate %}</summary>
  <ol>
  {% for c in citations %}
    <li>
      {% if c.quote %}<blockquote>{{ c.quote }}</blockquote>{% endif %}
      <a href="{{ c.source.get_absolute_url }}">{{ c.source.title }}</a>{% if c.source.publisher %}, {{ c.source.publisher }}{% endif %}{% if c.source.published_on %}, <time>{{ c.source.published_on }}</time>{% endif %}{% if c.locator %} — {{ c.locator }}{% endif %}
      {% if c.source.archive_url %}· <a href="{{ c.source.archive_url }}" rel="nofollow noopener noreferrer">{% translate "archived copy" %}</a>{% endif %}
      {% if c.source.archived_file %}· <a href="{{ c.source.archived_file_url }}" download>{% translate "stored copy" %}</a>{% endif %}
    </li>
  {% endfor %}
  </ol>
</details>
{% endif %}"""
)
CITATIONS_TAG = Template("{% load record_markup %}{% citations citations %}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_tree_link_rows_are_the_markup_of_the_include(network, make_link, language):
    orgs, chain = network["orgs"], network["chain"]
    make_link(orgs["blades"], orgs["engines"], product=chain[1], start="2019-04", end="2023")
    make_link(orgs["bank"], None, product=chain[1], relation="finances", start="2021")
    tree = queries.supply_tree(network["chain"][0])
    rows, stack = [], [tree]
    while stack:
        node = stack.pop()
        rows += node.links
        stack.extend(node.children)
    assert any(not r["object"] for r in rows) and any(r["object"] for r in rows)
    assert any(r["start"] and r["end"] for r in rows) and any(not r["start"] for r in rows)
    with translation.override(language):
        for row in rows:
            for sources in (1, 3):
                context = Context({"link": {**row, "sources": sources}})
                assert same(TAG.render(context), INCLUDE.render(context)), row


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_sources_of_a_claim_are_the_markup_of_the_include(network, source, language):
    link = network["links"]["engine"]
    other = services.create_source(
        title="Ministry <tender> notice",
        publisher="",
        kind="government",
        url="https://example.org/tender",
        archive_url="https://archive.example.org/tender",
    )
    other.archived_file.save("tender.pdf", ContentFile(b"%PDF-1.4"), save=True)
    services.add_citation(link, other, locator="", quote="We & they deliver.")
    services.add_citation(link, source, locator="p. 12")
    cited = list(link.citations.select_related("source"))
    assert len(cited) >= 3
    with translation.override(language):
        for items in (cited, cited[:1], []):
            context = Context({"citations": items})
            assert same(CITATIONS_TAG.render(context), CITATIONS.render(context))
