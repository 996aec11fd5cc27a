"""POST /api/v1/match (issue 18): a batch of company names screened against the record's
public organizations, each with ranked candidates, their scores and evidence. Every name is
invented."""

from __future__ import annotations

import json

import pytest

API = "/api/v1/match"


@pytest.fixture
def screened(make_org):
    korvath = make_org(
        "Korvath Savunma Sanayi ve Ticaret A.Ş.",
        country="TR",
        identifiers=[("lei", "213800I6A8MJ51TQ9K37")],
    )
    make_org("Korvath Optik Sanayi ve Ticaret A.Ş.", country="TR")
    make_org("Vosturel Materials Inc.", country="US", publish=False)
    return korvath


def post(client, body, **headers):
    return client.post(API, json.dumps(body), content_type="application/json", **headers)


def test_a_batch_is_answered_query_by_query(client, screened):
    response = post(
        client,
        {
            "queries": {
                "a": {"name": "KORVATH SAVUNMA SAN. VE TIC. JSC", "country": "TR"},
                "b": {"name": "Garbled", "identifier": "lei:213800I6A8MJ51TQ9K37"},
                "c": {"name": "Korvath Savunma A.Ş.", "country": "DE"},
                "d": {"name": "Vosturel Materials Inc."},
            }
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # nobody keeps what one reader sent
    assert response.cookies == {}
    answers = response.json()["responses"]
    best = answers["a"]["results"][0]
    assert answers["a"]["verdict"] == "match" and best["match"] is True
    assert best["organization"]["public_id"] == screened.public_id
    assert best["organization"]["url"].endswith(f"/org/{screened.public_id}/")
    assert best["matched_name"] == screened.name and best["evidence"]
    assert answers["b"]["results"][0]["rule"] == "identifier"
    # another country of registration: listed as possible, with what contradicts it
    assert answers["c"]["verdict"] == "possible"
    assert any("DE against TR" in fact for fact in answers["c"]["results"][0]["evidence"])
    assert answers["d"] == {"verdict": "no match", "results": []}  # not public
    assert response.json()["organizations"] == 2


def test_a_bad_batch_is_refused_with_what_and_where(client, screened):
    too_many = {"queries": {str(i): {"name": "Korvath"} for i in range(51)}}
    response = post(client, too_many)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "queries"]
    assert "At most 50 queries a request" in response.json()["detail"]
    response = post(client, {"queries": {"a": {"name": "Korvath", "colour": "red"}}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-3:] == ["queries", "a", "colour"]


def test_other_sites_may_ask_and_get_requests_are_refused(client, screened):
    preflight = client.options(
        API,
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 204
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    assert client.get(API).status_code == 405
    assert client.options("/api/v1/organizations")["Allow"] == "GET, HEAD, OPTIONS"
