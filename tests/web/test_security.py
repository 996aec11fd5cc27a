"""Readers are not tracked and pages are locked down, from the first page."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def published_org(make_org):
    return make_org(
        "Korvex Aerodynamics",
        description="**Builds** airframes <script>alert('x')</script> [site](javascript:alert(1))",
    )


@pytest.mark.parametrize("path", ["/", "/methodology/", "/ar/", "ORG"])
def test_anonymous_pages_set_no_cookie_and_send_security_headers(client, published_org, path):
    if path == "ORG":
        path = published_org.get_absolute_url()
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}, f"{path} set cookies {list(response.cookies)}"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_page_loads_nothing_from_another_host(client, published_org):
    page = client.get(published_org.get_absolute_url()).content.decode()
    for attr in ('src="http', "src='http", 'href="//', "@import"):
        assert attr not in page
    assert '<link rel="stylesheet" href="/static/' in page


def test_markdown_is_rendered_and_sanitized(client, published_org):
    page = client.get(published_org.get_absolute_url()).content.decode()
    assert "<strong>Builds</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page  # left as inert text, never a link


def test_text_is_escaped_everywhere(make_org, client):
    org = make_org('<img src=x onerror="alert(1)">Vantor')
    page = client.get(org.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_a_form_page_for_staff_is_protected_by_csrf(client, reviewer):
    client.force_login(reviewer)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    response = strict.post("/admin/record/organization/add/", {"name": "Korvex", "kind": "company"})
    assert response.status_code == 403


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unmask.settings",
        "UNMASK_VAR_DIR": str(tmp_path),
        "UNMASK_SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
        "UNMASK_HTTPS": "1",
        "UNMASK_SITE_URL": "https://unmask.example.org",
        "UNMASK_ALLOWED_HOSTS": "unmask.example.org",
        "UNMASK_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "unmask.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_public_pages_are_cacheable_and_answer_conditional_requests(
    client, published_org, reviewer
):
    url = published_org.get_absolute_url()
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=60"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    client.force_login(reviewer)
    assert "private" in client.get(url)["Cache-Control"]
