"""Property-based tests of the API against its own OpenAPI schema (schemathesis), over a small
published record: no server errors, and every answer conforms to the schema (status codes,
content types, bodies). Bounded to keep the suite quick."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from .test_campaign_api import build_campaign

# schemathesis' WSGI transport reads the bytes as sent, without decompressing: ask for them plain
# (the API's gzip answers are checked in test_records.py).
PLAIN = {"Accept-Encoding": "identity"}
API = "/api/v1"


# Loaded when the module is collected (serving the schema needs no database). schemathesis'
# lazy `from_fixture` loader does not work with pytest 9 (it sets `node._nodeid`).
schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application())


@pytest.fixture
def api_schema():
    return schema


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI app closes "old" database connections at each request's start and end, which on
    PostgreSQL (persistent connections) would close the test's own transaction. Django's test
    client turns this off for its requests; do the same for schemathesis' WSGI client."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def campaign(record, moderator):
    """Calls, actions and groups aimed at the record, with hidden ones (test_campaign_api)."""
    return build_campaign(record, moderator)


@pytest.mark.usefixtures("record", "campaign")
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case):
    # Cursors included: the schema gives each list's cursor pattern, and every cursor that fits
    # it is one the server reads (api/common.py).
    case.call_and_validate(headers=PLAIN)


def test_real_records_conform_to_the_schema(api_schema, record):
    """The generated cases rarely hit a real id: ask for each public record, and filter by it."""
    details = {
        "organizations": [record.korvex, record.arden, record.bronwick, record.ostrava],
        "links": [record.supplies, record.owns, record.ended],
        "sites": [record.factory],
        "products": [record.falcon, record.engine, record.coil],
        "sources": [record.source],
        "responses": [record.reply, record.profile_reply],
    }
    for name, items in details.items():
        operation = api_schema[f"{API}/{name}/{{public_id}}"]["GET"]
        for item in items:
            response = operation.Case(
                path_parameters={"public_id": item.public_id}
            ).call_and_validate(headers=PLAIN)
            assert response.status_code == 200, (name, item)
    filtered = {
        "links": {"organization": record.korvex.public_id, "active": "true"},
        "sites": {"organization": record.korvex.public_id},
        "products": {"maker": record.korvex.public_id},
        "responses": {"link": record.supplies.public_id},
        "organizations": {"product": record.engine.public_id, "page_size": "1"},
    }
    for name, query in filtered.items():
        response = (
            api_schema[f"{API}/{name}"]["GET"].Case(query=query).call_and_validate(headers=PLAIN)
        )
        assert response.status_code == 200 and response.json()["results"], name


def test_real_campaign_items_conform_to_the_schema(api_schema, record, campaign):
    details = {
        "calls": campaign.public_calls,
        "actions": campaign.public_actions,
        "groups": campaign.public_groups,
    }
    for name, items in details.items():
        operation = api_schema[f"{API}/{name}/{{public_id}}"]["GET"]
        for item in items:
            response = operation.Case(
                path_parameters={"public_id": item.public_id}
            ).call_and_validate(headers=PLAIN)
            assert response.status_code == 200, (name, item)
        for item in campaign.hidden[name]:
            response = operation.Case(
                path_parameters={"public_id": item.public_id}
            ).call_and_validate(headers=PLAIN)
            assert response.status_code == 404, (name, item)
    filtered = {
        "calls": {"org": record.korvex.public_id, "open": "true", "page_size": "1"},
        "actions": {"org": record.korvex.public_id, "from": "2000-01-01", "country": "de"},
        "groups": {"country": "DE"},
    }
    for name, query in filtered.items():
        response = (
            api_schema[f"{API}/{name}"]["GET"].Case(query=query).call_and_validate(headers=PLAIN)
        )
        assert response.status_code == 200 and response.json()["results"], name
