"""Test settings: the real settings with fast password hashing. DATABASE_URL picks the database."""

import os
import tempfile

os.environ.setdefault("UNMASK_VAR_DIR", tempfile.mkdtemp(prefix="unmask-test-"))
os.environ.setdefault("UNMASK_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")

from unmask.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {
    **CACHES,  # noqa: F405 - sign-in throttling keeps the database cache (rolled back per test)
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, as in production (WAL, busy timeout): requests in parallel threads then wait for
    # the write lock instead of failing as they would in a shared in-memory database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# Every request reads the versions afresh: query counts do not depend on timing. No copies in
# memory either: each test's database starts again from the same versions.
PAGE_VERSION_SECONDS = 0
PAGE_LOCAL_ENTRIES = 0
# Derived payloads built in the request (web/payloads.py): a background thread would not see a
# test's transaction. tests/web/test_payloads_stale.py turns it on where it commits.
PAYLOAD_STALE = False
