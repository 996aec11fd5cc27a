"""Settings for unmask. Every value comes from an environment variable (see docs/operations.md).

Secrets can be given as files: UNMASK_SECRET_KEY_FILE=/run/secrets/key.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from unmask import env

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env.string("UNMASK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("UNMASK_DEBUG", False)
HTTPS = env.boolean("UNMASK_HTTPS", False)  # served behind TLS: HSTS, secure cookies, redirect


def _secret_key() -> str:
    """The configured key, or one generated once and kept in var/ for a local instance."""
    key = env.string("UNMASK_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.strings("UNMASK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.strings("UNMASK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "unmask.web",
    "unmask.accounts",
    "unmask.record",
    "unmask.maps",
    "unmask.graph",
    "unmask.campaign",
    "unmask.exchange",
    "unmask.pages",
    "unmask.demo",
    "unmask.accounts.apps.UnmaskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "unmask.web.replica.ReplicaMiddleware",  # where this request reads: replica or primary
    "unmask.web.pagecache.PageCacheMiddleware",  # readers' pages, 304s, 503 when the DB is down
    "django.middleware.http.ConditionalGetMiddleware",  # ETag / If-None-Match → 304
    "unmask.web.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "unmask.web.busy.BusyDatabaseMiddleware",  # last: a view that met a busy database runs again
]

ROOT_URLCONF = "unmask.urls"
WSGI_APPLICATION = "unmask.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "unmask.web.context_processors.site",
                "unmask.demo.context_processors.demo",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'unmask.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades. A
        # writer waits up to busy_timeout for the lock (long jobs hold it for a chunk, well under
        # a second), then unmask.web.busy tries again.
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-20000;"
        ),
    }
# A PostgreSQL streaming replica (DATABASE_REPLICA_URL): readers' requests read from it, every
# write and a signed-in user's reads just after their write go to the primary (web/replica.py).
_replica_url = env.string("DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=60, conn_health_checks=True
    )
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise env.ConfigError("DATABASE_REPLICA_URL is set, but DATABASE_URL is not PostgreSQL.")
    # In tests the replica holds the test database the primary's server made.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["unmask.web.replica.ReplicaRouter"]
# How long a signed-in user's reads stay on the primary after they wrote.
REPLICA_PIN_SECONDS = env.integer("UNMASK_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
# The default cache is a file cache in var/, shared by every worker process; Redis when
# UNMASK_CACHE_URL=redis://... is set. Sign-in throttling keeps its counters in its own cache.
_cache_url = env.string("UNMASK_CACHE_URL", "")


def _cache(location_suffix: str) -> dict:
    if _cache_url.startswith(("redis://", "rediss://", "unix://")):
        return {
            # Redis unreachable: misses and dropped writes, never an error (web/rediscache.py)
            "BACKEND": "unmask.web.rediscache.OptionalRedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": location_suffix,
        }
    if _cache_url == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": location_suffix,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / location_suffix),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


CACHES = {"default": _cache("default"), "axes": _cache("axes")}
if CACHES["axes"]["BACKEND"].endswith("FileBasedCache"):
    # Failure counters need atomic increments, which a file cache cannot give: use the database.
    CACHES["axes"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "unmask_cache_axes",
    }
AXES_CACHE = "axes"

# --- auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # after sign-in when ?next= is missing or refused
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REPLICA_PIN_COOKIE = "fresh"  # only with a replica, for a signed-in user who just wrote
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttling. The cache handler keeps attempts in the cache only, keyed on the user name
# and a salted hash of the address (unmask.accounts.throttle.client_key): no IP is ever stored.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.integer("UNMASK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.integer("UNMASK_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "unmask.accounts.throttle.client_key"
# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: none).
PROXY_COUNT = env.integer("UNMASK_PROXY_COUNT", 0)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Per account, from any client (unmask.accounts.signin): after this many failures in a day, each
# attempt waits 30 s, doubled with each further failure, up to the cool-off; a code skips it.
LOGIN_ACCOUNT_LIMIT = env.integer("UNMASK_LOGIN_ACCOUNT_LIMIT", 10)
LOGIN_ACCOUNT_MAX_DELAY = int(AXES_COOLOFF_TIME * 3600)

# Two-factor sign-in: staff who enrolled a device must give its code. With UNMASK_REQUIRE_2FA,
# staff without a device can only reach the enrolment page. On by default behind HTTPS (the
# demo, on http://127.0.0.1, is the exception).
REQUIRE_2FA = env.boolean(
    "UNMASK_REQUIRE_2FA",
    HTTPS or (env.string("UNMASK_SITE_URL") or "").startswith("https://"),
)
OTP_TOTP_ISSUER = env.string("UNMASK_SITE_NAME", "unmask")

# --- internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The languages the campaign speaks, each with a complete catalogue in locale/ (a test fails on
# any untranslated message). docs/translations.md says how to add one.
LANGUAGES = [
    ("en", _("English")),
    ("ku", _("Kurdish (Kurmanji)")),
    ("ckb", _("Kurdish (Sorani)")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
]
# Django knows Sorani (ckb) but not Kurmanji: its name, direction and (unmask/formats/ku/) its
# date and number formats.
LANG_INFO.setdefault(
    "ku",
    {"bidi": False, "code": "ku", "name": "Kurdish (Kurmanji)", "name_local": "Kurdî (Kurmancî)"},
)
# Django names Sorani "کوردی", which is what Kurmanji speakers call their language too.
LANG_INFO["ckb"] = {**LANG_INFO["ckb"], "name_local": "کوردی (سۆرانی)"}
FORMAT_MODULE_PATH = ["unmask.formats"]
# The interface's catalogues, then what `make` builds from CLDR (tools/catalogue.py): country
# names in every language, and the names of days and months for Kurmanji, which Django lacks.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_cldr"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("UNMASK_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("UNMASK_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

# --- security and privacy -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env.boolean("UNMASK_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("UNMASK_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.boolean("UNMASK_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REPLICA_PIN_COOKIE = "__Host-fresh"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# How long shared caches (a reverse proxy, a CDN) may keep a public page for anonymous readers.
PAGE_MAX_AGE = env.integer("UNMASK_PAGE_MAX_AGE", 60)
# The page cache (web/pagecache.py): public pages for readers, kept per version of the data and
# language for at most this many seconds (0: off), and a last good copy of each kept this long
# for when the database is down.
PAGE_CACHE_SECONDS = env.integer("UNMASK_PAGE_CACHE_SECONDS", 60)
PAGE_STALE_SECONDS = env.integer("UNMASK_PAGE_STALE_SECONDS", 7 * 24 * 3600)
# Derived payloads (the map's GeoJSON, the network, feeds: web/payloads.py): after an edit a
# reader gets the last one built at once while the new one is built in the background.
PAYLOAD_STALE = env.boolean("UNMASK_PAYLOAD_STALE", True)
# Past this many public sites the map draws clusters cut by the server (maps/tiles.py) instead
# of loading every site into the browser (maps/compact.py): about 8 MB and ten seconds of
# clustering at a million.
MAP_TILED_FROM = env.integer("UNMASK_MAP_TILED_FROM", 300_000)
# The network graph without a GPU (software WebGL) draws at most this many links at rest, those
# of the best-connected organizations (frontend/src/graph/view.js).
GRAPH_SOFTWARE_EDGES = env.integer("UNMASK_GRAPH_SOFTWARE_EDGES", 20_000)
PAGE_VERSION_SECONDS = 1.0  # how long a server process trusts the versions it read
PAGE_LOCAL_ENTRIES = 256  # pages each server process also keeps in memory
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

# --- history ----------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# --- logging: no client addresses, no request lines --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "unmask.logfilter.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": env.string("UNMASK_LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

# --- the site ----------------------------------------------------------------------------------
SITE_NAME = env.string("UNMASK_SITE_NAME", "unmask")
SITE_URL = env.string("UNMASK_SITE_URL", "http://127.0.0.1:8000")

# --- the map -------------------------------------------------------------------------------------
# Who may frame the embeds (/embed/map/, /embed/actions/, /embed/call/<id>/, /embed/org/<id>/;
# CSP frame-ancestors, web/embed.py). Not set (the default): any site ("*"). A comma-separated
# list of origins, such as "https://campaign.example.org": those only (and this site, for the
# preview of its "Share or embed" dialog). Empty or 'none': no site. Other pages: never framed.
EMBED_ANCESTORS = env.strings("UNMASK_EMBED_ANCESTORS", ["*"])
for _origin in EMBED_ANCESTORS:
    if not _origin.startswith("https://") and _origin not in ("*", "'self'", "'none'"):
        raise env.ConfigError(
            f"UNMASK_EMBED_ANCESTORS: {_origin!r} is not an https:// origin, *, 'self' or 'none'"
        )
# A detailed basemap: a PMTiles file (Protomaps vector tiles), placed by the operator in
# UNMASK_VAR_DIR/basemap/ and named here, e.g. "europe.pmtiles". Empty: country shapes only.
BASEMAP_PMTILES = env.string("UNMASK_BASEMAP_PMTILES", "")

# --- the campaign --------------------------------------------------------------------------------
# Days after an action's last occurrence ends before its submitter's contact e-mail is deleted by
# the daily `purge_contact_emails` job.
CONTACT_RETENTION_DAYS = env.integer("UNMASK_CONTACT_RETENTION_DAYS", 14)
# The action form's proof of work (ALTCHA, PBKDF2/SHA-256): the browser derives a key for
# every counter up to a secret one drawn between POW_COUNTER/2 and POW_COUNTER, each derivation
# costing POW_COST iterations. The defaults cost a person's browser about a second (see
# `make bench`); raise them when spam gets through. A challenge expires after POW_MINUTES and is
# accepted once.
POW_COST = env.integer("UNMASK_POW_COST", 1000)
POW_COUNTER = env.integer("UNMASK_POW_COUNTER", 4000)
POW_MINUTES = env.integer("UNMASK_POW_MINUTES", 30)
# Attempts to submit an action accepted from one address per hour (counted in the cache only, under a
# salted hash of the address).
SUBMIT_LIMIT = env.integer("UNMASK_SUBMIT_LIMIT", 10)
# Lists screened on the /screen/ page from one address per hour (counted under the same hash).
SCREEN_LIMIT = env.integer("UNMASK_SCREEN_LIMIT", 30)

# --- open data -----------------------------------------------------------------------------------
# Bulk files of the public record (`unmask export`, the /data/ page) are written here.
EXPORT_DIR = Path(env.string("UNMASK_EXPORT_DIR", str(VAR_DIR / "exports")))
# The licence the bulk files are published under: an SPDX id and the address of its text.
DATA_LICENCE = env.string("UNMASK_DATA_LICENCE", "CC-BY-4.0")
DATA_LICENCE_URL = env.string(
    "UNMASK_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# FollowTheMoney entity ids are "<prefix>-<kind>-<public id>": one prefix per instance keeps
# entities of two instances apart when investigators merge their files.
FTM_PREFIX = env.string("UNMASK_FTM_PREFIX", "unmask")
