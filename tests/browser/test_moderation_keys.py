"""A moderator decides with the keyboard alone: j to the first action, p to publish it."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import expect

from unmask.campaign import services
from unmask.campaign.models import ActionStatus
from unmask.campaign.services import When

from ..campaign.dates import SOON, days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(title: str, day):
    when = When(day, time(18), day, time(19), "Europe/Berlin")
    return services.submit_action(
        when, title=title, kind="vigil", city="Kassel", country="DE", description="Line one\nTwo"
    )[0]


def test_a_moderator_publishes_with_j_then_p(page, moderator, assert_same_origin, artifacts):
    first = submit("Vigil at the Korvex gate", SOON)
    second = submit("Info stand at the station", days(1))

    page.goto("/admin/login/?next=/moderate/")
    page.fill("#id_username", "mona")
    page.fill("#id_password", "pw-mona")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Actions waiting for a moderator")).to_be_visible()
    expect(page.get_by_text("for keyboard shortcuts")).to_be_visible()
    page.wait_for_selector("html[data-shortcuts=ready]", state="attached")

    page.keyboard.press("?")
    expect(page.locator("#mod-keys")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#mod-keys")).to_be_hidden()

    page.keyboard.press("j")
    expect(page.locator(f"#action-{first.pk}")).to_be_focused()
    page.screenshot(path=str(artifacts / "moderate-queue.png"), full_page=True)
    page.keyboard.press("p")

    expect(page.locator(".mod-message")).to_contain_text("Published: Vigil at the Korvex gate")
    expect(page.locator(f"#action-{first.pk}")).to_have_count(0)
    expect(page.locator(f"#action-{second.pk}")).to_be_focused()  # on to the next one
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ActionStatus.PUBLISHED
    assert first.history.first().history_user == moderator
    assert second.status == ActionStatus.SUBMITTED
    assert_same_origin()
