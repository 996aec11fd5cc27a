"""Headers that protect readers: no referrer leaks, no powerful browser features, no embedding."""

from django.conf import settings


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
        return response
