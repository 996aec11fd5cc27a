"""What `unmask check --deploy` adds to Django's own checks: the settings a production site
must have (docs/operations.md, "What production needs")."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

DOCS = 'See docs/operations.md, "What production needs".'


@register(Tags.security, deploy=True)
def production_settings(app_configs=None, **kwargs):
    found = []
    if not settings.HTTPS:
        found.append(
            Warning(
                "UNMASK_HTTPS is not set: no HTTPS redirect, no HSTS, cookies without Secure.",
                hint=f"Serve the site over HTTPS behind a proxy and set UNMASK_HTTPS=1. {DOCS}",
                id="unmask.W001",
            )
        )
    elif not settings.SITE_URL.startswith("https://"):
        found.append(
            Warning(
                f"UNMASK_SITE_URL is {settings.SITE_URL!r}, not an https:// address.",
                hint=f"Set UNMASK_SITE_URL to the site's public https:// address. {DOCS}",
                id="unmask.W004",
            )
        )
    if not settings.REQUIRE_2FA:
        found.append(
            Warning(
                "Two-factor sign-in is not required for staff (UNMASK_REQUIRE_2FA=0).",
                hint=f"Leave UNMASK_REQUIRE_2FA unset behind HTTPS, or set it to 1. {DOCS}",
                id="unmask.W002",
            )
        )
    local = sorted(
        alias
        for alias, config in settings.CACHES.items()
        if config["BACKEND"].rsplit(".", 1)[-1] in ("LocMemCache", "DummyCache")
    )
    if local:
        found.append(
            Warning(
                f"The cache ({', '.join(local)}) is kept in each process's memory or nowhere "
                "(UNMASK_CACHE_URL=locmem): workers share no sign-in counts and no pages.",
                hint="Leave UNMASK_CACHE_URL unset (counters live in the database), or set it "
                f"to a redis:// URL. {DOCS}",
                id="unmask.W003",
            )
        )
    return found
