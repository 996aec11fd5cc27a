"""HTTP behaviour of the API: conditional requests, CORS, HEAD, no cookies, fixed query counts."""

from __future__ import annotations

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

API = "/api/v1"
PATHS = ["/", "/organizations", "/links", "/sites", "/products", "/sources", "/responses"]


@pytest.mark.parametrize("middleware", [False, True], ids=["api-alone", "with-middleware"])
def test_etag_then_if_none_match_gives_304(client, record, request, middleware):
    if middleware:  # Django's ConditionalGetMiddleware, for the pages, changes nothing here
        request.getfixturevalue("conditional_get")
    for path in ("/organizations", "/links?active=true", "/openapi.json"):
        first = client.get(f"{API}{path}")
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(f"{API}{path}", headers={"if-none-match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Access-Control-Allow-Origin"] == "*"  # also on a 304, for readers elsewhere
        head = client.head(f"{API}{path}", headers={"if-none-match": etag})
        assert head.status_code == 304
        other = client.get(f"{API}{path}", headers={"if-none-match": '"something-else"'})
        assert other.status_code == 200


def test_a_change_changes_the_etag(client, record):
    from unmask.record import services

    etag = client.get(f"{API}/links")["ETag"]
    services.change_status(record.owns, "disputed", note="The owner denies it")
    response = client.get(f"{API}/links", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_cors_open_for_reading_and_no_cookies(client, record):
    for path in PATHS:
        response = client.get(f"{API}{path}", headers={"origin": "https://elsewhere.example"})
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in response
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert response.cookies == {}, path
        assert response["Cache-Control"] == "public, max-age=60"


def test_no_cookies_even_for_a_signed_in_reader(client, record, reviewer):
    client.force_login(reviewer)
    response = client.get(f"{API}/organizations")
    assert response.status_code == 200
    assert response.cookies == {}


def test_preflight(client, db):
    response = client.options(
        f"{API}/organizations",
        headers={
            "origin": "https://elsewhere.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


def test_head_is_answered_like_get(client, record):
    get = client.get(f"{API}/organizations")
    head = client.head(f"{API}/organizations")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Access-Control-Allow-Origin"] == "*"


def test_writes_are_not_allowed(client, record):
    for method in (client.post, client.put, client.delete):
        assert method(f"{API}/organizations").status_code == 405


def test_the_language_of_the_reader_does_not_change_the_answer(client, record):
    english = client.get(f"{API}/organizations")
    german = client.get(f"{API}/organizations", headers={"accept-language": "de"})
    assert german.content == english.content
    assert "/de/" not in german.content.decode()


# --- the number of queries does not grow with the number of rows ---------------------------


def _grow(make_org, make_link, make_site, make_product, make_reply, hub, n: int, start: int):
    """n more organizations, each with another name, an identifier, a site, a product, a link
    to the hub with two status events, and a published reply."""
    from unmask.record import services

    part_of = None
    for i in range(start, start + n):
        org = make_org(
            f"Member {i:03d}",
            names=[(f"Member alias {i}", "alias")],
            identifiers=[("registry", f"HRB {i:05d}")],
        )
        make_site(org, role="office", city="Lyon", country="FR")
        part_of = make_product(f"Part {i}", "component", maker=org, part_of=part_of)
        link = make_link(org, hub, product=part_of, summary=f"Link {i}")
        document = services.create_source(
            title=f"Customs record {i}", kind="customs", url=f"https://example.org/c/{i}"
        )
        services.add_citation(link, document, locator=f"line {i}")
        services.change_status(link, "confirmed", note="Seen in customs data")
        make_reply(org, link=link, text="No.")


PATHS_COUNTED = [
    "/organizations",
    "/organizations?status=confirmed&country=DE&sort=-changed",
    "/links",
    "/links?organization={hub}&active=true",
    "/sites",
    "/products",
    "/sources",
    "/responses",
]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}{path}")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 3, path  # a page with several rows
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(
    client, make_org, make_link, make_site, make_product, make_reply
):
    hub = make_org("Hubwerk Central", names=[("Hubwerk", "abbreviation")])
    grow = (make_org, make_link, make_site, make_product, make_reply, hub)
    paths = [p.format(hub=hub.public_id) for p in PATHS_COUNTED]
    _grow(*grow, n=3, start=0)
    small = {path: _queries(client, path) for path in paths}
    _grow(*grow, n=20, start=100)
    assert {path: _queries(client, path) for path in paths} == small


def test_a_reader_who_accepts_gzip_gets_the_same_json_compressed_in_utf8(client, record, make_org):
    """Kept answers are kept compressed too; the text is UTF-8 as it is, not \\u escapes."""
    make_org("Öztürk Savunma Sanayi", country="TR")
    plain = client.get(f"{API}/organizations?page_size=200")
    packed = client.get(f"{API}/organizations?page_size=200", HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert plain["ETag"] != packed["ETag"]  # one per encoding: a 304 only for the same bytes
    again = client.get(
        f"{API}/organizations?page_size=200",
        HTTP_ACCEPT_ENCODING="gzip",
        headers={"if-none-match": packed["ETag"]},
    )
    assert again.status_code == 304
    assert b"\\u00" not in plain.content and "Öztürk".encode() in plain.content
