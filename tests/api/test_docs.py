"""The OpenAPI schema and the docs page: served from this site, under the site's strict CSP."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

API = "/api/v1"
CHROMIUM = Path("/usr/bin/chromium")


def test_schema_describes_every_operation(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.cookies == {}
    schema = response.json()
    assert schema["info"]["version"] == "1"
    assert "public record" in schema["info"]["title"]
    assert "cursor" in schema["info"]["description"]
    paths = schema["paths"]
    for name in ("organizations", "links", "sites", "products", "sources", "responses"):
        assert f"{API}/{name}" in paths
        assert f"{API}/{name}/{{public_id}}" in paths
    for path, item in paths.items():
        for method, operation in item.items():
            # Read-only: only the screening queries are sent in a body, and write nothing.
            assert method == "get" or (method, path) == ("post", f"{API}/match"), path
            assert operation["summary"] and operation["tags"], path
            codes = set(operation["responses"])
            assert "200" in codes, path
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in codes, path
            if "{public_id}" in path:
                assert "404" in codes, path
    link = schema["components"]["schemas"]["LinkOut"]["properties"]
    assert "description" in link["share"] and "description" in link["start"]


def test_docs_page_is_local_and_has_no_inline_code(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert response.cookies == {}
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.content.decode()

    urls = re.findall(r"(?:src|href)=[\"']([^\"']+)", html)
    assert urls, html
    for url in urls:
        assert not urlsplit(url).netloc, f"{url} comes from another host"
    assert not re.search(r"https?://", html), "no absolute URLs to anywhere"
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert "<style" not in html and " style=" not in html
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    assert '"url": "/api/v1/openapi.json"' in html

    for url in urls:  # every script, style sheet and icon is there
        assert client.get(url).status_code == 200, url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_runs_in_a_browser_under_the_csp(live_server, record_for_browser):
    """Swagger UI renders, calls the API and logs no error (CSP violations are console errors)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    problems, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{live_server.url}{API}/docs")
            page.locator(".opblock-summary").nth(1).click()  # GET /organizations
            page.locator(".execute").first.click()
            page.locator(".live-responses-table").wait_for()
            page.get_by_text("Korvex Aerodynamics").first.wait_for()
        finally:
            browser.close()
    assert problems == []
    assert {urlsplit(url).netloc for url in requests} == {urlsplit(live_server.url).netloc}


@pytest.fixture
def record_for_browser(make_org):
    return make_org("Korvex Aerodynamics")
