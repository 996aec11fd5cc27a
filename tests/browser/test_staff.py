"""Staff at work in a real browser: sign in, add a sourced organization, see it in the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from unmask.record.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_signs_in_and_adds_a_cited_organization(page, editor, source, artifacts):
    page.goto("/admin/login/")
    page.fill("#id_username", "edith")
    page.fill("#id_password", "pw-edith")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()  # signed in: CSRF passed in a real browser

    page.goto("/admin/record/organization/add/")
    page.fill("#id_name", "Ostrava Precision Castings")
    page.select_option("#id_kind", "company")
    page.select_option("#id_country", "CZ")
    page.click("#id_citations-0-source + .select2")  # the autocomplete, as an editor uses it
    page.fill(".select2-search__field", "Korvex")
    page.click(".select2-results__option:has-text('Annual report 2023')")
    page.fill("#id_citations-0-locator", "p. 7")
    page.fill("#id_citations-0-quote", "castings for the engine housing")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    org = Organization.objects.get(name="Ostrava Precision Castings")
    assert org.citations.get().locator == "p. 7"
    page.goto(f"/admin/record/organization/{org.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("edith")
    page.screenshot(path=str(artifacts / "admin-history.png"), full_page=True)


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_a_reviewer_reaches_the_replies_from_the_work_bar(
    make_context, page_audit, reviewer, make_org, size, artifacts
):
    from unmask.record import services
    from unmask.record.models import ResponseStatus

    org = make_org("Korvex Aerodynamics GmbH")
    reply = services.submit_reply(
        org, text="We stopped all deliveries in 2023.", contact_email="press@korvex.example"
    )
    width, height = size
    page = make_context(viewport={"width": width, "height": height}).new_page()
    page.goto("/admin/login/?next=/org/")
    page.fill("#id_username", "rivka")
    page.fill("#id_password", "pw-rivka")
    page.click("input[type=submit]")

    work = page.get_by_role("navigation", name="Work")
    link = work.get_by_role("link", name="Replies to check 1")
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    link.click()

    expect(page.get_by_role("heading", name="Replies waiting to be checked")).to_be_visible()
    expect(page.locator(f"#reply-{reply.pk}")).to_contain_text("We stopped all deliveries")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(artifacts / f"replies-queue-{width}.png"), full_page=True)

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".mod-message")).to_contain_text("Published: the reply from Korvex")
    expect(work.get_by_role("link", name="Replies to check 0")).to_be_visible()
    reply.refresh_from_db()
    assert reply.status == ResponseStatus.PUBLISHED
    page_audit.assert_clean()
