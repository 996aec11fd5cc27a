"""Anyone can announce an action without an account, and spam cannot: the proof of work made
and checked by this site (solved here with the real ALTCHA solver), accepted once; the honeypot;
the rate limit. Every refusal says which field and why, and keeps what was typed. Then the
secret link: status, edit while waiting, cancel."""

from __future__ import annotations

import re

import altcha
import pytest

from unmask.campaign import services
from unmask.campaign.models import Action, ActionStatus, LocalGroup

from ..serving import action_data
from .dates import SOON, SUMMER_TIME_ENDS


@pytest.fixture(autouse=True)
def quick_pow(settings, db):
    # The real algorithm and checks, with a small counter so the suite stays fast.
    settings.POW_COST = 10
    settings.POW_COUNTER = 40


def solved(client) -> str:
    response = client.get("/submit/challenge.json")
    assert response.status_code == 200 and not response.cookies
    assert "no-store" in response["Cache-Control"]
    challenge = altcha.Challenge.from_dict(response.json())
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def typed(**overrides) -> dict:
    return action_data(
        **{
            "title": "Vigil at the Korvex gate",
            "start_day": SOON.isoformat(),
            "address": "Gate 2, Industriestraße",
            "group_name": "Kassel Peace Circle",
            "languages": ["de", "en"],
            "contact_email": "circle@example.org",
            **overrides,
        }
    )


def post(client, data, payload: str | None = ""):
    if payload == "":
        payload = solved(client)
    if payload is not None:
        data = {**data, "altcha": payload}
    return client.post("/submit/", data)


def test_a_reader_gets_no_cookie_until_they_open_the_form(client):
    for url in ("/actions/", "/actions/calendar/", "/calls/", "/feeds/actions.atom"):
        assert not client.get(url).cookies, url
    assert "csrftoken" in client.get("/submit/").cookies  # the form needs its CSRF cookie


def test_submit_with_a_solved_proof_of_work_then_follow_it_by_the_secret_link(client):
    response = post(client, typed())
    assert response.status_code == 302
    link = response["Location"]
    assert re.match(r"^/submit/manage/[\w-]{20,}/\?new=1$", link)
    action = Action.objects.get()
    assert action.status == ActionStatus.SUBMITTED
    assert action.group == LocalGroup.objects.get(name="Kassel Peace Circle")
    assert action.languages == "de,en" and action.contact_email == "circle@example.org"
    assert link.split("/")[3] not in action.edit_token_hash  # only its hash is kept

    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert page["Referrer-Policy"] in ("no-referrer", "same-origin")  # never sent elsewhere
    assert b"Submitted, waiting for a moderator" in page.content
    assert b"Keep this private link" in page.content
    again = client.get(link.split("?")[0])
    assert b"Keep this private link" not in again.content  # shown once, after submitting


def test_a_solved_challenge_is_accepted_once(client):
    payload = solved(client)
    assert post(client, typed(), payload).status_code == 302
    replay = post(client, typed(title="The same, again"), payload)
    assert replay.status_code == 400
    assert b"already used" in replay.content
    assert b'value="The same, again"' in replay.content  # what was typed is still there
    assert Action.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (None, b"did not run"),
        ("bm90IGEgcGF5bG9hZA==", b"failed"),
    ],
)
def test_a_missing_or_wrong_proof_of_work_is_refused(client, payload, words):
    response = post(client, typed(), payload)
    assert response.status_code == 400
    assert words in response.content
    assert b'value="Vigil at the Korvex gate"' in response.content
    assert not Action.objects.exists()


def test_a_challenge_from_elsewhere_is_refused(client):
    forged = altcha.create_challenge("PBKDF2/SHA-256", 10, counter=3, hmac_secret="not ours")
    payload = altcha.Payload(forged, altcha.solve_challenge(forged)).to_base64()
    assert post(client, typed(), payload).status_code == 400
    assert not Action.objects.exists()


def test_a_filled_honeypot_is_refused_like_a_failed_check_without_naming_the_trap(client):
    response = post(client, typed(website="https://spam.example"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The anti-spam check failed." in page  # what a wrong proof of work gets
    assert "must stay empty" not in page and "spam.example" not in page
    trap = page.split('name="website"')[0].rsplit("<div", 1)[1]
    assert "has-error" not in trap  # no error next to the hidden field
    assert 'value="Vigil at the Korvex gate"' in page  # what was typed is still there
    assert not Action.objects.exists()


def test_the_rate_limit_answers_429_with_a_short_page(client, settings):
    settings.SUBMIT_LIMIT = 2
    for n in range(2):
        assert post(client, typed(title=f"Vigil {n}")).status_code == 302
    response = post(client, typed(title="One too many"))
    assert response.status_code == 429
    assert b"Too many submissions" in response.content
    # When the hour's window (opened by the first post, a moment ago) frees up, in both words
    wait = int(response["Retry-After"])
    assert 3500 < wait <= 3600
    assert f"You can send again in {-(-wait // 60)} minutes.".encode() in response.content
    assert b"<form" not in response.content  # a flood of posts is not answered with the form
    assert b'href="/submit/"' in response.content
    assert Action.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"end_time": "17:00"}, "end_time", b"The end must come after the start"),
        (
            {"timezone": "Europe/Atlantis"},
            "timezone",
            "“Europe/Atlantis” is not a known time zone".encode(),
        ),
        ({"city": "", "address": ""}, "city", b"at least the city"),
        ({"repeat": "FREQ=WEEKLY", "repeat_count": ""}, "repeat_count", b"how many times"),
        ({"start_day": "31.02.2027"}, "start_day", b"Enter a valid date"),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_rest(client, overrides, field, words):
    response = post(client, typed(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    block = re.search(rf'<div class="field field-{field} has-error"[^>]*>(.*?)</div>', html, re.S)
    assert block, f"no error shown at {field}"
    assert words.decode() in block.group(1)
    assert 'value="Vigil at the Korvex gate"' in html and "Bring candles." in html
    assert not Action.objects.exists()


def test_18_00_in_berlin_on_the_day_summer_time_ends_is_shown_as_18_00(client, moderator):
    response = post(client, typed(start_day=SUMMER_TIME_ENDS.isoformat()))
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.starts_at.hour == 17  # CET is UTC+1 from that night
    services.publish_action(action, actor=moderator)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "18:00" in page and "Europe/Berlin (CET)" in page
    assert f'datetime="{SUMMER_TIME_ENDS.isoformat()}T18:00:00+01:00"' in page


def test_a_rejected_action_cannot_be_cancelled_over_the_moderators_reason(client, moderator):
    link = post(client, typed())["Location"].split("?")[0]
    action = Action.objects.get()
    services.reject_action(action, actor=moderator, reason="Not a public action")
    refused = client.post(link, {"do": "cancel", "reason": "Never mind"})
    assert refused.status_code == 400
    assert b"Only a waiting or published action can be cancelled." in refused.content
    action.refresh_from_db()
    assert action.status == ActionStatus.REJECTED
    assert action.status_reason == "Not a public action"
    assert action.history.count() == 2  # submitted, rejected: nothing written


@pytest.mark.parametrize(
    ("day", "clock", "zone"),
    [("0001-01-01", "00:00", "Asia/Tokyo"), ("9999-12-31", "23:00", "Europe/Berlin")],
)
def test_a_date_far_in_the_past_or_future_is_refused_clearly(client, day, clock, zone):
    answer = post(client, typed(start_day=day, start_time=clock, end_time="23:30", timezone=zone))
    assert answer.status_code == 400
    assert b"Give a date between 1990 and" in answer.content
    assert f'value="{day}"'.encode() in answer.content  # what was typed is kept
    assert not Action.objects.exists()


def test_the_calendar_has_no_month_outside_the_years_of_actions(client):
    assert client.get("/actions/calendar/", {"month": "9999-12"}).status_code == 404
    assert client.get("/actions/calendar/", {"month": "0001-01"}).status_code == 404
    assert client.get("/actions/calendar/", {"month": "soon"}).status_code == 200  # this month


def test_the_secret_link_never_reaches_the_log(client):
    """Django's request warnings print the path; the site's log handler writes it without the
    token, whichever logger the line comes from."""
    import io
    import logging

    from django.test import Client

    link = post(client, typed())["Location"].split("?")[0]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    out = io.StringIO()
    previous = handler.setStream(out)
    try:
        assert client.post(link, {"do": "cancel", "reason": ""}).status_code == 400
        strict = Client(enforce_csrf_checks=True)
        assert strict.post(link, {"do": "cancel", "reason": "x"}).status_code == 403
    finally:
        handler.setStream(previous)
    written = out.getvalue()
    assert "Bad Request: /submit/manage/…/" in written
    assert "Forbidden (CSRF cookie not set.): /submit/manage/…/" in written
    assert token not in written


def test_the_secret_link_edits_while_waiting_and_cancels_after_publishing(client, moderator):
    link = post(client, typed())["Location"].split("?")[0]
    edit = typed(title="Vigil at the Korvex gate, gate 3", start_time="18:30", do="edit")
    assert client.post(link, edit).status_code == 302
    action = Action.objects.get()
    assert action.title.endswith("gate 3") and action.sequence == 1

    bad = client.post(link, {**edit, "end_time": "10:00"})  # refused, typed text kept
    assert bad.status_code == 400 and b"after the start" in bad.content
    assert b'value="Vigil at the Korvex gate, gate 3"' in bad.content

    services.publish_action(action, actor=moderator)
    page = client.get(link)
    assert (
        b"can no longer be changed" in page.content
        and b'name="do" value="edit"' not in page.content
    )
    assert client.post(link, {"do": "cancel", "reason": ""}).status_code == 400
    assert client.post(link, {"do": "cancel", "reason": "Permit refused"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED and action.status_reason == "Permit refused"
    public = client.get(action.get_absolute_url())
    assert b"Cancelled." in public.content and b"Permit refused" in public.content


def test_a_rejected_action_shows_the_reason_on_the_secret_link_only(client, moderator):
    link = post(client, typed())["Location"].split("?")[0]
    action = Action.objects.get()
    services.reject_action(action, actor=moderator, reason="Not a public action")
    assert b"Not a public action" in client.get(link).content
    assert client.get(f"/actions/{action.public_id}/").status_code == 404
    assert client.get("/submit/manage/not-the-token/").status_code == 404


# --- the time zone from the place ---------------------------------------------------------------
BERLIN = {"latitude": "52.52", "longitude": "13.405"}
ISTANBUL = {"latitude": "41.0255", "longitude": "28.9744"}  # Sultanahmet


@pytest.mark.parametrize(
    ("place", "zone"),
    [
        ({**BERLIN, "country": "", "city": "Berlin"}, "Europe/Berlin"),
        ({**ISTANBUL, "country": "", "city": "İstanbul"}, "Europe/Istanbul"),
        ({**ISTANBUL, "country": "DE", "city": "İstanbul"}, "Europe/Istanbul"),  # the point wins
        ({"country": "DE"}, "Europe/Berlin"),  # Büsingen keeps Berlin's time: one answer
        ({"country": "TR"}, "Europe/Istanbul"),
    ],
)
def test_an_empty_time_zone_is_found_from_the_place(client, place, zone):
    response = post(client, typed(timezone="", **place))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Action.objects.get().timezone == zone


def test_a_zone_chosen_by_the_submitter_wins_over_the_place(client):
    response = post(client, typed(timezone="Europe/London", **BERLIN))
    assert response.status_code == 302
    assert Action.objects.get().timezone == "Europe/London"


def test_a_place_with_several_clocks_and_no_point_asks_for_the_zone(client):
    response = post(client, typed(timezone="", country="ES", city="Madrid"))  # and the Canaries
    assert response.status_code == 400
    html = response.content.decode()
    block = re.search(r'<div class="field field-timezone has-error"[^>]*>(.*?)</div>', html, re.S)
    assert block and "cannot be found from the place given" in block.group(1)
    assert "<details" in block.group(1) and 'data-part="zone" open' in block.group(1)
    assert 'value="Vigil at the Korvex gate"' in html and not Action.objects.exists()


def test_an_unknown_zone_is_refused_and_kept_in_its_open_field(client):
    response = post(client, typed(timezone="Europe/Atlantis", **BERLIN))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Europe/Atlantis"' in html and 'data-part="zone" open' in html
    assert "is not a known time zone, such as Europe/Berlin" in html
    # The place still says its zone above the field; nothing typed is folded away.
    assert "Time zone: <bdi>Europe/Berlin</bdi>, from the place" in html
    assert 'data-part="about" open' in html and 'data-part="point" open' in html
    assert 'data-part="who" open' in html and 'data-part="contact" open' in html
    assert not Action.objects.exists()


def test_a_fresh_form_is_short_its_optional_parts_folded(client):
    html = client.get("/submit/").content.decode()
    for part in ("about", "later", "point", "online", "targets", "who", "contact", "zone"):
        assert f'data-part="{part}">' in html, part  # closed: no "open"
    assert "Time zone: found from the place once you give it" in html
    assert '<datalist id="zone-names">' in html and '<option value="Europe/Berlin">' in html
    assert html.count('type="checkbox" name="languages"') > 50  # all there, most folded
    assert 'data-part="about" open' in client.get("/submit/?call=abc").content.decode()


def test_languages_ticked_in_a_refused_form_stay_ticked_there_and_nowhere_else(client):
    """A fresh form's language boxes are written once for every reader (ActionForm's
    _language_items): a refused form keeps what its sender ticked, the next fresh form has none."""
    ticked = re.compile(r'<input type="checkbox" name="languages" value="(\w+)"[^>]*checked')
    assert not ticked.findall(client.get("/submit/").content.decode())
    refused = post(client, typed(title=""))
    assert refused.status_code == 400
    assert sorted(ticked.findall(refused.content.decode())) == ["de", "en"]
    assert not ticked.findall(client.get("/submit/").content.decode())


def test_the_zone_of_a_place_as_json(client):
    assert client.get("/submit/zone.json", BERLIN).json() == {"zone": "Europe/Berlin"}
    assert client.get("/submit/zone.json", {**ISTANBUL, "country": "DE"}).json() == {
        "zone": "Europe/Istanbul"
    }
    assert client.get("/submit/zone.json", {"country": "DE"}).json() == {"zone": "Europe/Berlin"}
    assert client.get("/submit/zone.json", {"country": "US"}).json() == {"zone": ""}
    assert client.get("/submit/zone.json", {"latitude": "x", "longitude": "91"}).json() == {
        "zone": ""
    }
    assert not client.get("/submit/zone.json").cookies


def test_the_edit_form_leaves_the_place_zone_to_the_place(client):
    link = post(client, typed(timezone="", **BERLIN))["Location"].split("?")[0]
    html = client.get(link).content.decode()
    field = re.search(r'<input [^>]*name="timezone"[^>]*>', html).group(0)
    assert "value=" not in field  # left to the place: moving it moves the zone
    assert "Time zone: <bdi>Europe/Berlin</bdi>, from the place" in html
    Action.objects.update(timezone="Europe/London")
    html = client.get(link).content.decode()
    assert 'value="Europe/London"' in html and "as you chose" in html
