"""Pieces every part of the public API shares: error bodies, typed parameters, references to other
records, and cursor pagination."""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from typing import Annotated, Any, Literal

import orjson
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination
from ninja.responses import NinjaJSONEncoder

from unmask.record.text import COUNTRY_CODE_PATTERN, PUBLIC_ID_PATTERN

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# Public ids are short lower-case letters and digits (record.text.new_public_id); the pattern keeps
# anything else (NUL bytes, slashes, very long strings) away from the database.
PublicId = Annotated[
    str,
    Field(
        pattern=PUBLIC_ID_PATTERN,
        description="A record's public id: short, lower-case, never changes.",
    ),
]
CountryCode = Annotated[
    str,
    Field(pattern=COUNTRY_CODE_PATTERN, description="ISO 3166-1 alpha-2 code, e.g. DE."),
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

# A cursor is text the schema describes exactly, so that every cursor it allows is one the server
# understands: `n` (forward) or `p` (backward), the items to skip, then `.` and the sort key of the
# item the page starts from: the text itself for a list sorted by text, microseconds since
# 1970-01-01T00:00Z for one sorted by time (`..._at`), days since 1970-01-01 for one sorted by
# day (`..._on`). A list with several orders names its order first ("-changed:n0.1767225600000000").
TEXT, TIME, DAY = "text", "time", "day"
OFFSET = r"(?:0|[1-9][0-9]{0,6})"
POSITIONS = {TEXT: r"[^\x00]*", TIME: r"-?[0-9]{1,18}", DAY: r"-?[0-9]{1,7}"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Far positions are read as the first or last moment a database takes.
FIRST_TIME, LAST_TIME = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)
CURSOR_HELP = {
    TEXT: "its sort key (text)",
    TIME: "its sort time, in microseconds since 1970-01-01T00:00Z",
    DAY: "its sort day, in days since 1970-01-01",
}


def position_kind(ordering: tuple[str, ...]) -> str:
    """What a list's positions are, from the field it is sorted by first: a time (`..._at`), a
    day (`..._on`), or text."""
    name = ordering[0].lstrip("-")
    return TIME if name.endswith("_at") else DAY if name.endswith("_on") else TEXT


def _token(kind: str) -> str:
    return rf"[np]{OFFSET}(?:\.{POSITIONS[kind]})?"


def _invalid_cursor(message: str = "Invalid cursor: use the `next` or `previous` URL as given."):
    return NinjaValidationError(
        [{"loc": ["query", "cursor"], "msg": message, "type": "value_error"}]
    )


def _cursor_input(pattern: str, description: str) -> type[Schema]:
    class Input(Schema):
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Results per page ({DEFAULT_PAGE_SIZE} unless given; at most {MAX_PAGE_SIZE}).",
        )
        cursor: str = Field(None, max_length=1000, pattern=pattern, description=description)

    return Input


class CursorPage(CursorPagination):
    """ninja's cursor pagination, with these changes:

    - the order comes from the queryset when `follow_queryset_order` is set (the organization
      list's `sort`), else from `ordering`; either way it must be total (end with "pk"); with
      `orderings` (those the queryset may have, by name), a cursor names its order and keeps it;
    - the cursor is the text described above, and the schema gives its pattern for each list:
      a cursor that fits it is understood, one that does not is a 422, never a 500;
    - the offset within a run of equal sort keys (all organizations of one country) may be large.
    """

    items_attribute = "results"

    class Output(Schema):
        next: str | None = Field(description="URL of the next page; null on the last page.")
        previous: str | None = Field(description="URL of the previous page; null on the first.")
        results: list[Any]

    class Cursor(CursorPagination.Cursor):
        o: int = Field(default=0, ge=0, le=9_999_999, title="offset")
        key: str | None = None  # the order it was made for, in a list with several

        @classmethod
        def from_encoded_param(cls, encoded_param, context=None):
            if not encoded_param:
                return cls()
            match = re.fullmatch(rf"([np])({OFFSET})(?:\.(.*))?", encoded_param, re.DOTALL)
            if match is None or "\x00" in encoded_param:
                raise _invalid_cursor()
            direction, offset, position = match.groups()
            return cls(r=direction == "p", o=int(offset), p=position)

        def encode_as_param(self) -> str:
            token = f"{'p' if self.r else 'n'}{self.o}"
            if self.p is not None:
                token += f".{self.p}"
            return f"{self.key}:{token}" if self.key else token

    def __init__(
        self,
        *,
        follow_queryset_order: bool = False,
        orderings: dict[str, tuple[str, ...]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
        self.follow_queryset_order = follow_queryset_order
        self.orderings = dict(orderings or {})
        self._configure(self.ordering)
        form = (
            "`n` (forward) or `p` (backward), the number of items to skip, then optionally `.` "
            "and the position of the item the page starts from"
        )
        intro = "Where a page starts: take it from the `next` or `previous` URL. Its form: "
        if self.orderings:
            assert all(re.fullmatch(r"-?[a-z_]+", key) for key in self.orderings)
            alternatives = [f"{k}:{_token(position_kind(o))}" for k, o in self.orderings.items()]
            pattern = f"^(?:{'|'.join(alternatives)})$"
            kinds = sorted({position_kind(order) for order in self.orderings.values()})
            positions = "; ".join(
                f"{CURSOR_HELP[kind]} in the order "
                + ", ".join(f"`{k}`" for k, o in self.orderings.items() if position_kind(o) == kind)
                for kind in kinds
            )
            description = (
                f"{intro}the name of the order and `:`, then {form} ({positions}). A cursor "
                "keeps the order it was made for."
            )
        else:
            pattern = f"^{_token(self._kind)}$"
            description = f"{intro}{form} ({CURSOR_HELP[self._kind]})."
        self.Input = _cursor_input(pattern, description)

    def _configure(self, ordering: tuple[str, ...]) -> None:
        self.ordering = ordering
        self._order_attribute = ordering[0].lstrip("-")
        self._order_attribute_reversed = ordering[0].startswith("-")
        self._kind = position_kind(ordering)
        self._key = next((k for k, o in self.orderings.items() if tuple(o) == ordering), None)

    def _with_ordering(self, ordering: tuple[str, ...]) -> CursorPage:
        if ordering == self.ordering:
            return self
        pager = copy(self)  # one paginator serves every request: never change it in place
        pager._configure(ordering)
        return pager

    def _get_position(self, item: Any) -> str:
        value = getattr(item, self._order_attribute)
        if self._kind == TIME:
            return str((value - EPOCH) // timedelta(microseconds=1))
        if self._kind == DAY:
            return str((value - EPOCH.date()).days)
        return str(value)

    def _position_value(self, position: str):
        if self._kind == TEXT:
            return position
        number = int(position)
        first, last = (FIRST_TIME, LAST_TIME) if self._kind == TIME else (date.min, date.max)
        try:
            if self._kind == TIME:
                value = EPOCH + timedelta(microseconds=number)
            else:
                value = EPOCH.date() + timedelta(days=number)
        except OverflowError:
            return first if number < 0 else last
        return min(max(value, first), last)

    def _find_position(self, queryset: QuerySet, cursor) -> QuerySet:
        if cursor.p is None:
            return queryset
        try:
            value = self._position_value(cursor.p)
        except ValueError as exc:
            raise _invalid_cursor() from exc
        cmp = "gte" if cursor.r == self._order_attribute_reversed else "lte"
        return queryset.filter(**{f"{self._order_attribute}__{cmp}": value})

    def _build_next_cursor(self, *args, **kwargs):
        cursor = super()._build_next_cursor(*args, **kwargs)
        if cursor is not None:
            cursor.key = self._key
        return cursor

    def _build_previous_cursor(self, *args, **kwargs):
        cursor = super()._build_previous_cursor(*args, **kwargs)
        if cursor is not None:
            cursor.key = self._key
        return cursor

    def paginate_queryset(self, queryset, pagination, request, **params):
        pager = self
        if self.follow_queryset_order and queryset.query.order_by:
            pager = self._with_ordering(tuple(queryset.query.order_by))
        if self.orderings and pagination.cursor:
            key, _sep, token = pagination.cursor.partition(":")
            if key not in self.orderings:
                raise _invalid_cursor()
            pager = self._with_ordering(tuple(self.orderings[key]))
            pagination = pagination.model_copy(update={"cursor": token})
        return CursorPagination.paginate_queryset(pager, queryset, pagination, request, **params)


# --- pages written from values --------------------------------------------------------------------


_ninja_default = NinjaJSONEncoder().default


def dump_json(data: Any) -> bytes:
    """`data` as ninja writes JSON (its encoder's forms of dates, times, decimals, UUIDs), in
    UTF-8 as it is, by orjson: a page of 50 organizations with their citations is 170 KB, which
    the standard library's encoder took 1–2 ms to write, orjson a tenth of a millisecond."""
    return orjson.dumps(data, default=_ninja_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def values_page(rows: Callable[[HttpRequest, list], list[dict]]):
    """Between an endpoint's declaration and its @paginate: the page's records written by
    `rows` (from values read a kind of nested record at a time) as the endpoint's schema gives
    them, instead of being prefetched as model instances and validated by the schema one by one:
    for the busiest lists, where those were most of a page's time. The schema stays the
    endpoint's (the OpenAPI document and the tests check the answers against it); the JSON is
    written as ninja writes it (dump_json)."""

    def decorate(view):
        @wraps(view)
        def written(request: HttpRequest, **kwargs):
            page = view(request, **kwargs)
            page[CursorPage.items_attribute] = rows(request, page[CursorPage.items_attribute])
            return HttpResponse(dump_json(page), content_type="application/json; charset=utf-8")

        return written

    return decorate
