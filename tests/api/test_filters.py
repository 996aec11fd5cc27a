"""The lists' filters: the organization list shares the directory's OrganizationFilters; invalid
values are a 422 naming the parameter."""

from __future__ import annotations

import pytest

from unmask.record.models import Organization

API = "/api/v1"


def ids(client, path: str, **params) -> set[str]:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    return {item["public_id"] for item in response.json()["results"]}


def names(client, **params) -> list[str]:
    response = client.get(f"{API}/organizations", params)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def test_organization_filters(client, record):
    assert names(client, country="tr") == ["Arden Motorworks"]
    assert names(client, kind="financial") == ["Bronwick Capital"]
    assert names(client, relation="owns") == ["Bronwick Capital", "Korvex Aerodynamics"]
    assert names(client, status="confirmed") == ["Arden Motorworks", "Korvex Aerodynamics"]
    assert names(client, product=record.engine.public_id) == [
        "Arden Motorworks",
        "Korvex Aerodynamics",
    ]
    assert names(client, product="zzzzzzzz") == []
    assert names(client, relation="supplies_material", status="reported") == [
        "Arden Motorworks",
        "Ostrava Metal",
    ]


def test_organization_sort_orders(client, record):
    everyone = ["Arden Motorworks", "Bronwick Capital", "Korvex Aerodynamics", "Ostrava Metal"]
    assert names(client) == everyone
    assert names(client, sort="-name") == everyone[::-1]
    assert names(client, sort="country") == [
        "Ostrava Metal",  # CZ
        "Korvex Aerodynamics",  # DE
        "Bronwick Capital",  # GB
        "Arden Motorworks",  # TR
    ]
    Organization.objects.filter(pk=record.bronwick.pk).update(updated_at="2030-01-01T00:00Z")
    assert names(client, sort="-changed")[0] == "Bronwick Capital"


# The search index (record.search) is the lead's work in progress: when this test errors with a
# missing table or column, the index has not landed yet; the test is meant to pass once it has.
def test_organization_search_q(client, record):
    assert names(client, q="korv") == ["Korvex Aerodynamics"]
    assert names(client, q="KORVEKS") == ["Korvex Aerodynamics"]  # another name
    assert names(client, q="HRB123456") == ["Korvex Aerodynamics"]  # an identifier
    assert names(client, q="velmora") == []  # a draft is never found
    assert names(client, q="zzz nothing") == []


def test_link_filters(client, record):
    k, a, b = record.korvex.public_id, record.arden.public_id, record.bronwick.public_id
    supplies, owns, ended = record.supplies.public_id, record.owns.public_id, record.ended.public_id
    assert ids(client, "/links", subject=k) == {supplies}
    assert ids(client, "/links", object=k) == {owns}
    assert ids(client, "/links", organization=k) == {supplies, owns}
    assert ids(client, "/links", organization=a) == {supplies, ended}
    assert ids(client, "/links", subject=b, object=k) == {owns}
    assert ids(client, "/links", relation="owns") == {owns}
    assert ids(client, "/links", status="confirmed") == {supplies}
    assert ids(client, "/links", product=record.engine.public_id) == {supplies}
    assert ids(client, "/links", active="true") == {supplies, owns}
    assert ids(client, "/links", active="false") == {ended}
    assert ids(client, "/links", organization=record.draft.public_id) == set()


def test_site_filters(client, record):
    site = {record.factory.public_id}
    assert ids(client, "/sites", organization=record.korvex.public_id) == site
    assert ids(client, "/sites", organization=record.arden.public_id) == set()
    assert ids(client, "/sites", country="de") == site
    assert ids(client, "/sites", country="FR") == set()
    assert ids(client, "/sites", role="factory", precision="street") == site
    assert ids(client, "/sites", role="headquarters") == set()


def test_product_filters(client, record):
    assert ids(client, "/products", kind="engine") == {record.engine.public_id}
    assert ids(client, "/products", maker=record.arden.public_id) == {record.falcon.public_id}
    assert ids(client, "/products", part_of=record.falcon.public_id) == {record.engine.public_id}
    # A product that is part of a draft is not found through the draft's id.
    assert ids(client, "/products", part_of=record.draft_program.public_id) == set()


def test_source_and_response_filters(client, record):
    assert ids(client, "/sources", kind="company") == {record.source.public_id}
    assert ids(client, "/sources", kind="leak") == set()
    assert ids(client, "/responses", organization=record.arden.public_id) == {
        record.profile_reply.public_id
    }
    assert ids(client, "/responses", link=record.supplies.public_id) == {record.reply.public_id}


@pytest.mark.parametrize(
    ("path", "param", "value"),
    [
        ("/organizations", "kind", "spaceship"),
        ("/organizations", "sort", "random"),
        ("/organizations", "country", "Germany"),
        ("/organizations", "product", "../etc"),
        ("/links", "relation", "likes"),
        ("/links", "status", "rumoured"),
        ("/links", "active", "perhaps"),
        ("/links", "subject", "x" * 40),
        ("/sites", "precision", "very"),
        ("/products", "kind", "gadget"),
        ("/sources", "kind", "gossip"),
        ("/links", "page_size", "0"),
        ("/links", "page_size", "201"),
        ("/links", "cursor", "not-a-cursor"),
        ("/links", "cursor", "cD1ub3QtYS1kYXRl"),  # base64 of "p=not-a-date"
    ],
)
def test_invalid_filter_values_are_a_422_naming_the_parameter(client, db, path, param, value):
    response = client.get(f"{API}{path}", {param: value})
    assert response.status_code == 422, response.content
    body = response.json()
    assert param in body["detail"]
    assert any(param in error["loc"] for error in body["errors"])


def test_the_schema_lists_allowed_values(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/links"]["get"]["parameters"]}
    assert "confirmed" in params["status"]["schema"]["enum"]
    assert "owns" in params["relation"]["schema"]["enum"]
    org_params = {
        p["name"]: p for p in schema["paths"]["/api/v1/organizations"]["get"]["parameters"]
    }
    assert set(org_params["sort"]["schema"]["enum"]) == {"name", "-name", "country", "-changed"}
    assert org_params["page_size"]["schema"]["maximum"] == 200
