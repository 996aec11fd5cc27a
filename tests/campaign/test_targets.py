"""The campaign meets the record: actions and calls aimed at organizations, sites and products;
the record's pages, the home page and an organization's feed show the campaign against them;
the form's picker finds what to aim at with and without JavaScript; a target that stops being
public is hidden, not deleted; a merge carries the targets along."""

from __future__ import annotations

from datetime import time, timedelta

import feedparser
import icalendar
import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from unmask.campaign import services
from unmask.campaign.models import Action, ActionTarget, CallTarget
from unmask.campaign.services import When
from unmask.record import services as record

from .dates import SOON, days
from .test_submit import post, quick_pow, typed  # noqa: F401 (quick_pow: a fixture)


def announce(moderator, *, things=(), day=SOON, title="Vigil at the gate", publish=True, **fields):
    when = When(day, time(18), day, time(19, 30), "Europe/Berlin", fields.pop("recurrence", ""))
    action, _token = services.submit_action(
        when,
        title=title,
        kind="vigil",
        city=fields.pop("city", "Kassel"),
        country=fields.pop("country", "DE"),
        targets=list(things),
        **fields,
    )
    if publish:
        services.publish_action(action, actor=moderator)
    return action


def test_a_target_is_exactly_one_thing_and_targets_keep_their_order(network, moderator):
    engines, program = network["orgs"]["engines"], network["chain"][0]
    action = announce(moderator, things=[program, network["sites"]["engines"], engines])
    assert [t.kind for t in action.targets.all()] == ["product", "site", "org"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionTarget.objects.create(action=action, organization=engines, product=program)
    # Setting the same targets again writes nothing; a new order is a change, kept in history.
    assert not services.write_targets(action, [program, network["sites"]["engines"], engines])
    assert services.write_targets(action, [engines, program], reason="Reordered by a moderator")
    assert [t.ref for t in action.targets.all()] == [
        f"org:{engines.public_id}",
        f"product:{program.public_id}",
    ]
    assert ActionTarget.history.filter(history_change_reason="Reordered by a moderator").exists()


def test_the_picker_finds_organizations_their_sites_and_programs_in_any_script(client, network):
    found = client.get("/submit/targets.json", {"q": "korvex aero"}).json()["results"]
    assert [r["label"] for r in found][:1] == ["Korvex Aerodynamics"]
    assert {s["detail"].split(", ")[1] for s in found[0]["sites"]} == {"Kassel", "Lyon"}
    # Folding: no diacritics needed, and an unpublished organization is never offered.
    record.create_organization(name="Korvex Hidden Works", country="DE", kind="company")
    labels = [r["label"] for r in client.get("/submit/targets.json?q=KORVEX").json()["results"]]
    assert "Korvex Hidden Works" not in labels
    programs = client.get("/submit/targets.json?q=talvik-9").json()["results"]
    assert f"product:{network['chain'][0].public_id}" in [r["ref"] for r in programs]
    assert not client.get("/submit/targets.json?q=k").json()["results"]  # too short to search


def test_without_javascript_find_offers_boxes_and_keeps_what_was_typed(client, network):
    response = client.post(
        "/submit/",
        {**typed(title="Picket at Lindqvist"), "target_q": "lindqvist", "find_targets": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Picket at Lindqvist"' in page  # nothing typed is lost
    site = network["sites"]["blades"]
    assert f'value="site:{site.public_id}"' in page and 'role="alert"' not in page
    assert not Action.objects.exists()  # nothing submitted


def test_submitting_with_a_target_aims_the_action_and_a_private_one_is_refused(client, network):
    site = network["sites"]["engines"]
    response = post(client, typed(targets=[f"site:{site.public_id}"]))
    assert response.status_code == 302
    assert [t.site for t in Action.objects.get().targets.all()] == [site]

    hidden = record.create_organization(name="Unpublished Works", country="DE", kind="company")
    refused = post(client, typed(title="Second", targets=[f"org:{hidden.public_id}"]))
    assert refused.status_code == 400
    assert "Second" in refused.content.decode()  # what was typed stays
    assert Action.objects.count() == 1


def test_announce_here_opens_the_form_with_the_target_filled_in(client, network, moderator):
    engines = network["orgs"]["engines"]
    page = client.get(engines.get_absolute_url()).content.decode()
    assert f'/submit/?target=org%3A{engines.public_id}"' in page
    form = client.get(f"/submit/?target=org:{engines.public_id}").content.decode()
    assert f'value="org:{engines.public_id}" checked' in form


def test_record_pages_show_the_campaign_against_them(client, network, moderator, call):
    engines, site = network["orgs"]["engines"], network["sites"]["engines"]
    announce(moderator, things=[site], title="Vigil at the Kassel plant")
    announce(moderator, things=[engines], title="Banner drop", day=SOON + timedelta(days=2))
    announce(moderator, things=[engines], title="Waiting for a moderator", publish=False)
    past = announce(moderator, things=[engines], title="Last year's picket", day=days(-30))
    assert past.last_ends_at < timezone.now()

    org_page = client.get(engines.get_absolute_url()).content.decode()
    assert "Vigil at the Kassel plant" in org_page and "Banner drop" in org_page
    assert "Waiting for a moderator" not in org_page and "Last year" not in org_page
    assert "1 past action" in org_page
    assert call.title in org_page  # the open call that targets it

    site_page = client.get(site.get_absolute_url()).content.decode()
    assert "Vigil at the Kassel plant" in site_page and "Banner drop" not in site_page
    assert f"target=site%3A{site.public_id}" in site_page

    program_page = client.get(network["chain"][0].get_absolute_url()).content.decode()
    assert call.title in program_page and "Vigil at the Kassel plant" not in program_page

    country_page = client.get("/country/DE/").content.decode()
    assert "Vigil at the Kassel plant" in country_page

    home = client.get("/").content.decode()
    assert "Vigil at the Kassel plant" in home and call.title in home
    assert "Vigil at the Kassel plant" not in client.get("/?country=FR").content.decode()


def test_a_target_that_stops_being_public_is_hidden_not_deleted(client, network, moderator):
    bank = network["orgs"]["bank"]
    action = announce(moderator, things=[bank, network["orgs"]["engines"]])
    assert "Ostmark Kreditbank" in client.get(action.get_absolute_url()).content.decode()
    record.soft_delete(bank, reason="Withdrawn pending review")
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Ostmark Kreditbank" not in page and "Korvex Aerodynamics" in page
    assert action.targets.count() == 2


def test_an_organizations_feed_lists_the_actions_aimed_at_it(client, network, moderator):
    engines = network["orgs"]["engines"]
    action = announce(moderator, things=[network["sites"]["engines"]], title="Gate vigil")
    announce(moderator, things=[network["orgs"]["bank"]], title="Bank picket")
    feed = feedparser.parse(client.get(f"{engines.get_absolute_url()}feed/").content)
    assert not feed.bozo
    titles = [e.title for e in feed.entries]
    assert any("Gate vigil" in t for t in titles) and not any("Bank picket" in t for t in titles)
    entry = next(e for e in feed.entries if "Gate vigil" in e.title)
    assert entry.link.endswith(action.get_absolute_url())


def test_a_merge_carries_calls_and_actions_to_the_organization_kept(network, moderator, call):
    engines, bank = network["orgs"]["engines"], network["orgs"]["bank"]
    action = announce(moderator, things=[engines, bank])
    record.merge_organizations(bank, engines, reason="The same company")
    assert [t.organization for t in action.targets.all()] == [bank]
    assert CallTarget.objects.filter(call=call, organization=bank).exists()
    assert not CallTarget.objects.filter(organization=engines).exists()


def test_a_call_page_lists_its_targets_with_their_evidence(client, network, call):
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Talvik-9 program" in page and "Korvex Aerodynamics" in page
    assert "0 of 2 sourced links confirmed" in page  # Korvex's two public links, reported
    assert "no reply yet" in page
    assert "map.js" in page  # the map's bundle is loaded, so the map draws


def _page_queries(client, url: str) -> int:
    """Queries of building the page: the page cache, and the counts it keeps, start empty."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["org", "product", "home", "site", "country"])
def test_query_counts_stay_equal_at_10_and_at_1000_actions(client, network, moderator, page):
    engines, site = network["orgs"]["engines"], network["sites"]["engines"]
    url = {
        "org": engines.get_absolute_url(),
        "product": network["chain"][0].get_absolute_url(),
        "home": "/",
        "site": site.get_absolute_url(),
        "country": "/country/DE/",
    }[page]
    program = network["chain"][0]

    model = announce(moderator, things=[engines], title="Model")

    def add(n: int, start: int) -> None:
        """n published actions, a third each aimed at the organization, its site, the program
        (bulk: only the counts matter here)."""
        rows = Action.objects.bulk_create(
            Action(
                title=f"Action {i}",
                kind="vigil",
                timezone=model.timezone,
                starts_at=model.starts_at + timedelta(hours=i),
                ends_at=model.ends_at + timedelta(hours=i),
                last_ends_at=model.last_ends_at + timedelta(hours=i),
                city="Kassel",
                country="DE",
                status="published",
                published_at=timezone.now(),
            )
            for i in range(start, start + n)
        )
        things = [{"organization": engines}, {"site": site}, {"product": program}]
        ActionTarget.objects.bulk_create(
            ActionTarget(action=a, **things[i % 3]) for i, a in enumerate(rows)
        )

    add(10, 0)
    client.get(url)  # warm up per-process caches (URL patterns, country names)
    at_10 = _page_queries(client, url)
    add(990, 10)
    at_1000 = _page_queries(client, url)
    assert at_10 == at_1000


def test_calendars_are_named_after_the_filter_and_events_carry_their_page(
    client, network, moderator
):
    action = announce(moderator, things=[network["orgs"]["engines"]], title="Gate vigil")
    cal = icalendar.Calendar.from_ical(client.get("/calendar/actions.ics?country=DE").content)
    assert str(cal["X-WR-CALNAME"]).endswith("— actions in Germany")
    event = next(c for c in cal.walk("VEVENT"))
    # The action's short address, which stays the same when its title (and slug) changes,
    # and leads to its page.
    assert str(event["URL"]) == f"http://testserver/actions/{action.public_id}/"
    followed = client.get(str(event["URL"]), follow=True)
    assert followed.redirect_chain[-1][0] == action.get_absolute_url()
    assert "Gate vigil" in followed.content.decode()
    engines = network["orgs"]["engines"]
    aimed = icalendar.Calendar.from_ical(
        client.get(f"/calendar/actions.ics?org={engines.public_id}").content
    )
    assert "aimed at Korvex Aerodynamics" in str(aimed["X-WR-CALNAME"])
    assert [str(e["SUMMARY"]) for e in aimed.walk("VEVENT")] == ["Gate vigil"]
    feed = feedparser.parse(client.get("/feeds/actions.atom?country=DE").content)
    assert feed.feed.title.endswith("— actions in Germany")
    assert feed.entries[0].link.endswith(action.get_absolute_url())
