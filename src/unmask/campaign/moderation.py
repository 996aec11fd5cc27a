"""The moderators' screen: the queue of submitted actions, with everything needed to decide.

One page, /moderate/: every waiting action with its local time, place, group, call, text and the
submitter's contact e-mail, flagged when it looks like a duplicate; publish, reject (with a
reason), the same in bulk, and "trust this group". Below, the last decisions, so a mistake can be
undone. Every form is plain HTML (Post/Redirect/Get); moderate.js only adds keyboard shortcuts.
The rules stay in services.py; this module also holds the rule of a likely duplicate, shared
with the admin's queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from unmask.campaign import services, times
from unmask.campaign.models import Action, ActionStatus, ActionTarget, LocalGroup

QUEUE_LIMIT = 200  # one screen; more than this waiting and the admin's list pages them
RECENT = 20

# Offered in the reason field (free text is always allowed): what moderators write most often.
PRESET_REASONS = [
    gettext_lazy("Not a public action"),
    gettext_lazy("Not peaceful or not lawful"),
    gettext_lazy("Duplicate of an action already listed"),
    gettext_lazy("A private or home address is given as the meeting point"),
    gettext_lazy("Not about the campaign"),
    gettext_lazy("The time or the place is unclear"),
    gettext_lazy("Spam"),
]


# --- the rule of a likely duplicate --------------------------------------------------------------


def _same_slot(starts_at, pk, city, online_url) -> QuerySet[Action]:
    """Other live, not rejected actions starting at the same instant in the same city (case
    ignored) or at the same online address. Arguments are values or OuterRef expressions."""
    same_city = Q(lower_city=Lower(city)) & ~Q(city="")
    same_address = Q(online=True, online_url=online_url) & ~Q(online_url="")
    return (
        Action.objects.filter(starts_at=starts_at, deleted_at__isnull=True)
        .exclude(pk=pk)
        .exclude(status=ActionStatus.REJECTED)
        .annotate(lower_city=Lower("city"))
        .filter(same_city | same_address)
    )


def with_duplicate_flag(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate each action with `likely_duplicate`: does another one take the same slot?"""
    same = _same_slot(
        OuterRef("starts_at"), OuterRef("pk"), OuterRef("city"), OuterRef("online_url")
    )
    return queryset.annotate(likely_duplicate=Exists(same))


def duplicates_of(action: Action) -> QuerySet[Action]:
    """The actions that make `action` a likely duplicate."""
    return _same_slot(
        action.starts_at, action.pk, Value(action.city), action.online_url
    ).select_related("group")


# --- what the screen shows -------------------------------------------------------------------

_FREQUENCIES = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}
_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def recurrence_in_words(rule: str) -> str:
    """'FREQ=WEEKLY;INTERVAL=2;COUNT=8' → 'every 2 weeks, 8 times'. Empty for no rule; parts it
    does not know are left to the rule, which the screen shows next to these words."""
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    unit = _FREQUENCIES.get(parts.get("FREQ", ""))
    if unit is None:
        return ""
    try:
        every = max(int(parts.get("INTERVAL", "1")), 1)
    except ValueError:
        every = 1
    if unit == "day":
        words = ngettext("every day", "every %(n)d days", every) % {"n": every}
    elif unit == "week":
        words = ngettext("every week", "every %(n)d weeks", every) % {"n": every}
    else:
        words = ngettext("every month", "every %(n)d months", every) % {"n": every}
    days = [d[-2:] for d in parts.get("BYDAY", "").split(",") if d[-2:] in _DAYS]
    if days:
        names = [formats.date_format(_weekday(d), "l") for d in days]
        words += " " + _("on %(days)s") % {"days": ", ".join(names)}
    if count := re.fullmatch(r"\d+", parts.get("COUNT", "")):
        n = int(count[0])
        words += ", " + ngettext("%(n)d time", "%(n)d times", n) % {"n": n}
    elif until := re.match(r"(\d{4})(\d{2})(\d{2})", parts.get("UNTIL", "")):
        try:
            last = datetime(int(until[1]), int(until[2]), int(until[3]))
            words += ", " + _("until %(day)s") % {"day": formats.date_format(last)}
        except ValueError:
            pass
    return words


def _weekday(code: str) -> datetime:
    return datetime(2024, 1, 1 + _DAYS[code])  # 1 January 2024 was a Monday


def _when(instant: datetime, zone: str) -> datetime:
    try:
        return times.local(instant, zone)
    except times.TimeError:  # a zone the system no longer knows: show UTC rather than fail
        return instant


@dataclass
class Item:
    """One waiting action as the screen shows it."""

    action: Action
    start: datetime
    end: datetime
    zone_abbreviation: str
    recurrence_words: str
    languages: list[str]
    duplicates: list[Action] = field(default_factory=list)
    next_id: int | None = None
    error: str = ""
    reason: str = ""

    @property
    def same_day(self) -> bool:
        return self.start.date() == self.end.date()


def _items(actions: list[Action]) -> list[Item]:
    items = []
    for action in actions:
        start, end = (
            _when(action.starts_at, action.timezone),
            _when(action.ends_at, action.timezone),
        )
        items.append(
            Item(
                action=action,
                start=start,
                end=end,
                zone_abbreviation=start.tzname() or "",
                recurrence_words=recurrence_in_words(action.recurrence),
                languages=[code.strip() for code in action.languages.split(",") if code.strip()],
                duplicates=list(duplicates_of(action)) if action.likely_duplicate else [],
            )
        )
    for item, following in pairwise(items):
        item.next_id = following.action.pk
    return items


@dataclass
class Decision:
    """A recent decision: the action, its status now, who decided, when, and why."""

    action: Action
    who: object = None
    when: datetime | None = None
    reason: str = ""


def _recent_decisions() -> list[Decision]:
    """The last decisions, newest first: for each recently changed action that is no longer
    waiting, the history row where it took its current status."""
    decided = list(
        Action.objects.filter(deleted_at__isnull=True)
        .exclude(status=ActionStatus.SUBMITTED)
        .select_related("group")
        .order_by("-updated_at", "-pk")[: RECENT * 2]
    )
    rows = (
        Action.history.filter(id__in=[a.pk for a in decided])
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    found: dict[int, Decision] = {a.pk: Decision(a) for a in decided}
    previous: dict[int, str] = {}
    for row in rows:
        decision = found[row.id]
        if row.status == decision.action.status and previous.get(row.id) != row.status:
            decision.who, decision.when = row.history_user, row.history_date
            decision.reason = row.history_change_reason or ""
        previous[row.id] = row.status
    ordered = sorted(found.values(), key=lambda d: d.when or d.action.updated_at, reverse=True)
    return ordered[:RECENT]


def _screen(
    request: HttpRequest,
    *,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    bulk_error: str = "",
    status: int = 200,
) -> HttpResponse:
    waiting = with_duplicate_flag(
        Action.objects.filter(status=ActionStatus.SUBMITTED, deleted_at__isnull=True)
    ).select_related("group", "call")
    waiting = waiting.prefetch_related(
        "call__texts",
        Prefetch(
            "targets",
            queryset=ActionTarget.objects.select_related(
                "organization", "site__organization", "product"
            ),
        ),
    )
    total = waiting.count()
    items = _items(list(waiting.order_by("starts_at", "pk")[:QUEUE_LIMIT]))
    errors, typed = errors or {}, typed or {}
    for item in items:
        item.error = errors.get(item.action.pk, "")
        item.reason = typed.get(item.action.pk, "")
    selected = {str(pk) for pk in request.POST.getlist("selected")} if bulk_error else set()
    context = {
        "items": items,
        "total": total,
        "limit": QUEUE_LIMIT,
        "waiting_ids": {item.action.pk for item in items},
        "decisions": _recent_decisions(),
        "preset_reasons": PRESET_REASONS,
        "bulk_error": bulk_error,
        "bulk_reason": request.POST.get("bulk_reason", "") if bulk_error else "",
        "selected": selected,
    }
    return render(request, "campaign/moderate.html", context, status=status)


# --- the view ----------------------------------------------------------------------------------


def _needs_second_factor(user) -> bool:
    """The admin's rule (accounts/admin_site.py): enrolled or required two-factor sign-in must
    have been used in this session."""
    return (settings.REQUIRE_2FA or user_has_device(user, confirmed=True)) and not (
        user.is_verified()
    )


def _to_queue(request: HttpRequest, next_id: str = "") -> HttpResponse:
    url = reverse("campaign:moderate")
    if next_id.isdigit():
        url += f"#action-{next_id}"
    return redirect(url)


def _waiting_or_decided(pk: str) -> Action:
    if not pk.isdigit():
        raise ValidationError(_("No such action."))
    return get_object_or_404(Action, pk=int(pk), deleted_at__isnull=True)


def _report(request: HttpRequest, action: Action, exc: Exception) -> None:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, f"{action}: {text}")


def _reason_error(exc: ValidationError) -> str:
    """The message of a refused reason, or "" when the refusal is about something else."""
    if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
        return "; ".join(exc.message_dict["reason"])
    return ""


def _decide_one(request: HttpRequest, op: str) -> HttpResponse:
    action = _waiting_or_decided(request.POST.get("action", ""))
    next_id = request.POST.get("next", "")
    try:
        if op == "publish":
            services.publish_action(action, actor=request.user)
            messages.success(request, _("Published: %(title)s") % {"title": action.title})
        else:
            reason = request.POST.get("reason", "")
            services.reject_action(action, actor=request.user, reason=reason)
            messages.success(request, _("Rejected: %(title)s") % {"title": action.title})
    except ValidationError as exc:
        if message := _reason_error(exc):
            typed = {action.pk: request.POST.get("reason", "")}
            return _screen(request, errors={action.pk: message}, typed=typed, status=400)
        _report(request, action, exc)
        next_id = str(action.pk)
    return _to_queue(request, next_id)


def _decide_many(request: HttpRequest, op: str) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    actions = list(Action.objects.filter(pk__in=ids, deleted_at__isnull=True).order_by("starts_at"))
    if not actions:
        messages.error(request, _("Check at least one action first."))
        return _to_queue(request)
    reason = request.POST.get("bulk_reason", "")
    done = 0
    for action in actions:
        try:
            with transaction.atomic():
                if op == "bulk_publish":
                    services.publish_action(action, actor=request.user)
                else:
                    services.reject_action(action, actor=request.user, reason=reason)
            done += 1
        except ValidationError as exc:
            if message := _reason_error(exc):  # the same for every one: nothing was changed
                return _screen(request, bulk_error=message, status=400)
            _report(request, action, exc)
    if done and op == "bulk_publish":
        text = ngettext("%(n)d action published.", "%(n)d actions published.", done)
        messages.success(request, text % {"n": done})
    elif done:
        text = ngettext("%(n)d action rejected.", "%(n)d actions rejected.", done)
        messages.success(request, text % {"n": done})
    return _to_queue(request)


def _trust(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("group", "")
    if not pk.isdigit():
        return HttpResponseBadRequest()
    group = get_object_or_404(LocalGroup, pk=int(pk), deleted_at__isnull=True)
    services.set_group_trusted(group, actor=request.user, trusted=True)
    messages.success(
        request,
        _("%(group)s is trusted: its signed-in members now publish directly.")
        % {"group": group.name},
    )
    return _to_queue(request, request.POST.get("next", ""))


@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or _needs_second_factor(user):
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    if not user.has_perm(services.MODERATE):
        raise PermissionDenied
    if request.method == "GET" or request.method == "HEAD":
        return _screen(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    op = request.POST.get("op", "")
    try:
        if op in ("publish", "reject"):
            return _decide_one(request, op)
        if op in ("bulk_publish", "bulk_reject"):
            return _decide_many(request, op)
        if op == "trust":
            return _trust(request)
    except ValidationError:  # a malformed id
        return HttpResponseBadRequest()
    return HttpResponseBadRequest()


def waiting_count() -> int:
    """How many actions wait for a moderator (the staff bar's count): one indexed COUNT."""
    return Action.objects.filter(status=ActionStatus.SUBMITTED, deleted_at__isnull=True).count()
