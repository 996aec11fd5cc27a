"""The campaign in the API: calls to action, public actions and local groups. Only what readers
see on the site (never a waiting or rejected action, an unpublished call, a group without a page,
a target that left the public record, a contact e-mail); filters; cursor pages; ETags; a fixed
number of queries per page."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from unmask.campaign import services
from unmask.campaign.models import Call, CallText, LocalGroup
from unmask.campaign.services import When

from ..campaign.dates import SOON, days

API = "/api/v1"
PRIVATE_DOMAIN = "contact.example"  # every contact e-mail of this file is at this domain
PRIVATE_KEYS = {"contact_email", "edit_token_hash", "members", "sequence", "trusted"}
TODAY = date.today()


def announce(
    title: str,
    day: date,
    *,
    zone: str = "Europe/Berlin",
    recurrence: str = "",
    targets=(),
    **fields,
):
    """A submitted action, 18:00 to 19:30 local time; waiting for a moderator."""
    values = {"kind": "vigil", "contact_email": f"organizer@{PRIVATE_DOMAIN}"} | fields
    when = When(day, time(18), day, time(19, 30), zone, recurrence)
    return services.submit_action(when, title=title, targets=targets, **values)[0]


def _call(moderator, title: str, targets, publish: bool = True, **fields) -> Call:
    fields.setdefault("language", "en")
    item = Call.objects.create(title=title, body=f"## {title}\n\nWhy it **matters**.", **fields)
    services.write_targets(item, targets)
    if publish:
        services.publish_call(item, actor=moderator)
    return Call.objects.get(pk=item.pk)


def build_campaign(record, moderator) -> SimpleNamespace:
    """Calls, groups and actions aimed at the invented record of conftest.py: public ones and
    every kind of thing that must never show. Also used by test_schemathesis."""
    c = SimpleNamespace()
    # Calls: the draft organization and the draft program are targets nobody may see.
    c.call = _call(
        moderator,
        "Stop the Falcon X",
        [record.arden, record.factory, record.draft, record.falcon, record.draft_program],
        starts_on=TODAY - timedelta(days=10),
    )
    # Its translations (entered out of order: the API gives them by language).
    c.french = CallText.objects.create(
        call=c.call, language="fr", title="Arrêtez le Falcon X", body="## Arrêtez le Falcon X"
    )
    c.german = CallText.objects.create(
        call=c.call, language="de", title="Stoppt den Falcon X", body="## Stoppt den Falcon X"
    )
    c.old_call = _call(
        moderator,
        "No engines for the Falcon",
        [record.engine],
        starts_on=TODAY - timedelta(days=90),
        ends_on=TODAY - timedelta(days=30),
    )
    c.hidden_call = _call(moderator, "Unannounced call", [record.korvex], publish=False)
    CallText.objects.create(
        call=c.hidden_call, language="fr", title="Appel pas encore annoncé", body="## Bientôt"
    )
    CallText.objects.create(
        call=c.old_call, language="de", title="Keine Triebwerke", body="Keine Triebwerke."
    )

    # Groups: a page once trusted or with a published action; never when deleted.
    c.kassel = LocalGroup.objects.create(
        name="Kassel Peace Circle",
        city="Kassel",
        country="DE",
        website="https://circle.example/",
        description="We meet on Mondays.",
        contact_email=f"circle@{PRIVATE_DOMAIN}",
    )
    c.lyon = LocalGroup.objects.create(name="Lyon Watch", city="Lyon", country="FR", trusted=True)
    c.quiet = LocalGroup.objects.create(
        name="Quiet Neighbours", country="DE", contact_email=f"quiet@{PRIVATE_DOMAIN}"
    )
    c.gone = LocalGroup.objects.create(
        name="Dissolved Circle", country="DE", trusted=True, deleted_at=timezone.now()
    )

    # Actions.
    c.vigil = announce(
        "Vigil at the Bremen works",
        SOON,
        city="Bremen",
        country="DE",
        address="Main gate",
        latitude=53.08,
        longitude=8.8,
        languages="de,en",
        description="Bring candles.",
        call=c.call,
        group=c.kassel,
        targets=[record.factory, record.draft],
    )
    c.weekly = announce(
        "Weekly vigil for Korvex",
        days(-8),  # two days from today, then every week, three times
        recurrence="FREQ=WEEKLY;COUNT=3",
        city="Bremen",
        country="DE",
        targets=[record.korvex],
    )
    c.rally = announce(
        "Rally at Arden Motorworks",
        days(5),
        zone="Europe/Istanbul",
        kind="rally",
        city="Bursa",
        country="TR",
        call=c.hidden_call,  # not published: the action shows, its call does not
        targets=[record.arden],
    )
    c.stand = announce(
        "Info stand on the Falcon X",
        days(12),
        zone="Europe/Paris",
        kind="info_stand",
        city="Lyon",
        country="FR",
        group=c.lyon,
        call=c.old_call,
        targets=[record.falcon],
    )
    c.past = announce(
        "Talk on the Korvex engines",
        TODAY - timedelta(days=40),
        kind="talk",
        city="Kassel",
        country="DE",
        group=c.kassel,
        targets=[record.korvex, record.draft_program],
    )
    for action in (c.vigil, c.weekly, c.rally, c.stand, c.past):
        services.publish_action(action, actor=moderator)
    services.cancel_action(c.stand, actor=moderator, reason="Storm warning for Lyon")

    c.waiting = announce(
        "Waiting vigil",
        days(3),
        city="Kassel",
        country="DE",
        group=c.quiet,
        targets=[record.korvex],
    )
    c.rejected = announce("Rejected rally", days(4), city="Kassel", country="DE")
    services.reject_action(c.rejected, actor=moderator, reason="Looks like a private party")

    c.public_calls = [c.call, c.old_call]
    c.public_actions = [c.vigil, c.weekly, c.rally, c.stand, c.past]
    c.public_groups = [c.kassel, c.lyon]
    c.hidden = {
        "calls": [c.hidden_call],
        "actions": [c.waiting, c.rejected],
        "groups": [c.quiet, c.gone],
    }
    return c


@pytest.fixture
def campaign(record, moderator):
    return build_campaign(record, moderator)


def get(client, path: str, **params):
    response = client.get(f"{API}{path}", params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def results(client, path: str, **params) -> list[dict]:
    response = get(client, path, page_size=200, **params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(client, path: str, **params) -> set[str]:
    return {item["public_id"] for item in results(client, path, **params)}


def public_ids(items) -> set[str]:
    return {item.public_id for item in items}


def absolute(path: str) -> str:
    return f"http://testserver{path}"


def walk(client, url: str) -> list[dict]:
    items = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["results"])
        url = body["next"]
        assert len(items) < 100, "pagination does not end"
    return items


# --- only what is public ---------------------------------------------------------------------


def test_lists_hold_only_public_calls_actions_and_groups(client, campaign):
    assert ids(client, "/calls") == public_ids(campaign.public_calls)
    assert ids(client, "/actions") == public_ids(campaign.public_actions)
    assert ids(client, "/groups") == public_ids(campaign.public_groups)
    for name, items in campaign.hidden.items():
        for item in items:
            response = get(client, f"/{name}/{item.public_id}")
            assert response.status_code == 404, (name, item)
            kind = name.removesuffix("s")
            assert response.json() == {
                "detail": f"No public {kind} with the id {item.public_id!r}."
            }


def test_unknown_ids_are_a_json_404_and_malformed_ones_a_422(client, campaign):
    for name in ("calls", "actions", "groups"):
        response = get(client, f"/{name}/zzzzzzzz")
        assert response.status_code == 404
        assert response.json()["detail"].endswith("with the id 'zzzzzzzz'.")
        assert get(client, f"/{name}/NOT-AN-ID").status_code == 422
    # The index names the new lists.
    endpoints = get(client, "/").json()["endpoints"]
    for name in ("calls", "actions", "groups"):
        assert endpoints[name] == absolute(f"{API}/{name}")


def test_no_contact_email_nor_anything_only_moderators_see(client, campaign, outsider):
    campaign.kassel.members.add(outsider)
    bodies = []
    for name in ("calls", "actions", "groups"):
        response = get(client, f"/{name}", page_size=200)
        bodies.append(response.content)
        for item in response.json()["results"]:
            assert not PRIVATE_KEYS & set(item), (name, item)
            bodies.append(get(client, f"/{name}/{item['public_id']}").content)
        for item in campaign.hidden[name]:
            bodies.append(get(client, f"/{name}/{item.public_id}").content)
    text = b"\n".join(bodies).decode()
    assert PRIVATE_DOMAIN not in text
    assert "@" not in text  # no e-mail address of any kind
    assert "Looks like a private party" not in text  # a rejection's reason
    assert outsider.username not in text
    for hidden in ("Waiting vigil", "Rejected rally", "Quiet Neighbours", "Dissolved Circle"):
        assert hidden not in text
    for hidden in ("Unannounced call", "Appel pas encore annoncé", "Velmora", "Secret program"):
        assert hidden not in text  # not even as a reference or a target


# --- what an item holds ----------------------------------------------------------------------


def test_an_action_with_its_times_place_call_group_and_public_targets(client, campaign, record):
    vigil = get(client, f"/actions/{campaign.vigil.public_id}").json()
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime.combine(SOON, time(18), berlin)
    assert vigil["url"] == absolute(campaign.vigil.get_absolute_url())
    assert vigil["title"] == "Vigil at the Bremen works"
    assert (vigil["kind"], vigil["status"], vigil["status_reason"]) == ("vigil", "published", None)
    assert vigil["description"] == "Bring candles."
    assert vigil["timezone"] == "Europe/Berlin"
    assert datetime.fromisoformat(vigil["starts_at"]) == start
    assert vigil["starts_at"].endswith("Z")  # UTC
    assert vigil["local_starts_at"] == start.isoformat()  # 18:00 with Berlin's offset that day
    assert vigil["local_ends_at"] == datetime.combine(SOON, time(19, 30), berlin).isoformat()
    assert vigil["recurrence"] is None
    assert datetime.fromisoformat(vigil["last_ends_at"]) == campaign.vigil.ends_at
    assert (vigil["address"], vigil["city"], vigil["country"]) == ("Main gate", "Bremen", "DE")
    assert (vigil["latitude"], vigil["longitude"]) == (53.08, 8.8)
    assert vigil["online"] is False and vigil["online_url"] is None
    assert vigil["languages"] == ["de", "en"]
    assert vigil["call"] == {
        "public_id": campaign.call.public_id,
        "name": "Stop the Falcon X",
        "url": absolute(campaign.call.get_absolute_url()),
    }
    assert vigil["group"] == {
        "public_id": campaign.kassel.public_id,
        "name": "Kassel Peace Circle",
        "url": absolute(campaign.kassel.get_absolute_url()),
    }
    # The draft organization is a target too, but not a public one.
    [site] = vigil["targets"]
    assert site["kind"] == "site" and site["public_id"] == record.factory.public_id
    assert site["name"] == str(record.factory)
    has_page = hasattr(record.factory, "get_absolute_url")
    assert site["url"] == (absolute(record.factory.get_absolute_url()) if has_page else None)
    assert site["organization"] == {
        "public_id": record.korvex.public_id,
        "name": "Korvex Aerodynamics",
        "url": absolute(record.korvex.get_absolute_url()),
    }
    ics = client.get(vigil["ics_url"])
    assert ics.status_code == 200 and b"Vigil at the Bremen works" in ics.content

    weekly = get(client, f"/actions/{campaign.weekly.public_id}").json()
    assert weekly["recurrence"] == "FREQ=WEEKLY;COUNT=3"
    last_end = datetime.combine(days(6), time(19, 30), berlin)  # two weeks after the first
    assert datetime.fromisoformat(weekly["last_ends_at"]) == last_end
    assert [t["kind"] for t in weekly["targets"]] == ["organization"]
    assert weekly["targets"][0]["organization"] is None

    rally = get(client, f"/actions/{campaign.rally.public_id}").json()
    assert rally["call"] is None  # its call is not published
    assert rally["group"] is None
    assert rally["local_starts_at"] == f"{days(5).isoformat()}T18:00:00+03:00"

    stand = get(client, f"/actions/{campaign.stand.public_id}").json()
    assert stand["status"] == "cancelled"
    assert stand["status_reason"] == "Storm warning for Lyon"
    assert [(t["kind"], t["name"]) for t in stand["targets"]] == [("product", "Falcon X")]


def test_a_call_with_its_texts_and_ordered_public_targets(client, campaign, record):
    call = get(client, f"/calls/{campaign.call.public_id}").json()
    assert call["url"] == absolute(campaign.call.get_absolute_url())
    assert call["body"] == "## Stop the Falcon X\n\nWhy it **matters**."  # Markdown source
    assert call["language"] == "en"
    assert call["starts_on"] == (TODAY - timedelta(days=10)).isoformat()
    assert call["ends_on"] is None
    assert call["published_at"]
    assert "translation_of" not in call and "translations" not in call
    # Its translations by language; the original stays in its own title, body and language.
    assert call["title"] == "Stop the Falcon X"
    assert call["texts"] == [
        {"language": "de", "title": "Stoppt den Falcon X", "body": "## Stoppt den Falcon X"},
        {"language": "fr", "title": "Arrêtez le Falcon X", "body": "## Arrêtez le Falcon X"},
    ]
    # In the organizers' order, without the draft organization and the draft program.
    assert [(t["kind"], t["public_id"]) for t in call["targets"]] == [
        ("organization", record.arden.public_id),
        ("site", record.factory.public_id),
        ("product", record.falcon.public_id),
    ]
    assert call["targets"][0]["url"] == absolute(record.arden.get_absolute_url())
    assert call["targets"][2]["url"] == absolute(record.falcon.get_absolute_url())
    assert call["targets"][1]["organization"]["public_id"] == record.korvex.public_id

    listed = {c["public_id"]: c for c in results(client, "/calls")}
    assert listed[campaign.call.public_id]["texts"] == call["texts"]
    assert [t["language"] for t in listed[campaign.old_call.public_id]["texts"]] == ["de"]


def test_a_group_with_its_counts_of_actions(client, campaign):
    groups = {g["public_id"]: g for g in results(client, "/groups")}
    kassel = groups[campaign.kassel.public_id]
    assert kassel == {
        "public_id": campaign.kassel.public_id,
        "url": absolute(campaign.kassel.get_absolute_url()),
        "name": "Kassel Peace Circle",
        "city": "Kassel",
        "country": "DE",
        "website": "https://circle.example/",
        "description": "We meet on Mondays.",
        "upcoming_actions": 1,
        "past_actions": 1,
    }
    lyon = groups[campaign.lyon.public_id]  # trusted: a page before any action
    assert lyon["website"] is None
    assert (lyon["upcoming_actions"], lyon["past_actions"]) == (1, 0)  # cancelled, still listed
    assert get(client, f"/groups/{campaign.lyon.public_id}").json() == lyon


# --- filters ---------------------------------------------------------------------------------


def test_action_filters(client, campaign, record):
    c = campaign

    def found(**params):
        return ids(client, "/actions", **params)

    # Aimed at an organization, or at one of its sites (the vigil is at Korvex's factory).
    assert found(org=record.korvex.public_id) == public_ids([c.vigil, c.weekly, c.past])
    assert found(org=record.arden.public_id) == {c.rally.public_id}
    assert found(org=record.draft.public_id) == set()  # not a public target
    assert found(product=record.falcon.public_id) == {c.stand.public_id}
    assert found(product=record.draft_program.public_id) == set()
    assert found(call=c.call.public_id) == {c.vigil.public_id}
    assert found(group=c.kassel.public_id) == public_ids([c.vigil, c.past])
    assert found(group=c.quiet.public_id) == set()
    assert found(country="fr") == found(country="FR") == {c.stand.public_id}
    assert found(country="DE") == public_ids([c.vigil, c.weekly, c.past])
    assert found(kind="rally") == {c.rally.public_id}
    assert found(status="cancelled") == {c.stand.public_id}
    assert found(status="published") == public_ids([c.vigil, c.weekly, c.rally, c.past])
    assert found(country="DE", org=record.korvex.public_id, group=c.kassel.public_id) == public_ids(
        [c.vigil, c.past]
    )
    assert found(org="zzzzzzzz") == set()  # well formed, matches nothing


def test_action_date_range_is_on_the_whole_span_of_occurrences(client, campaign):
    c = campaign

    def found(**params):
        return ids(client, "/actions", **params)

    # Not over by the start of `from`: the past talk is left out, the rest are to come.
    assert found(**{"from": TODAY.isoformat()}) == public_ids([c.vigil, c.weekly, c.rally, c.stand])
    # Begun by the end of `to`: the past talk and the weekly vigil (first on day 2).
    assert found(to=(TODAY + timedelta(days=3)).isoformat()) == public_ids([c.weekly, c.past])
    # The weekly vigil's span runs to its last occurrence, two weeks on: it is in the range of a
    # day between two of its occurrences too.
    assert found(**{"from": SOON.isoformat(), "to": SOON.isoformat()}) == public_ids(
        [c.vigil, c.weekly]
    )
    assert found(**{"from": days(6).isoformat()}) == public_ids([c.weekly, c.stand])
    assert found(**{"from": days(7).isoformat()}) == {c.stand.public_id}
    assert found(to=date.max.isoformat()) == public_ids(c.public_actions)
    assert found(**{"from": days(1).isoformat(), "to": SOON.isoformat()}) == set()  # to < from


@pytest.mark.parametrize(
    "params",
    [
        {"country": "Germany"},
        {"kind": "parade"},
        {"status": "rejected"},
        {"status": "submitted"},
        {"from": "next week"},
        {"to": "2026-13-01"},
        {"to": "0"},  # not seconds since 1970
        {"org": "org:abc"},
        {"call": "x" * 40},
        {"page_size": "500"},
    ],
)
def test_bad_action_filters_are_a_422_naming_the_parameter(client, campaign, params):
    response = get(client, "/actions", **params)
    assert response.status_code == 422, params
    body = response.json()
    name = next(iter(params))
    assert body["detail"].startswith(f"Invalid value for {name}:"), body
    assert body["errors"], body


def test_call_and_group_filters(client, campaign, record):
    c = campaign
    assert ids(client, "/calls", org=record.korvex.public_id) == {
        c.call.public_id  # through Korvex's factory
    }
    assert ids(client, "/calls", org=record.arden.public_id) == {c.call.public_id}
    assert ids(client, "/calls", org=record.draft.public_id) == set()
    assert ids(client, "/calls", product=record.engine.public_id) == {c.old_call.public_id}
    assert ids(client, "/calls", product=record.falcon.public_id) == {c.call.public_id}
    # Written in: a call's texts in other languages do not count.
    assert ids(client, "/calls", language="en") == public_ids([c.call, c.old_call])
    assert ids(client, "/calls", language="de") == set()
    assert ids(client, "/calls", open="true") == {c.call.public_id}
    assert ids(client, "/calls", open="false") == {c.old_call.public_id}
    assert get(client, "/calls", language="xx").status_code == 422
    assert get(client, "/calls", open="maybe").status_code == 422

    assert ids(client, "/groups", country="fr") == {c.lyon.public_id}
    assert ids(client, "/groups", country="DE") == {c.kassel.public_id}
    assert get(client, "/groups", country="DEU").status_code == 422


# --- pages, caching, queries -----------------------------------------------------------------


def test_cursor_pages_walk_every_item_once_in_order(client, campaign):
    for name, page_size in (("actions", 2), ("calls", 1), ("groups", 1)):
        items = walk(client, f"{API}/{name}?page_size={page_size}")
        got = [item["public_id"] for item in items]
        assert len(got) == len(set(got)), name
        assert got == [item["public_id"] for item in results(client, f"/{name}")], name
    actions = walk(client, f"{API}/actions?page_size=2")
    starts = [datetime.fromisoformat(a["starts_at"]) for a in actions]
    assert starts == sorted(starts)
    assert actions[0]["public_id"] == campaign.past.public_id
    # Filters are kept in `next`.
    filtered = walk(client, f"{API}/actions?page_size=1&country=DE")
    assert {a["public_id"] for a in filtered} == public_ids(
        [campaign.vigil, campaign.weekly, campaign.past]
    )
    groups = walk(client, f"{API}/groups?page_size=1")
    assert [g["name"] for g in groups] == ["Kassel Peace Circle", "Lyon Watch"]


def test_etag_and_if_none_match_give_304_and_a_change_a_new_etag(client, campaign, moderator):
    for path in ("/actions", f"/calls/{campaign.call.public_id}", "/groups?country=DE"):
        first = client.get(f"{API}{path}")
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(f"{API}{path}", headers={"if-none-match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["Access-Control-Allow-Origin"] == "*"
        assert first.cookies == {}
    etag = client.get(f"{API}/actions")["ETag"]
    services.cancel_action(campaign.rally, actor=moderator, reason="The square is closed")
    changed = client.get(f"{API}/actions", headers={"if-none-match": etag})
    assert changed.status_code == 200
    rally = next(a for a in changed.json()["results"] if a["public_id"] == campaign.rally.public_id)
    assert rally["status"] == "cancelled"


def _queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}{path}")
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def test_a_page_takes_the_same_number_of_queries_however_long(client, campaign, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the views' own queries, not the answer cache's version read
    one, n = _queries(client, "/actions?page_size=1")
    assert n == 1
    many, n = _queries(client, "/actions?page_size=200")
    assert n == len(campaign.public_actions)
    assert many == one <= 3, "actions (call and group joined), then their targets"
    # A call page reads the calls, their targets and their texts, however many have texts.
    assert all(call.texts.exists() for call in campaign.public_calls)
    one, n = _queries(client, "/calls?page_size=1")
    assert n == 1
    many, n = _queries(client, "/calls?page_size=200")
    assert n == len(campaign.public_calls)
    assert many == one <= 3, "calls, then their targets, then their texts"
    for size in (1, 200):
        count, n = _queries(client, f"/groups?page_size={size}")
        assert n >= 1 and count <= 1, ("/groups", size, count)


def test_the_schema_describes_the_new_endpoints(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    for name in ("calls", "actions", "groups"):
        assert f"{API}/{name}" in paths and f"{API}/{name}/{{public_id}}" in paths
        assert "404" in paths[f"{API}/{name}/{{public_id}}"]["get"]["responses"]
        assert "422" in paths[f"{API}/{name}"]["get"]["responses"]
    parameters = {p["name"]: p for p in paths[f"{API}/actions"]["get"]["parameters"]}
    assert {"call", "group", "country", "org", "product", "kind", "from", "to", "status"} <= set(
        parameters
    )
    assert parameters["from"]["description"] and parameters["to"]["description"]
    assert parameters["status"]["schema"]["enum"] == ["published", "cancelled"]
    components = schema["components"]["schemas"]
    action = components["ActionOut"]["properties"]
    assert "description" in action["local_starts_at"] and "description" in action["recurrence"]
    text = json.dumps(schema)
    assert "contact_email" not in text and "edit_token" not in text


def test_an_answer_is_kept_until_the_data_changes(client, campaign, moderator):
    """The same request twice reads the database once (the versions aside); an edit is in the
    next answer."""
    first = client.get(f"{API}/actions?page_size=200")
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(f"{API}/actions?page_size=200")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert len(ctx.captured_queries) <= 1  # at most the versions, read once a second
    action = campaign.public_actions[0]
    services.cancel_action(action, actor=moderator, reason="The square is closed.")
    after = client.get(f"{API}/actions?page_size=200").json()["results"]
    assert {a["public_id"]: a["status"] for a in after}[action.public_id] == "cancelled"
    # Answers hold absolute links: another host named in the request gets its own.
    other = client.get(f"{API}/actions?page_size=200", HTTP_HOST="127.0.0.1").json()["results"]
    assert {a["url"].split("/")[2] for a in after} == {"testserver"}
    assert {a["url"].split("/")[2] for a in other} == {"127.0.0.1"}
