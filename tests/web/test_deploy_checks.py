"""`unmask check --deploy` names what production needs and is missing: HTTPS, two-factor
sign-in for staff, counters shared by every worker (docs/operations.md)."""

import os
import subprocess
import sys

from unmask.web.checks import production_settings

PRODUCTION = {
    "HTTPS": True,
    "SITE_URL": "https://unmask.example.org",
    "REQUIRE_2FA": True,
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/tmp/unmask-check-test",
        },
        "axes": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"},
    },
}


def ids(settings, **changes):
    for name, value in {**PRODUCTION, **changes}.items():
        setattr(settings, name, value)
    return sorted(w.id for w in production_settings())


def test_production_settings_pass_and_each_missing_one_is_named(settings):
    assert ids(settings) == []
    assert ids(settings, HTTPS=False) == ["unmask.W001"]
    assert ids(settings, SITE_URL="http://127.0.0.1:8000") == ["unmask.W004"]
    assert ids(settings, REQUIRE_2FA=False) == ["unmask.W002"]
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert ids(settings, CACHES={**PRODUCTION["CACHES"], "default": local}) == ["unmask.W003"]


def run(tmp_path, command: list[str], **variables) -> subprocess.CompletedProcess:
    """A command with the production settings and these variables (and no other UNMASK_ one)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UNMASK_")},
        "DJANGO_SETTINGS_MODULE": "unmask.settings",
        "UNMASK_VAR_DIR": str(tmp_path),
        "UNMASK_SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
        **variables,
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *command], env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_warns_about_the_demos_settings(tmp_path):
    result = run(tmp_path, ["-m", "unmask.manage", "check", "--deploy"], UNMASK_CACHE_URL="locmem")
    for warning in ("unmask.W001", "unmask.W002", "unmask.W003"):
        assert warning in result.stderr, warning


def test_two_factor_is_required_by_default_behind_https_only(tmp_path):
    code = "import unmask.settings as s; print(s.REQUIRE_2FA)"

    def required(**variables) -> str:
        result = run(tmp_path, ["-c", code], **variables)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert required() == "False"  # the demo, on http://127.0.0.1
    assert required(UNMASK_HTTPS="1") == "True"
    assert required(UNMASK_SITE_URL="https://unmask.example.org") == "True"
    assert required(UNMASK_HTTPS="1", UNMASK_REQUIRE_2FA="0") == "False"  # said explicitly
    assert required(UNMASK_REQUIRE_2FA="1") == "True"
