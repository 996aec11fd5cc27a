"""The reviewers' screen for replies: /moderate/replies/.

One page, like the moderators' queue of actions (campaign/moderation.py), and driven by the same
keyboard shortcuts (frontend/src/moderate.js): every reply waiting to be checked, with the
organization, the claim it answers (or its profile), the text as sent, the day it came and the
sender's contact e-mail, then Publish, or Reject with a note. Below, the last decisions. Every
form is plain HTML (Post/Redirect/Get); the rules stay in services.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from unmask.record import services
from unmask.record.models import Response, ResponseStatus

PUBLISH = "record.publish_response"
QUEUE_LIMIT = 200  # one screen; more than this waiting and the admin's list pages them
RECENT = 20

PRESET_REASONS = [
    gettext_lazy("Not sent by the organization"),
    gettext_lazy("Abusive or unlawful content"),
    gettext_lazy("Duplicate of a reply already received"),
    gettext_lazy("Not about this record"),
    gettext_lazy("Spam"),
]


def waiting() -> QuerySet[Response]:
    """Replies received and not yet decided (neither published nor rejected), and not deleted."""
    return Response.objects.filter(status=ResponseStatus.RECEIVED, deleted_at__isnull=True)


def waiting_count() -> int:
    return waiting().count()


@dataclass
class Decision:
    reply: Response
    who: object = None
    when: datetime | None = None
    reason: str = ""


def _recent_decisions() -> list[Decision]:
    """The last replies published or rejected, newest first, each with its latest history row
    (who, when, the note)."""
    decided = list(
        Response.objects.filter(status__in=[ResponseStatus.PUBLISHED, ResponseStatus.REJECTED])
        .select_related("organization")
        .order_by("-updated_at", "-pk")[:RECENT]
    )
    found = {reply.pk: Decision(reply) for reply in decided}
    rows = (
        Response.history.filter(id__in=list(found))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    for row in rows:  # the last row of each wins
        decision = found[row.id]
        decision.who, decision.when = row.history_user, row.history_date
        decision.reason = row.history_change_reason or ""
    return list(found.values())


def _screen(
    request: HttpRequest, *, error_for: int | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    replies = waiting().select_related("organization", "link__subject", "link__object")
    total = replies.count()
    items = list(replies.order_by("received_on", "pk")[:QUEUE_LIMIT])
    for index, item in enumerate(items):
        item.next_id = items[index + 1].pk if index + 1 < len(items) else None
        item.error = error if item.pk == error_for else ""
        item.typed = request.POST.get("reason", "") if item.pk == error_for else ""
    context = {
        "items": items,
        "total": total,
        "limit": QUEUE_LIMIT,
        "decisions": _recent_decisions(),
        "preset_reasons": PRESET_REASONS,
    }
    return render(request, "record/staff/replies.html", context, status=status)


def _needs_second_factor(user) -> bool:
    """The admin's rule (accounts/admin_site.py): enrolled or required two-factor sign-in must
    have been used in this session."""
    return (settings.REQUIRE_2FA or user_has_device(user, confirmed=True)) and not (
        user.is_verified()
    )


def _to_queue(next_id: str = "") -> HttpResponse:
    url = reverse("record:replies-queue")
    if next_id.isdigit():
        url += f"#reply-{next_id}"
    return redirect(url)


def _decide(request: HttpRequest, op: str) -> HttpResponse:
    pk = request.POST.get("reply", "")
    if not pk.isdigit():
        return HttpResponseBadRequest()
    reply = get_object_or_404(Response.objects.select_related("organization"), pk=int(pk))
    name = reply.organization.name
    next_id = request.POST.get("next", "")
    try:
        if op == "publish":
            services.publish_response(reply, actor=request.user)
            messages.success(request, _("Published: the reply from %(org)s") % {"org": name})
        else:
            services.reject_response(reply, actor=request.user, reason=request.POST.get("reason"))
            messages.success(request, _("Rejected: the reply from %(org)s") % {"org": name})
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
            message = "; ".join(exc.message_dict["reason"])
            return _screen(request, error_for=reply.pk, error=message, status=400)
        messages.error(request, f"{reply}: {'; '.join(exc.messages)}")
        next_id = str(reply.pk)
    return _to_queue(next_id)


@never_cache
def replies_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or _needs_second_factor(user):
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    if not user.has_perm(PUBLISH):
        raise PermissionDenied
    if request.method in ("GET", "HEAD"):
        return _screen(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    op = request.POST.get("op", "")
    if op in ("publish", "reject"):
        return _decide(request, op)
    return HttpResponseBadRequest()
