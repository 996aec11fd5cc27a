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
