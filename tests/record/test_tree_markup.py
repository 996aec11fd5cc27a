"""The supply tree's link rows ({% tree_link %}, written in Python) are the markup the template
include gave, in a left-to-right and a right-to-left language, with and without an object,
dates and several sources."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from unmask.record import queries

from ..markup import same

# record/includes/tree_link.html and permalink.html, as they were.
INCLUDE = Template(
    """{% load i18n %}<li class="status-{{ link.status }}"><a href="{{ link.subject_url }}">{{ link.subject }}</a> {{ link.relation_label }}{% if link.object %} <a href="{{ link.object_url }}">{{ link.object }}</a>{% endif %}
        <span class="status-badge">{{ link.status_label }}</span>{% if link.start or link.end %} <span class="dates">{{ link.start|default:"?" }} – {{ link.end|default:_("now") }}</span>{% endif %}
        <a class="sources" href="{{ link.subject_url }}">{% blocktranslate count n=link.sources %}{{ n }} source{% plural %}{{ n }} sources{% endblocktranslate %}</a>
        <span class="permalink"><a href="{% url 'record:claim' link.public_id %}" data-copy-link data-copy-label="{% translate 'Copy link' %}" data-copied-label="{% translate 'Link copied' %}">{% translate "Permalink" %}</a></span>
      </li>"""
)
TAG = Template("{% load record_tree %}{% tree_link link %}")


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
