"""The pieces of the record's pages written in Python (record/templatetags/record_markup.py)
give the markup of the template includes they replaced, in a left-to-right and a right-to-left
language: a supply tree's link rows (with and without an object, dates, several sources), the
list of sources of a claim (quotes, publisher, date, locator, archived and stored copies), a link
on an organization's profile (either side, with and without object, product, dates, share,
status history and replies with and without a document)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import translation

from unmask.record import queries, services
from unmask.record.models import Link, LinkStatus, ResponseChannel

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
# record/includes/link.html, as it was.
PROFILE_LINK = Template(
    """{% load i18n record_markup %}
<article class="link status-{{ link.status }}">
  <p class="claim">
    {% if side == "in" %}
      {{ link.inverse_label|capfirst }} <a href="{{ link.subject.get_absolute_url }}">{{ link.subject }}</a>
    {% else %}
      {{ link.relation_label|capfirst }}{% if link.object %} <a href="{{ link.object.get_absolute_url }}">{{ link.object }}</a>{% endif %}
    {% endif %}
    {% if link.product %}<span class="product">— <a href="{{ link.product.get_absolute_url }}">{{ link.product }}</a></span>{% endif %}
  </p>
  <p class="meta">
    <span class="status-badge">{{ link.status_label }}</span>
    {% if link.start or link.end %}<span class="dates">{{ link.start|default:"?" }} – {{ link.end|default:_("now") }}</span>{% endif %}
    {% if link.share is not None %}<span>{% blocktranslate with share=link.share|floatformat:"-3" %}{{ share }} % share{% endblocktranslate %}</span>{% endif %}
    {% permalink link.public_id %}
  </p>
  {% if link.summary %}<p class="summary">{{ link.summary }}</p>{% endif %}
  {% citations link.public_citations %}
  {% if link.status_events.all|length > 1 %}
  <details class="history"><summary>{% translate "Status history" %}</summary>
    <ol>{% for e in link.status_events.all %}<li><time>{% if e.effective %}{{ e.effective }}{% else %}{{ e.created_at|date:"Y-m-d" }}{% endif %}</time> {{ e.new_status_label }}: {{ e.note }}</li>{% endfor %}</ol>
  </details>
  {% endif %}
  {% for r in link.public_responses %}
  <aside class="response" aria-label="{% translate 'Reply' %}">
    <h4>{% blocktranslate with org=r.organization date=r.received_on %}Reply from {{ org }}, {{ date }}{% endblocktranslate %}</h4>
    <p>{{ r.text|linebreaksbr }}</p>
    {% if r.document %}<p><a href="{{ r.document_url }}" download>{% translate "The reply as sent (document)" %}</a></p>{% endif %}
  </aside>
  {% endfor %}
</article>"""
)
PROFILE_LINK_TAG = Template("{% load record_markup %}{% profile_link link side %}")


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


@pytest.mark.parametrize("language", ["en", "ar"])
def test_profile_links_are_the_markup_of_the_include(network, make_link, reviewer, language):
    orgs, chain = network["orgs"], network["chain"]
    owns = make_link(
        orgs["bank"], orgs["blades"], relation="owns", share="12.5", start="2019-04", end="2023"
    )
    make_link(orgs["bank"], None, product=chain[0], relation="finances", summary="A <loan>.")
    loan = network["links"]["loan"]
    services.change_status(loan, LinkStatus.DISPUTED, note="Denied & withdrawn", actor=reviewer)
    for text, document in (("We never lent.\nNot once.", None), ("See the letter.", "letter")):
        reply = services.record_response(
            organization=orgs["bank"],
            link=loan,
            received_on="2024-02-01",
            channel=ResponseChannel.EMAIL,
            text=text,
        )
        if document:
            reply.document.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
        services.publish_response(reply, actor=reviewer)
    with translation.override(language):  # the rows' labels and URLs are the language's
        shown = [("out", link) for link in queries.profile_links(orgs["bank"])[0]]
        shown += [("in", link) for link in queries.profile_links(orgs["blades"])[1]]
        ids = [row["public_id"] for _side, row in shown]
        instances = {
            link.public_id: link for link in queries._links(Link.objects.filter(public_id__in=ids))
        }
        for side, row in shown:
            old = PROFILE_LINK.render(Context({"link": instances[row["public_id"]], "side": side}))
            new = PROFILE_LINK_TAG.render(Context({"link": row, "side": side}))
            assert same(new, old), row
    assert owns.public_id in ids
    assert any(len(row["replies"]) == 2 for _side, row in shown)
    assert any(len(row["events"]) == 2 for _side, row in shown)
    assert any(not row["object"] for _side, row in shown)
