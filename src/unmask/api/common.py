"""Pieces every part of the public API shares: error bodies, typed parameters, references to other
records, and cursor pagination."""

from __future__ import annotations

import binascii
from base64 import b64decode
from copy import copy
from typing import Annotated, Any, Literal
from urllib import parse

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# Public ids are short lower-case letters and digits (record.text.new_public_id); the pattern keeps
# anything else (NUL bytes, slashes, very long strings) away from the database.
PUBLIC_ID_PATTERN = r"^[0-9a-z]{1,12}$"
PublicId = Annotated[
    str,
    Field(
        pattern=PUBLIC_ID_PATTERN,
        description="A record's public id: short, lower-case, never changes.",
    ),
]
CountryCode = Annotated[
    str,
    Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. DE."),
]

# A language the site offers (settings.LANGUAGES), as the API names texts' languages.
LanguageT = Literal[tuple(code for code, _name in settings.LANGUAGES)]


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in one sentence.")


class ValidationErrorOut(Schema):
    detail: str = Field(description="What went wrong, naming the parameter.")
    errors: list[dict[str, Any]] = Field(
        description="Every problem found: `loc` names the parameter, `msg` says what is wrong."
    )


ERRORS = {404: ErrorOut, 422: ValidationErrorOut}


def not_found(kind: str, public_id: str) -> HttpError:
    return HttpError(404, f"No public {kind} with the id {public_id!r}.")


def one_or_404(queryset: QuerySet, kind: str, public_id: str):
    """The record with this public id in `queryset` (a public one), or the JSON 404."""
    item = queryset.filter(public_id=public_id).first()
    if item is None:
        raise not_found(kind, public_id)
    return item


def path_id(kind: str):
    """A public id in the path, described and checked by the schema."""
    return Path(..., pattern=PUBLIC_ID_PATTERN, description=f"The {kind}'s public id.")


def list_endpoint(router: Router, path: str, out, summary: str, tag: str, description: str = ""):
    """GET `path`: a list of `out` (cursor pages), named "<tag>-list"."""
    return router.get(
        path,
        response={200: list[out], 422: ValidationErrorOut},
        summary=summary,
        description=description,
        tags=[tag],
        url_name=f"{tag}-list",
    )


def detail_endpoint(router: Router, path: str, out, summary: str, tag: str, **kwargs):
    """GET `path`: one `out` or the JSON errors, named after the tag in the singular."""
    return router.get(
        path,
        response={200: out, **ERRORS},
        summary=summary,
        tags=[tag],
        url_name=tag.removesuffix("s"),
        **kwargs,
    )


def absolute(request: HttpRequest, path: str | None) -> str | None:
    return request.build_absolute_uri(path) if path else None


# --- references -------------------------------------------------------------------------------


class Ref(Schema):
    """Another record, named: follow `public_id` to its own endpoint, `url` to its page."""

    public_id: str
    name: str
    url: str | None = Field(description="Its page on this site, if it has one.")

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_url(obj, context) -> str | None:
        get_url = getattr(obj, "get_absolute_url", None)
        return absolute(context["request"], get_url()) if get_url else None


# --- pagination --------------------------------------------------------------------------------


def _invalid_cursor(message: str = "Invalid cursor: use the `next` or `previous` URL as given."):
    return NinjaValidationError(
        [{"loc": ["query", "cursor"], "msg": message, "type": "value_error"}]
    )


class CursorPage(CursorPagination):
    """ninja's cursor pagination, with three changes:

    - the order comes from the queryset when `follow_queryset_order` is set (the organization
      list's `sort`), else from `ordering`; either way it must be total (end with "pk");
    - a cursor that does not decode or does not fit the ordered field is a 422, never a 500;
    - the offset within a run of equal sort keys (all organizations of one country) may be large.
    """

    items_attribute = "results"

    class Input(Schema):
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Results per page ({DEFAULT_PAGE_SIZE} unless given; at most {MAX_PAGE_SIZE}).",
        )
        cursor: str = Field(
            None,
            max_length=1000,
            description="Where a page starts. Opaque: take it from the `next` or `previous` URL.",
        )

    class Output(Schema):
        next: str | None = Field(description="URL of the next page; null on the last page.")
        previous: str | None = Field(description="URL of the previous page; null on the first.")
        results: list[Any]

    class Cursor(CursorPagination.Cursor):
        o: int = Field(default=0, ge=0, le=10**7, title="offset")

        @classmethod
        def from_encoded_param(cls, encoded_param, context=None):
            if not encoded_param:
                return cls()
            try:
                decoded = b64decode(encoded_param.encode("ascii"), validate=True).decode("ascii")
                cursor = cls.model_validate(
                    parse.parse_qs(decoded, keep_blank_values=True), context=context
                )
            except (ValueError, binascii.Error, pydantic.ValidationError) as exc:
                raise _invalid_cursor() from exc
            if cursor.p is not None and "\x00" in cursor.p:
                raise _invalid_cursor()
            return cursor

    def __init__(self, *, follow_queryset_order: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
        self.follow_queryset_order = follow_queryset_order

    def _with_ordering(self, ordering: tuple[str, ...]) -> CursorPage:
        if ordering == self.ordering:
            return self
        pager = copy(self)  # one paginator serves every request: never change it in place
        pager.ordering = ordering
        pager._order_attribute = ordering[0].lstrip("-")
        pager._order_attribute_reversed = ordering[0].startswith("-")
        return pager

    def _find_position(self, queryset: QuerySet, cursor) -> QuerySet:
        try:
            return super()._find_position(queryset, cursor)
        except (DjangoValidationError, ValueError, TypeError, OverflowError) as exc:
            raise _invalid_cursor() from exc

    def paginate_queryset(self, queryset, pagination, request, **params):
        pager = self
        if self.follow_queryset_order and queryset.query.order_by:
            pager = self._with_ordering(tuple(queryset.query.order_by))
        return CursorPagination.paginate_queryset(pager, queryset, pagination, request, **params)
