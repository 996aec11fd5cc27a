"""The campaign in the public API: calls to action, public actions and local groups.

Only what readers see on the site: published calls (Call.objects.public), published actions and
cancelled ones that had been published (Action.objects.public), groups with a page
(LocalGroup.objects.public), and of their targets only those whose organization, site or product is
public. Never a contact e-mail, an edit token, a group's members or a moderator's reason for a
rejection. Every list is fetched in a fixed number of queries, however long the page.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator

from unmask.api.common import (
    CountryCode,
    CursorPage,
    LanguageT,
    PublicId,
    Ref,
    absolute,
    detail_endpoint,
    list_endpoint,
    one_or_404,
    path_id,
)
from unmask.campaign import queries, times
from unmask.campaign.models import (
    Action,
    ActionKind,
    ActionStatus,
    ActionTarget,
    Call,
    CallTarget,
    LocalGroup,
)
from unmask.record.api import OrganizationRef
from unmask.record.models import Organization
from unmask.urlcache import fast_reverse

router = Router()

ActionKindT = Literal[tuple(ActionKind.values)]
PublicStatusT = Literal["published", "cancelled"]
TargetKindT = Literal["organization", "site", "product"]

PLAIN = "Plain text as submitted: show it as text, never as HTML."
MARKDOWN = "Markdown source (CommonMark). Render it with raw HTML off and sanitize it."
KIND_NAMES = {"org": "organization", "site": "site", "product": "product"}


def _or_none(value: Any) -> Any:
    return value if value not in ("", None) else None


def _country(value) -> str | None:
    return value.code if value else None


# --- references ----------------------------------------------------------------------------------


class CallRef(Ref):
    name: str = Field(description="The call's title.")


class GroupRef(Ref):
    pass


class TargetOut(Ref):
    """What a call or an action is aimed at, from the record: an organization, one of its sites,
    or a product or program. Follow `public_id` to /api/v1/organizations/{id}, /sites/{id} or
    /products/{id} (by `kind`). Only public records: a target that left the public record is
    left out."""

    kind: TargetKindT
    organization: OrganizationRef | None = Field(
        description="For a site: the organization whose site it is; null otherwise."
    )

    @staticmethod
    def resolve_kind(obj) -> str:
        return KIND_NAMES[obj.kind]

    @staticmethod
    def resolve_public_id(obj) -> str:
        return obj.thing.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.thing)

    @staticmethod
    def resolve_url(obj, context) -> str | None:
        get_url = getattr(obj.thing, "get_absolute_url", None)  # sites may have no page
        return absolute(context["request"], get_url()) if get_url else None

    @staticmethod
    def resolve_organization(obj):
        return obj.site.organization if obj.site_id else None


TARGETS = "What it is aimed at, in the organizers' order; only public records."


# --- records ---------------------------------------------------------------------------------


class CallTextOut(Schema):
    """A call to action in another language than the one it is written in."""

    language: LanguageT
    title: str
    body: str = Field(description=MARKDOWN)


class CallOut(Schema):
    """A call to action: what the campaign asks people to do, when, and against whom."""

    public_id: str
    url: str = Field(description="Its page on this site.")
    title: str
    body: str = Field(description=MARKDOWN)
    language: LanguageT = Field(description="The language it is written in.")
    texts: list[CallTextOut] = Field(
        description="The call in other languages, by language. Its original is the call's own "
        "title, body and language."
    )
    starts_on: date | None = Field(description="First day of the call's period, if any.")
    ends_on: date | None = Field(description="Last day of the call's period, if any.")
    published_at: datetime
    targets: list[TargetOut] = Field(description=TARGETS)

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_texts(obj) -> list:
        return [t for t in obj.texts.all() if t.language != obj.language]  # prefetched, by language

    @staticmethod
    def resolve_targets(obj) -> list:
        return obj.public_targets


class ActionOut(Schema):
    """A public action: a demonstration, a vigil, an info stand, a talk, an online action. Times
    are given twice: as UTC instants and in the place's own time zone."""

    public_id: str
    url: str = Field(description="Its page on this site.")
    title: str = Field(description=PLAIN)
    kind: ActionKindT
    status: PublicStatusT = Field(
        description="`cancelled`: it will not happen; it stays listed so nobody turns up."
    )
    status_reason: str | None = Field(description="Why it was cancelled; null unless cancelled.")
    description: str = Field(description=PLAIN)
    starts_at: datetime = Field(description="Start of the first occurrence, UTC.")
    ends_at: datetime = Field(description="End of the first occurrence, UTC.")
    timezone: str = Field(description="The place's IANA time zone, e.g. Europe/Berlin.")
    local_starts_at: datetime = Field(
        description="Start of the first occurrence, wall-clock time in `timezone`, with its offset."
    )
    local_ends_at: datetime = Field(
        description="End of the first occurrence, wall-clock time in `timezone`, with its offset."
    )
    recurrence: str | None = Field(
        description="How it repeats, as an RFC 5545 RRULE (e.g. FREQ=WEEKLY;COUNT=8), expanded in "
        "local time: the wall-clock time stays the same across changes of summer time. Null when "
        "it happens once."
    )
    last_ends_at: datetime = Field(description="End of the last occurrence, UTC.")
    online: bool
    online_url: str | None = Field(description="Where to join an online action.")
    address: str = Field(description="The meeting point, a public place (may be empty).")
    city: str
    country: str | None = Field(description="ISO 3166-1 alpha-2.")
    latitude: float | None = Field(description="WGS84, or null.")
    longitude: float | None = Field(description="WGS84, or null.")
    call: CallRef | None = Field(description="The call to action it answers.")
    group: GroupRef | None = Field(description="The local group that organizes it.")
    languages: list[str] = Field(description="Language codes spoken there.")
    targets: list[TargetOut] = Field(description=TARGETS)
    ics_url: str = Field(description="The action as an iCalendar file, every occurrence.")
    published_at: datetime

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_status_reason(obj) -> str | None:
        if obj.status != ActionStatus.CANCELLED:
            return None
        return obj.status_reason or None

    @staticmethod
    def resolve_local_starts_at(obj) -> datetime:
        return times.local(obj.starts_at, obj.timezone)

    @staticmethod
    def resolve_local_ends_at(obj) -> datetime:
        return times.local(obj.ends_at, obj.timezone)

    @staticmethod
    def resolve_recurrence(obj) -> str | None:
        return _or_none(obj.recurrence)

    @staticmethod
    def resolve_online_url(obj) -> str | None:
        return _or_none(obj.online_url)

    @staticmethod
    def resolve_country(obj) -> str | None:
        return _country(obj.country)

    @staticmethod
    def resolve_call(obj):
        return obj.call if obj.call_id and obj.call_is_public else None

    @staticmethod
    def resolve_group(obj):
        return obj.group if obj.group_id and obj.group_is_public else None

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return obj.language_list

    @staticmethod
    def resolve_targets(obj) -> list:
        return obj.public_targets

    @staticmethod
    def resolve_ics_url(obj, context) -> str:
        return absolute(context["request"], fast_reverse("campaign:action-ics", obj.public_id))


class GroupOut(Schema):
    """A local group that organizes actions: a group's name and place, never a person."""

    public_id: str
    url: str = Field(description="Its page on this site.")
    name: str
    city: str
    country: str | None = Field(description="ISO 3166-1 alpha-2.")
    website: str | None
    description: str = Field(description=PLAIN)
    upcoming_actions: int = Field(
        description="Its public actions not yet over (running or to come), cancelled ones "
        "included: ask /api/v1/actions?group={public_id}."
    )
    past_actions: int = Field(description="Its public actions that are over.")

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_country(obj) -> str | None:
        return _country(obj.country)

    @staticmethod
    def resolve_website(obj) -> str | None:
        return _or_none(obj.website)


# --- querysets: what is public, fetched in a fixed number of queries ---------------------------


def _targets(model) -> Prefetch:
    return Prefetch(
        "targets",
        queryset=model.objects.public()
        .select_related("organization", "site__organization", "product")
        .order_by("position", "pk"),
        to_attr="public_targets",
    )


def calls():
    return queries.public_calls().prefetch_related(
        _targets(CallTarget),
        "texts",  # by language (CallText.Meta.ordering)
    )


def actions():
    return (
        Action.objects.public()
        .select_related("call", "group")
        .annotate(
            call_is_public=Exists(Call.objects.public().filter(pk=OuterRef("call"))),
            group_is_public=Exists(LocalGroup.objects.public().filter(pk=OuterRef("group"))),
        )
        .prefetch_related(_targets(ActionTarget))
    )


def _count_actions(**filters):
    counted = (
        Action.objects.public()
        .filter(group=OuterRef("pk"), **filters)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def groups(now: datetime | None = None):
    now = now or timezone.now()
    return LocalGroup.objects.public().annotate(
        upcoming_actions=_count_actions(last_ends_at__gte=now),
        past_actions=_count_actions(last_ends_at__lt=now),
    )


# --- filters -------------------------------------------------------------------------------------
# As in record/api.py: optional parameters are typed without "| None"; absent means None.


class CallQuery(Schema):
    org: PublicId = Field(
        None, description="Aimed at this organization (its public id) or at one of its sites."
    )
    product: PublicId = Field(None, description="Aimed at this product or program.")
    language: LanguageT = Field(None, description="Written in this language.")
    open: bool = Field(
        None, description="true: its period has not ended (or has no end); false: it has ended."
    )


def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also take a number of seconds since 1970 ("0")."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class ActionQuery(Schema):
    call: PublicId = Field(None, description="Answers this call to action.")
    group: PublicId = Field(None, description="Organized by this local group.")
    country: CountryCode = Field(None, description="Held in this country (ISO 3166-1 alpha-2).")
    org: PublicId = Field(
        None, description="Aimed at this organization (its public id) or at one of its sites."
    )
    product: PublicId = Field(None, description="Aimed at this product or program.")
    kind: ActionKindT = Field(None)
    from_: Day = Field(
        None,
        alias="from",
        description="Not over before this day (UTC): its last occurrence ends on or after "
        "00:00 UTC that day.",
    )
    to: Day = Field(
        None,
        description="Begun by the end of this day (UTC): its first occurrence starts before "
        "00:00 UTC the day after.",
    )
    status: PublicStatusT = Field(None)


class GroupQuery(Schema):
    country: CountryCode = Field(None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


# --- endpoints -------------------------------------------------------------------------------


@list_endpoint(
    router,
    "/calls",
    CallOut,
    "List calls to action",
    "calls",
    "Published calls to action, oldest first (when they were entered), with their targets.",
)
@paginate(CursorPage, ordering=("created_at", "pk"))
def list_calls(request, filters: Query[CallQuery]):
    qs = calls()
    if filters.org:
        org = Organization.objects.filter(public_id=filters.org).values("pk")
        aimed = CallTarget.objects.public().of_organization(org)
        qs = qs.filter(pk__in=aimed.values("call_id"))
    if filters.product:
        aimed = CallTarget.objects.public().filter(product__public_id=filters.product)
        qs = qs.filter(pk__in=aimed.values("call_id"))
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.open is not None:
        period_open = Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate())
        qs = qs.filter(period_open if filters.open else ~period_open)
    return qs


@detail_endpoint(router, "/calls/{public_id}", CallOut, "One call to action", "calls")
def get_call(request, public_id: str = path_id("call")):
    return one_or_404(calls(), "call", public_id)


@list_endpoint(
    router,
    "/actions",
    ActionOut,
    "List public actions",
    "actions",
    "Published actions, and cancelled ones that had been published, by start (UTC), past ones "
    "included: use `from` for what is not over yet.",
)
@paginate(CursorPage, ordering=("starts_at", "pk"))
def list_actions(request, filters: Query[ActionQuery]):
    qs = queries.ActionFilters(
        country=(filters.country or "").upper(),
        call=filters.call or "",
        group=filters.group or "",
        kind=filters.kind or "",
        org=filters.org or "",
        product=filters.product or "",
    ).apply(actions())
    if filters.from_:
        qs = qs.filter(last_ends_at__gte=_midnight(filters.from_))
    if filters.to and filters.to < date.max:
        qs = qs.filter(starts_at__lt=_midnight(filters.to + timedelta(days=1)))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.from_ and filters.to and filters.to < filters.from_:
        qs = qs.none()  # an empty range (a 422 would refuse a request the schema allows)
    return qs


@detail_endpoint(router, "/actions/{public_id}", ActionOut, "One public action", "actions")
def get_action(request, public_id: str = path_id("action")):
    return one_or_404(actions(), "action", public_id)


@list_endpoint(
    router,
    "/groups",
    GroupOut,
    "List local groups",
    "groups",
    "Groups with a page on this site (trusted by the moderators, or with a published action), "
    "by name.",
)
@paginate(CursorPage, ordering=("name", "pk"))
def list_groups(request, filters: Query[GroupQuery]):
    qs = groups()
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    return qs


@detail_endpoint(router, "/groups/{public_id}", GroupOut, "One local group", "groups")
def get_group(request, public_id: str = path_id("group")):
    return one_or_404(groups(), "group", public_id)
