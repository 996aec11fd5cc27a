"""The page cache (web/pagecache.py): readers' pages answered without rendering, 304 before
anything is built, every write shown on the next request, and a cache that may go away."""

from __future__ import annotations

import gzip
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from unmask.pages.models import Page
from unmask.record import version
from unmask.record.models import Organization
from unmask.web import pagecache

pytestmark = pytest.mark.django_db

HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Security-Policy",
    "Cache-Control",
    "Vary",
    "Permissions-Policy",
    "ETag",
)


@pytest.fixture(autouse=True)
def _one_time_slot(monkeypatch):
    """Pages are kept per time slot (PAGE_CACHE_SECONDS): a test that crossed the end of one
    would see its page built again. Every test here runs at one pinned moment."""
    monkeypatch.setattr(pagecache, "clock", lambda: 1_800_000_000.0)


def test_a_readers_page_is_answered_from_the_cache_with_the_same_headers(
    client, make_org, admin_client, django_assert_max_num_queries
):
    make_org("Korvex Aerodynamics")
    first = client.get("/org/")
    with django_assert_max_num_queries(1):  # the versions, if this process has not read them
        again = client.get("/org/")
    assert again.status_code == 200 and again.content == first.content
    assert {h: again.get(h) for h in HEADERS} == {h: first.get(h) for h in HEADERS}
    assert again["Cache-Control"] == "public, max-age=60" and not again.cookies
    # Signed-in people get their own page (the staff bar), never the readers' copy.
    staff = admin_client.get("/org/").content.decode()
    assert 'class="staff-work"' in staff
    assert staff != first.content.decode()


def test_a_conditional_request_is_answered_304_until_something_is_written(
    client, make_org, django_assert_num_queries
):
    make_org("Korvex Aerodynamics")
    etag = client.get("/org/")["ETag"]
    pagecache.versions_changed()  # as in another process: the version is read, nothing else
    with django_assert_num_queries(1):
        response = client.get("/org/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag

    make_org("Lindqvist Composites", country="SE")
    after = client.get("/org/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and "Lindqvist Composites" in after.content.decode()
    # The site's own texts are data too.
    etag = client.get("/methodology/")["ETag"]
    Page.objects.create(slug="methodology", language="en", title="How we work", body="Sourced.")
    after = client.get("/methodology/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and "How we work" in after.content.decode()


def test_a_hit_costs_one_query_for_the_versions_however_much_the_record_holds(
    client, make_org, django_assert_num_queries
):
    org = make_org("Korvex Aerodynamics")
    Organization.objects.bulk_create(
        Organization(
            name=f"Supplier {i:04d}",
            slug=f"supplier-{i:04d}",
            name_key=f"supplier {i:04d}",
            search_text=f"supplier {i:04d}",
            kind="company",
            country="DE",
            is_public=True,
        )
        for i in range(600)
    )
    version.bump()  # what bulk_create skipped: the pages built before are stale
    for address in ("/", "/org/", "/org/?q=supplier", "/country/DE/", org.get_absolute_url()):
        built = client.get(address)
        assert built.status_code == 200, address
        pagecache.versions_changed()  # as in another process: the versions are read again
        with django_assert_num_queries(1) as hit:
            again = client.get(address)
        assert again.content == built.content, address
        assert "recordversion" in hit.captured_queries[0]["sql"].lower(), address
    assert "Supplier 0000" in client.get("/org/?q=supplier").content.decode()


def test_a_browser_that_accepts_gzip_gets_the_stored_compressed_page(client, make_org):
    make_org("Korvex Aerodynamics")
    plain = client.get("/org/").content
    packed = client.get("/org/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain) / 2


def test_with_redis_unreachable_pages_and_forms_still_work(settings, make_org):
    """UNMASK_CACHE_URL points at Redis and nothing answers there: slower, never an error."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "unmask.web.rediscache.OptionalRedisCache",
            "LOCATION": "redis://127.0.0.1:9/7",  # the discard port: connection refused
        },
    }
    org = make_org("Korvex Aerodynamics")
    reader = Client()
    for address in ("/", "/org/", org.get_absolute_url(), "/map/", "/actions/", "/submit/"):
        assert reader.get(address).status_code == 200, address
    reply = Client().post(
        org.get_absolute_url() + "reply/",
        {"text": "We stopped delivering to the program in 2021.", "contact_email": "a@b.org"},
    )
    assert reply.status_code == 302


rendered = []


def _scripted(request):
    rendered.append(request.path)
    nonce = request.csp_nonce
    return HttpResponse(f'<!doctype html><script nonce="{nonce}">go()</script>')


urlpatterns = [path("scripted/", _scripted)]


@pytest.mark.urls(__name__)
def test_a_cached_page_with_a_script_nonce_gets_a_fresh_one_in_header_and_body(client):
    answers = [client.get("/scripted/") for _ in range(3)]
    assert rendered == ["/scripted/"]  # rendered once, answered from the cache after
    nonces = []
    for response in answers:
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3
