"""Accessibility, checked by axe-core in a real browser: every public page type, the embeds and
the moderation screens, at a phone's size and a desktop's, in English and right to left in
Arabic, have no violation of impact moderate, serious or critical (minor ones are not counted).

axe-core comes from the front end's own packages (frontend/package.json, installed by
`make assets`); it is injected through the DevTools protocol (page.evaluate), which the pages'
strict CSP does not govern, so the pages are checked exactly as readers get them. A failure
lists each violation: rule, impact, what it asks for, and the first elements concerned. The
data is the invented world of tests/conftest.py's `network` plus a call, a group, actions and
replies."""

from __future__ import annotations

from datetime import time

import pytest

from unmask.campaign import services as campaign
from unmask.campaign.models import Call, LocalGroup
from unmask.record import services as record

from ..campaign.dates import days
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTED = ("moderate", "serious", "critical")
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}

# One rule on one element that axe misjudges, each with the reason. Never a rule everywhere.
EXEMPT: list[tuple[str, str]] = [
    # On a wide screen the map page's side column (sites in view, legend) scrolls beside the map,
    # and its list of sites is in a <details class="fold"> that main.css shows without opening
    # it (::details-content): axe takes everything in a closed <details> for hidden, so it finds
    # no focusable content; in Chromium the links in it are focusable and Tab reaches them.
    ("scrollable-region-focusable", ".map-side"),
]

# Every map and graph on the page drawn (performance marks in map/component.js and
# graph/view.js), so axe sees the page as a reader does once it has settled.
SETTLED = """() => {
  const maps = document.querySelectorAll('section[data-map]').length;
  const graphs = document.querySelectorAll('section[data-graph]').length;
  return performance.getEntriesByName('unmask:clusters-drawn').length >= maps
    && performance.getEntriesByName('unmask:graph-drawn').length >= graphs;
}"""
RUN = """async (exempt) => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  const exempted = (rule, node) => exempt.some(([id, selector]) => id === rule
    && document.querySelector(node.target[0])?.matches(selector));
  return result.violations.map((v) => ({ ...v, nodes: v.nodes.filter((n) => !exempted(v.id, n)) }))
    .filter((v) => v.nodes.length).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    count: v.nodes.length,
    why: (v.nodes[0].failureSummary || '').split(String.fromCharCode(10)).slice(1).join(' ').trim().slice(0, 160),
  }));
}"""


@pytest.fixture
def world(network, moderator):
    """The record of `network`, with a published call aimed at it, a group with a published
    action, an action and a reply waiting for staff, and a published reply."""
    engines, integrator = network["orgs"]["engines"], network["orgs"]["integrator"]
    call = Call.objects.create(
        title="No engines for the Talvik-9",
        body="Fictional call: hold a **public, peaceful** action at a supplier's site.",
        language="en",
        starts_on=days(-1),
        ends_on=days(40),
    )
    campaign.write_targets(call, [network["chain"][0], engines])
    campaign.publish_call(call, actor=moderator)
    group = LocalGroup.objects.create(name="Kassel Drone Watch", city="Kassel", country="DE")
    day = days(4)
    action, _ = campaign.submit_action(
        campaign.When(day, time(17), day, time(19), "Europe/Berlin"),
        title="Picket at the Korvex engine plant",
        kind="demonstration",
        city="Kassel",
        country="DE",
        latitude=51.3127,
        longitude=9.4797,
        call=call,
        group=group,
        targets=[engines, network["sites"]["engines"]],
    )
    campaign.publish_action(action, actor=moderator)
    _waiting, token = campaign.submit_action(
        campaign.When(days(6), time(12), days(6), time(13), "Europe/Paris"),
        title="Info stand at the Lyon works",
        kind="vigil",
        city="Lyon",
        country="FR",
        description="Leaflets and a banner.",
        targets=[network["sites"]["engines_fr"]],
    )
    published = record.submit_reply(
        engines, text="We stopped all deliveries in 2023.", contact_email="press@korvex.example"
    )
    record.publish_response(published)
    record.submit_reply(
        integrator,
        text="This claim confuses us with another company.",
        contact_email="info@talvik.example",
        link=network["links"]["engine"],
    )
    return {"call": call, "group": group, "action": action, "token": token, "day": day}


def public_pages(network, world) -> list[tuple[str, str]]:
    engines = network["orgs"]["engines"]
    profile = engines.get_absolute_url()
    call, action, group = world["call"], world["action"], world["group"]
    return [
        ("home", "/"),
        ("methodology", "/methodology/"),
        ("directory", "/org/"),
        ("search results", "/org/?q=korvex"),
        ("organization", profile),
        ("history", f"{profile}history/"),
        ("reply form", f"{profile}reply/"),
        ("reply sent", f"{profile}reply/?sent=1"),
        ("claim", f"/claim/{network['links']['engine'].public_id}/"),
        ("source", f"/source/{network['links']['engine'].citations.first().source.public_id}/"),
        ("site", network["sites"]["engines"].get_absolute_url()),
        ("product", network["chain"][0].get_absolute_url()),
        ("country", "/country/DE/"),
        ("map", "/map/"),
        ("graph", "/graph/"),
        ("data", "/data/"),
        ("screen", "/screen/"),
        ("calls", "/calls/"),
        ("call", call.get_absolute_url()),
        ("group", group.get_absolute_url()),
        ("actions", "/actions/"),
        ("action", action.get_absolute_url()),
        ("actions map", "/actions/map/"),
        ("calendar", f"/actions/calendar/?month={world['day']:%Y-%m}"),
        ("calendar day", f"/actions/calendar/?month={world['day']:%Y-%m}&day={world['day']}"),
        ("submit", "/submit/"),
        ("manage", f"/submit/manage/{world['token']}/"),
        ("embed map", "/embed/map/"),
        ("embed actions", "/embed/actions/"),
        ("embed call", f"/embed/call/{call.public_id}/"),
        ("embed organization", f"/embed/org/{engines.public_id}/"),
    ]


STAFF_PAGES = [
    ("moderation queue", "/moderate/"),
    ("replies queue", "/moderate/replies/"),
    ("home, signed in", "/"),  # the staff's "Work" bar
]


def check(page, axe_source, name, path) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.ok, f"{name} {path}: {response and response.status}"
    page.wait_for_function(SETTLED, timeout=20_000)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    found = []
    for v in page.evaluate(RUN, EXEMPT):
        if v["impact"] in COUNTED:
            where = "; ".join(v["targets"]) + (" …" if v["count"] > len(v["targets"]) else "")
            found.append(
                f"{name} ({path}): {v['id']} [{v['impact']}] {v['help']} — {where} ({v['why']})"
            )
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_no_accessibility_violation_above_minor(
    make_context, page_audit, axe_source, network, world, staff, language, size
):
    width, height = SIZES[size]
    prefix = "" if language == "en" else f"/{language}"
    ctx = make_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    page = ctx.new_page()
    found = []
    for name, path in public_pages(network, world):
        found += check(page, axe_source, name, prefix + path)

    sign_in(page, staff)  # one person who moderates actions and checks replies
    for name, path in STAFF_PAGES:
        found += check(page, axe_source, name, prefix + path)

    assert not found, f"{len(found)} accessibility violations above minor:\n" + "\n".join(found)
    page_audit.assert_clean()
