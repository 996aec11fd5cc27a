"""Lists and details of every record type: only public records, named by public id."""

from __future__ import annotations

import json

import pytest

API = "/api/v1"


def get(client, path: str, **params):
    response = client.get(f"{API}{path}", params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["public_id"] for item in response.json()["results"]}


def test_index_lists_the_endpoints(client, db):
    body = get(client, "/").json()
    assert body["version"] == "1"
    assert body["endpoints"]["organizations"] == "http://testserver/api/v1/organizations"
    assert body["docs"] == "http://testserver/api/v1/docs"


def test_organizations_list_only_public_ones_with_names_and_identifiers(client, record):
    response = get(client, "/organizations")
    assert ids(response) == {
        o.public_id for o in (record.korvex, record.arden, record.bronwick, record.ostrava)
    }
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    korvex = next(o for o in body["results"] if o["public_id"] == record.korvex.public_id)
    assert korvex["name"] == "Korvex Aerodynamics"
    assert korvex["url"] == f"http://testserver{record.korvex.get_absolute_url()}"
    assert korvex["country"] == "DE" and korvex["kind"] == "company"
    assert korvex["description"] == "Builds **airframes**."
    assert korvex["other_names"] == [
        {"name": "Korveks Aero", "kind": "transliteration", "language": None}
    ]
    assert {(i["scheme"], i["value"]) for i in korvex["identifiers"]} == {
        ("registry", "HRB 123456"),
        ("domain", "korvex.example"),
    }
    [citation] = korvex["citations"]
    assert citation["source"] == {
        "public_id": record.source.public_id,
        "name": record.source.title,
        "url": f"http://testserver{record.source.get_absolute_url()}",
    }
    assert citation["locator"] == "p. 1"
    arden = next(o for o in body["results"] if o["public_id"] == record.arden.public_id)
    [reply] = arden["responses"]
    assert reply["text"] == "Our profile is incomplete."
    assert reply["original_url"] == "https://arden.example/"


def test_the_organizations_page_written_from_values_is_what_the_schema_gives(
    client, record, make_reply
):
    """The list is written from values (record.api.organization_rows), not through the schema:
    every field of every organization, in the schema's order, as validating the prefetched
    records with OrganizationOut gives it: names, identifiers, texts, citations, and replies with
    and without a document or address."""
    from django.core.files.base import ContentFile
    from django.test import RequestFactory
    from ninja.responses import NinjaJSONEncoder
    from pydantic import TypeAdapter

    from unmask.record import api
    from unmask.record.models import Organization, OrganizationText, Response

    OrganizationText.objects.create(
        organization=record.korvex, language="ar", description="تصنع **هياكل الطائرات**."
    )
    document = make_reply(record.bronwick, text="See the attached letter.")
    document.document.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    make_reply(record.arden, text="A second reply.", received_on=record.profile_reply.received_on)

    body = get(client, "/organizations", page_size=3).json()
    body["results"] += client.get(body["next"]).json()["results"]  # and the next page's
    request = RequestFactory().get("/api/v1/organizations")
    validated = TypeAdapter(list[api.OrganizationOut]).validate_python(
        list(api.organizations(Organization.objects.public().order_by("name", "pk"))),
        from_attributes=True,
        context={"request": request},
    )
    expected = json.loads(
        json.dumps([o.model_dump() for o in validated], cls=NinjaJSONEncoder, ensure_ascii=False)
    )
    assert body["results"] == expected
    assert [list(o) for o in body["results"]] == [list(o) for o in expected]  # the order too
    korvex, arden, bronwick = (
        next(o for o in body["results"] if o["public_id"] == org.public_id)
        for org in (record.korvex, record.arden, record.bronwick)
    )
    assert korvex["description_texts"] == [
        {"language": "ar", "description": "تصنع **هياكل الطائرات**."}
    ]
    assert [r["text"] for r in arden["responses"]] == [
        "Our profile is incomplete.",
        "A second reply.",
    ]
    assert bronwick["responses"][0]["document_url"].startswith("http://testserver/")
    assert Response.objects.filter(document="").count() >= 2


def test_nothing_exposes_database_keys_or_private_fields(client, record):
    for path in ("/organizations", "/links", "/sites", "/products", "/sources", "/responses"):
        text = get(client, path).content.decode()
        for field in ('"id"', '"pk"', "contact_email", "published_by", "notes", "deleted_at"):
            assert field not in text, (path, field)


def test_organization_detail_and_404s(client, record):
    body = get(client, f"/organizations/{record.korvex.public_id}").json()
    assert body["name"] == "Korvex Aerodynamics"

    for missing in (record.draft.public_id, "zzzzzzzz"):
        response = get(client, f"/organizations/{missing}")
        assert response.status_code == 404
        assert missing in response.json()["detail"]
    response = get(client, "/organizations/NOT-AN-ID")
    assert response.status_code == 422
    assert "public_id" in response.json()["detail"]


def test_a_merged_organization_redirects_to_the_one_it_was_merged_into(client, record, editor):
    from unmask.record import services

    services.merge_organizations(record.korvex, record.ostrava, reason="Same company")
    response = client.get(f"{API}/organizations/{record.ostrava.public_id}")
    assert response.status_code == 301
    assert response["Location"] == f"{API}/organizations/{record.korvex.public_id}"


def test_links_show_sides_product_status_history_citations_and_replies(client, record):
    response = get(client, "/links")
    assert ids(response) == {
        record.supplies.public_id,
        record.owns.public_id,
        record.ended.public_id,
    }
    links = {link["public_id"]: link for link in response.json()["results"]}
    supplies = links[record.supplies.public_id]
    assert supplies["subject"]["public_id"] == record.korvex.public_id
    assert supplies["subject"]["url"].endswith(record.korvex.get_absolute_url())
    assert supplies["object"]["name"] == "Arden Motorworks"
    assert supplies["product"]["public_id"] == record.engine.public_id
    assert supplies["relation"] == "supplies_component"
    assert supplies["status"] == "confirmed"
    assert supplies["start"] == "2021-05" and supplies["end"] is None and supplies["active"]
    assert [(e["old_status"], e["new_status"]) for e in supplies["status_events"]] == [
        (None, "reported"),
        ("reported", "confirmed"),
    ]
    assert supplies["status_events"][1]["note"] == "Customs data"
    assert supplies["citations"][0]["quote"] == "…delivers wing spars to…"
    [reply] = supplies["responses"]
    assert reply["text"] == "We only sell to civil customers."
    assert reply["organization"]["public_id"] == record.korvex.public_id
    owns = links[record.owns.public_id]
    assert owns["share"] == "25.500" and owns["object"]["name"] == "Korvex Aerodynamics"
    assert links[record.ended.public_id]["active"] is False

    assert get(client, f"/links/{record.supplies.public_id}").json() == supplies
    for hidden in (record.deleted, record.to_draft):
        assert get(client, f"/links/{hidden.public_id}").status_code == 404


def test_sites(client, record):
    [site] = get(client, "/sites").json()["results"]
    assert site["public_id"] == record.factory.public_id
    assert site["organization"]["name"] == "Korvex Aerodynamics"
    assert (site["latitude"], site["longitude"], site["precision"]) == (53.08, 8.8, "street")
    assert site["country"] == "DE" and site["role"] == "factory"
    assert site["citations"][0]["locator"] == "p. 7"
    assert get(client, f"/sites/{record.factory.public_id}").json() == site


def test_products_with_maker_and_part_of(client, record):
    response = get(client, "/products")
    assert ids(response) == {
        record.falcon.public_id,
        record.engine.public_id,
        record.coil.public_id,
    }
    products = {p["public_id"]: p for p in response.json()["results"]}
    engine = products[record.engine.public_id]
    assert engine["maker"]["public_id"] == record.korvex.public_id
    assert engine["part_of"] == {
        "public_id": record.falcon.public_id,
        "name": "Falcon X",
        "url": f"http://testserver{record.falcon.get_absolute_url()}",
    }
    assert engine["url"].endswith(record.engine.get_absolute_url())
    # A draft program is never named, even as what a public product is part of.
    assert products[record.coil.public_id]["part_of"] is None
    assert products[record.coil.public_id]["maker"] is None
    assert get(client, f"/products/{record.draft_program.public_id}").status_code == 404
    assert get(client, f"/products/{record.engine.public_id}").json() == engine


def test_sources(client, record, make_org):
    from unmask.record import services

    private = services.create_source(
        title="Draft notes", kind="research", url="https://example.org/draft"
    )
    services.add_citation(record.draft, private, locator="p. 2")
    response = get(client, "/sources")
    assert ids(response) == {record.source.public_id}
    [source] = response.json()["results"]
    assert source["title"] == record.source.title
    assert source["original_url"] == "https://example.org/korvex-2023.pdf"
    assert source["published_on"] == "2023-04"
    assert source["url"] == f"http://testserver{record.source.get_absolute_url()}"
    assert get(client, f"/sources/{private.public_id}").status_code == 404


def test_responses_only_published_ones(client, record):
    response = get(client, "/responses")
    assert ids(response) == {record.reply.public_id, record.profile_reply.public_id}
    replies = {r["public_id"]: r for r in response.json()["results"]}
    assert replies[record.reply.public_id]["link"]["public_id"] == record.supplies.public_id
    assert replies[record.reply.public_id]["link"]["name"] == str(record.supplies)
    assert replies[record.profile_reply.public_id]["link"] is None
    assert get(client, f"/responses/{record.unpublished.public_id}").status_code == 404
    assert (
        get(client, f"/responses/{record.reply.public_id}").json()
        == replies[record.reply.public_id]
    )


def test_a_reply_to_a_link_that_is_no_longer_public_is_not_shown(client, record):
    from unmask.record import services

    services.unpublish(record.supplies, reason="Checking again")
    assert record.reply.public_id not in ids(get(client, "/responses"))
    assert get(client, f"/responses/{record.reply.public_id}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/organizations/zzzzzzzz", "/links/zzzzzzzz", "/sites/zzzzzzzz", "/nowhere"]
)
def test_unknown_things_are_json_404s(client, db, path):
    response = get(client, path)
    assert response.status_code == 404
    assert isinstance(json.loads(response.content)["detail"], str)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_trailing_slash_redirects(client, record):
    response = client.get(f"{API}/links/?status=confirmed")
    assert response.status_code == 301
    assert response["Location"] == f"{API}/links?status=confirmed"
    assert client.get(f"{API}/links/{record.owns.public_id}/").status_code == 301
    assert client.get(f"{API}/nowhere/").status_code == 404
