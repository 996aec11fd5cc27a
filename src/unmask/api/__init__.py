"""The public, read-only JSON API at /api/v1/ (django-ninja), with its OpenAPI schema and docs.

Each app adds a router (the record: `unmask.record.api`; the campaign: `unmask.campaign.api`);
this package holds what they share: the API object, errors, pagination (`common`) and the HTTP
behaviour of every URL (`http`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from unmask.api.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, absolute

DESCRIPTION = f"""
The public record as data: which organizations supply the program, with what, since when, on what
evidence, and what they replied. Read-only, no sign-up, no cookies; any web page may read it
(`Access-Control-Allow-Origin: *`).

- **Only public records**: published by a reviewer, sourced, and naming only public records.
  Records are named by their `public_id`, which never changes; `url` is a record's page on this
  site. Other records are referenced as `{{public_id, name, url}}`.
- **Lists** are ordered and paged by cursor: follow `next` until it is null. `page_size` is
  {DEFAULT_PAGE_SIZE} unless given, at most {MAX_PAGE_SIZE}. Keep the other parameters as they are
  while paging (the `next` URL does).
- **Caching**: responses carry an `ETag`; send it back in `If-None-Match` to get
  `304 Not Modified` when nothing changed.
- **Errors** are JSON: `{{"detail": "..."}}`; 404 for an unknown id, 422 for an invalid parameter
  (with `errors` naming each one).
- Dates of links and sources are partial: a year (`2019`), a month (`2019-05`) or a day.
- **The campaign**: published calls to action, public actions (times in UTC and in the place's
  own time zone) and local groups; calls and actions name their targets in the record.
"""


class PublicSwagger(Swagger):
    """ninja's Swagger UI page, served from this site's static files (no CDN). Its scripts are
    files, so it runs under the site's CSP; the validator badge (a request to
    validator.swagger.io) is switched off."""

    default_settings = {
        **Swagger.default_settings,
        "validatorUrl": None,
        "tryItOutEnabled": True,
        "displayRequestDuration": True,
        "defaultModelsExpandDepth": 0,
    }


class Utf8JSONRenderer(JSONRenderer):
    """JSON in UTF-8 as it is, not as \\u escapes: a description in Arabic or Kurdish then takes
    2 bytes a letter instead of 6."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title=f"{settings.SITE_NAME} — public record API",
    renderer=Utf8JSONRenderer(),
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    docs=PublicSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError):
    """422 with a sentence naming the parameter(s), and ninja's detailed list under `errors`."""
    errors = exc.errors
    names = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = ".".join(loc) or "request"
        if name not in names:
            names.append(name)
    first = errors[0].get("msg", "invalid") if errors else "invalid"
    detail = f"Invalid value for {', '.join(names)}: {first}"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


class IndexOut(Schema):
    title: str
    version: str
    docs: str = Field(description="Human-readable documentation of this API.")
    openapi: str = Field(description="The OpenAPI schema.")
    endpoints: dict[str, str] = Field(description="The lists, by name.")


COLLECTIONS = (
    "organizations",
    "links",
    "sites",
    "products",
    "sources",
    "responses",
    "calls",
    "actions",
    "groups",
)


@api.get("/", response=IndexOut, summary="What this API offers", tags=["about"], url_name="index")
def index(request: HttpRequest):
    return {
        "title": api.title,
        "version": api.version,
        "docs": absolute(request, reverse("api:openapi-view")),
        "openapi": absolute(request, reverse("api:openapi-json")),
        "endpoints": {name: absolute(request, reverse(f"api:{name}-list")) for name in COLLECTIONS},
    }


def _add_routers() -> None:
    from unmask.campaign.api import router as campaign_router
    from unmask.record.api import router as record_router

    api.add_router("", record_router)
    api.add_router("", campaign_router)


_add_routers()
