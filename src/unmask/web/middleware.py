"""Headers that protect readers and let caches absorb a flood of them."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSRF_COOKIE_NAME in response.cookies:
            # A page with a form: under no-referrer, browsers send "Origin: null" with its POST and
            # the CSRF check must refuse it. same-origin still sends nothing to any other host.
            response["Referrer-Policy"] = "same-origin"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        self._cache_headers(request, response)
        return response

    @staticmethod
    def _cache_headers(request, response) -> None:
        """Public pages for anonymous readers may be kept by shared caches for a short while;
        anything personal (a signed-in user, a cookie being set) never."""
        if "Cache-Control" in response or request.method not in ("GET", "HEAD"):
            return
        user = getattr(request, "user", None)
        if response.cookies or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_cache=True)
        elif response.status_code == 200 and settings.PAGE_MAX_AGE:
            patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
