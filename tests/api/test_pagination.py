"""Cursor pagination walks every list in a stable order, without duplicates or gaps, also through
runs of equal sort keys (many organizations of one country, two of one name)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

API = "/api/v1"
COUNTRIES = ["DE", "DE", "DE", "FR", "DE", "TR", "DE", "DE", "SE", "DE", "DE", "CZ", "DE"]


@pytest.fixture
def many_orgs(make_org):
    orgs = [
        make_org(f"Testwerk {i:02d} Systems", country=country)
        for i, country in enumerate(COUNTRIES)
    ]
    # Two organizations with the very same name: the order must still be total.
    orgs.append(make_org("Testwerk 05 Systems", country="AT", allow_duplicate=True))
    orgs.append(make_org("Testwerk 05 Systems", country="BE", allow_duplicate=True))
    return orgs


def walk(client, url: str) -> tuple[list[dict], list[str]]:
    """Every item, following `next`; and the URLs of the pages."""
    items, pages = [], []
    while url:
        pages.append(url)
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["results"])
        url = body["next"]
        assert len(pages) < 50, "pagination does not end"
    return items, pages


def test_every_organization_once_in_every_order(client, many_orgs):
    for sort in ("name", "-name", "country", "-changed"):
        items, pages = walk(client, f"{API}/organizations?page_size=4&sort={sort}")
        got = [item["public_id"] for item in items]
        assert len(got) == len(set(got)) == len(many_orgs), sort
        assert len(pages) == 4
        full = client.get(f"{API}/organizations", {"sort": sort, "page_size": 200}).json()
        assert got == [item["public_id"] for item in full["results"]]  # pages joined: the list
        if sort == "name":
            assert [item["name"] for item in items] == sorted(item["name"] for item in items)
        if sort == "country":
            assert [item["country"] for item in items] == sorted([*COUNTRIES, "AT", "BE"])


def test_previous_next_and_filters(client, many_orgs):
    # `previous` goes back exactly one page, also inside a run of equal keys (DE).
    _items, pages = walk(client, f"{API}/organizations?page_size=4&sort=country")
    third = client.get(pages[2]).json()
    second = client.get(pages[1]).json()
    back = client.get(third["previous"]).json()
    assert [i["public_id"] for i in back["results"]] == [i["public_id"] for i in second["results"]]

    # `next` is absolute and keeps the filters and the page size.
    response = client.get(f"{API}/organizations", {"country": "DE", "page_size": 3})
    next_url = response.json()["next"]
    parts = urlsplit(next_url)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    assert "country=DE" in parts.query and "page_size=3" in parts.query
    items, _pages = walk(client, next_url)
    assert {item["country"] for item in items} == {"DE"}
    assert len(items) + 3 == COUNTRIES.count("DE")


def test_links_walk_and_default_page_size(client, make_org, make_link):
    hub = make_org("Hubwerk Central")
    suppliers = [make_org(f"Supplier {i:02d}", country="FR") for i in range(6)]
    links = [make_link(s, hub) for s in suppliers]
    items, pages = walk(client, f"{API}/links?page_size=4")
    assert [i["public_id"] for i in items] == [link.public_id for link in links]  # oldest first
    assert len(pages) == 2
    body = client.get(f"{API}/links").json()
    assert len(body["results"]) == 6 and body["next"] is None and body["previous"] is None


LISTS = ["organizations", "links", "sites", "products", "sources", "responses", "calls", "actions"]


@pytest.mark.parametrize("name", [*LISTS, "groups"])
def test_every_cursor_the_schema_allows_is_understood(client, many_orgs, name):
    """The schema describes each list's cursor exactly: any value that fits its pattern is read
    (a page, perhaps empty), never refused, so a client or a tester that trusts the schema is
    never met with a 422."""
    schema = client.get(f"{API}/openapi.json").json()
    parameters = schema["paths"][f"{API}/{name}"]["get"]["parameters"]
    (cursor,) = [p["schema"] for p in parameters if p["name"] == "cursor"]

    @given(
        st.from_regex(cursor["pattern"], fullmatch=True).filter(
            lambda c: len(c) <= cursor["maxLength"]
        )
    )
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(value):
        response = client.get(f"{API}/{name}", {"cursor": value, "page_size": 2})
        assert response.status_code == 200, (value, response.content)

    check()
    # Their ends, and a cursor the pattern refuses: a 422 that names it.
    for value in ("n0.-999999999999999999", "p9999999.999999999999999999"):
        if cursor["pattern"].endswith("{1,18})?$"):
            assert client.get(f"{API}/{name}", {"cursor": value}).status_code == 200
    response = client.get(f"{API}/{name}", {"cursor": "x"})
    assert response.status_code == 422 and "cursor" in response.json()["detail"]
