"""Which page sets which cookie (docs/operations.md, "Cookies"): none for readers, the CSRF
cookie on the pages whose forms post, the session once staff sign in; and every kind of page
names the site's icon, so that no browser asks for a missing /favicon.ico."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from unmask.campaign import services
from unmask.campaign.services import When

from ..campaign.test_pages_feeds import announce, call  # noqa: F401 - `call` is a fixture

pytestmark = pytest.mark.django_db


def reader_pages(network, call, moderator) -> list[str]:  # noqa: F811
    org = network["orgs"]["engines"]
    action = services.publish_action(announce(call=call), actor=moderator)
    return [
        "/",
        "/de/",
        "/methodology/",
        "/org/",
        org.get_absolute_url(),
        f"/embed/org/{org.public_id}/",
        "/map/",
        "/embed/map/",
        "/graph/",
        "/actions/",
        "/actions/calendar/",
        "/embed/actions/",
        "/calls/",
        call.get_absolute_url(),
        action.get_absolute_url(),
        f"/actions/{action.public_id}.ics",
        f"/embed/call/{call.public_id}/",
        "/feeds/actions.atom",
        "/feeds/changes/",
        "/calendar/actions.ics",
        "/data/",
        "/api/v1/organizations",
        "/submit/challenge.json",
        "/favicon.ico",
    ]


def test_readers_get_no_cookie_on_any_kind_of_page(client, network, call, moderator):  # noqa: F811
    for url in reader_pages(network, call, moderator):
        response = client.get(url)
        assert response.status_code in (200, 301, 302), (url, response.status_code)
        assert "Set-Cookie" not in response and not response.cookies, url


def submitted() -> str:
    day = date.today() + timedelta(days=10)
    when = When(day, time(18), day, time(19), "Europe/Berlin", "")
    return services.submit_action(when, title="Vigil", kind="vigil", city="Kassel", country="DE")[1]


def test_each_form_page_sets_only_the_csrf_cookie_its_post_needs(client, network):
    org = network["orgs"]["engines"]
    manage = f"/submit/manage/{submitted()}/"
    for url in ("/submit/", "/screen/", f"{org.get_absolute_url()}reply/", manage, "/admin/login/"):
        assert set(client.get(url).cookies) == {"csrftoken"}, url

    # Saving and cancelling through the secret link say so without a `messages` cookie.
    saved = client.post(manage, {"do": "cancel", "reason": "Rain"})
    assert saved.status_code == 302 and not saved.cookies
    page = client.get(saved["Location"])
    assert "The action is cancelled." in page.content.decode()
    assert not page.cookies  # nothing left to send: no form, no cookie


def test_staff_get_the_session_cookie_when_they_sign_in(client, reviewer):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "rivka", "password": "pw-rivka"},
        REMOTE_ADDR="203.0.113.79",
    )
    assert response.status_code == 302
    assert set(response.cookies) == {"sessionid", "csrftoken"}


def icon_of(page: str) -> str:
    found = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert found, "no icon link"
    return found.group(1)


def test_every_kind_of_page_names_an_icon_that_answers(client, admin_user, network, call):  # noqa: F811
    org = network["orgs"]["engines"]
    public = ["/", "/embed/map/", "/embed/actions/", f"/embed/org/{org.public_id}/"]
    staff = [
        "/admin/",
        "/admin/record/organization/",
        "/admin/record/organization/add/",
        "/admin/exchange/importbatch/import/",
        "/admin/two-factor/",
    ]
    icons = {url: icon_of(client.get(url).content.decode()) for url in [*public, "/admin/login/"]}
    client.force_login(admin_user)
    icons |= {url: icon_of(client.get(url).content.decode()) for url in staff}
    for url, icon in icons.items():
        assert client.get(icon).status_code == 200, (url, icon)
    # Pages that name none (the API's docs) get the icon at the address browsers try.
    fallback = client.get("/favicon.ico", follow=True)
    assert fallback.status_code == 200 and b"<svg" in b"".join(fallback.streaming_content)
