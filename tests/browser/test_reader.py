"""A journalist checks a claim: search, profile, evidence, source, supply tree. Invented names."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from unmask.record import services
from unmask.record.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record(make_org, make_link, source):
    integrator = make_org("Talvik Aerosystems", country="TR")
    supplier = make_org("Yıldırım Havacılık Sanayi Anonim Şirketi", country="TR")
    program = services.save_record(
        Product(name="Talvik-9 program", kind="program", maker=integrator)
    )
    engine = services.save_record(
        Product(name="KX-40 engine", kind="engine", maker=supplier, part_of=program)
    )
    for product in (program, engine):
        services.add_citation(product, source, locator="p. 3")
        services.publish(product)
    make_link(
        supplier, integrator, product=engine, start="2022-05", summary="Engines for the airframe"
    )
    return {"program": program, "supplier": supplier}


def test_search_profile_evidence_source_and_supply_tree(
    page, context, record, assert_same_origin, artifacts
):
    page.goto("/")
    page.get_by_label("Search organizations by name, other name or identifier").fill("sirketi")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url("/org/?q=sirketi")
    expect(page.locator(".result-count")).to_have_text("1 organization")
    page.get_by_role("link", name="Yıldırım Havacılık Sanayi Anonim Şirketi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Yıldırım Havacılık Sanayi Anonim Şirketi"
    )
    claim = page.locator(".link").filter(has_text="Engines for the airframe")
    claim.locator("details.citations summary").click()
    claim.get_by_role("link", name="Annual report 2023 of Korvex Aerodynamics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Annual report 2023 of Korvex Aerodynamics"
    )
    expect(page.locator("main")).to_contain_text(
        "Engines for the airframe" if False else "Talvik Aerosystems"
    )

    page.goto(record["program"].get_absolute_url())
    tree = page.locator(".tree-root")
    engine = tree.locator(".tree-node", has_text="KX-40 engine").last
    expect(engine.locator(".tree-links")).to_contain_text(
        "supplies components to Talvik Aerosystems"
    )
    expect(engine.locator(".status-badge")).to_have_text("Reported")
    page.screenshot(path=str(artifacts / "supply-tree.png"), full_page=True)

    assert_same_origin()
    assert context.cookies() == [], "an anonymous reader must get no cookie"
