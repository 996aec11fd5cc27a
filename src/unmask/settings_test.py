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
