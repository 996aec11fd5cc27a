"""Every write to the campaign goes through here: submitting, editing, moderating and cancelling
actions, and deleting contact e-mails that are no longer needed.

An action submitted by anyone waits for a moderator; one submitted by a signed-in member of a
trusted group is published at once. The submitter gets a secret token (shown once; only its hash
is stored) to follow, edit and cancel the action. Every change is kept in the history with its
reason and raises the action's SEQUENCE for calendar readers.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unmask.campaign import times
from unmask.campaign.models import Action, ActionStatus, ActionTarget, Call, CallTarget, LocalGroup
from unmask.record.models import Organization, Product, Site

MODERATE = "campaign.moderate_action"
# Fields that only the moderation steps below change.
PROTECTED = {
    "status",
    "status_reason",
    "published_at",
    "edit_token_hash",
    "sequence",
    "last_ends_at",
}


def _save(item: Action | Call | LocalGroup, actor, reason: str) -> None:
    item._change_reason = reason
    if actor is not None and getattr(actor, "is_authenticated", False):
        item._history_user = actor
    item.save()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class When:
    """What a form gives: local date and time of start and end, and the zone's name."""

    start_day: date
    start_time: time
    end_day: date
    end_time: time
    zone: str
    recurrence: str = ""


def apply_times(action: Action, when: When) -> None:
    """Set the action's instants from local times, or raise ValidationError naming the field."""
    errors = {}
    try:
        times.zone(when.zone)
    except times.TimeError as exc:
        raise ValidationError({"timezone": str(exc)}) from exc
    try:
        start = times.to_utc(when.start_day, when.start_time, when.zone)
    except times.TimeError as exc:
        errors["starts_at"] = str(exc)
    try:
        end = times.to_utc(when.end_day, when.end_time, when.zone)
    except times.TimeError as exc:
        errors["ends_at"] = str(exc)
    if errors:
        raise ValidationError(errors)
    if end <= start:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if end - start > timedelta(days=14):
        raise ValidationError(
            {"ends_at": _("An action lasts at most two weeks; a repeating one can repeat.")}
        )
    try:
        rule = times.check_rule(when.recurrence, start, when.zone)
    except times.TimeError as exc:
        raise ValidationError({"recurrence": str(exc)}) from exc
    action.timezone, action.starts_at, action.ends_at, action.recurrence = (
        when.zone,
        start,
        end,
        rule,
    )
    action.last_ends_at = times.last_end(start, end, when.zone, rule)


def _validate(action: Action) -> None:
    action.full_clean(exclude=["last_ends_at"])
    if not action.online and not (action.city or action.address):
        raise ValidationError({"city": _("Give the place (at least the city), or mark it online.")})
    if action.online and action.kind != "online" and not action.online_url and not action.city:
        raise ValidationError({"online_url": _("Give the address of the online action.")})


def _member_of_trusted(actor, group: LocalGroup | None) -> bool:
    return bool(
        group is not None
        and group.trusted
        and actor is not None
        and getattr(actor, "is_authenticated", False)
        and group.members.filter(pk=actor.pk).exists()
    )


def _target_key(thing) -> tuple:
    return (
        thing.pk if isinstance(thing, Organization) else None,
        thing.pk if isinstance(thing, Site) else None,
        thing.pk if isinstance(thing, Product) else None,
    )


def write_targets(item: Action | Call, things, *, actor=None, reason: str = "") -> bool:
    """Make `things` (organizations, sites, products, in order, each once) the targets of a call
    or an action. Rows stay when nothing changed; otherwise the old rows are replaced and the
    change is kept in the targets' history with `reason`. Callers check permissions (and, for
    the public, that every thing is public: campaign.targets.resolve). Returns whether
    anything changed."""
    wanted = list(dict.fromkeys(_target_key(t) for t in things))
    rows = list(item.targets.order_by("position", "pk"))
    if [(r.organization_id, r.site_id, r.product_id) for r in rows] == wanted:
        return False
    model = ActionTarget if isinstance(item, Action) else CallTarget
    owner = "action" if isinstance(item, Action) else "call"
    note = reason or _("Targets changed")
    for row in rows:
        row._change_reason = note
        if actor is not None and getattr(actor, "is_authenticated", False):
            row._history_user = actor
        row.delete()
    for position, (org, site, product) in enumerate(wanted):
        row = model(
            organization_id=org,
            site_id=site,
            product_id=product,
            position=position,
            **{owner: item},
        )
        row.full_clean(exclude=[owner])
        row._change_reason = note
        if actor is not None and getattr(actor, "is_authenticated", False):
            row._history_user = actor
        row.save()
    return True


@transaction.atomic
def set_call_targets(call: Call, things, *, actor, reason: str = "") -> Call:
    """What a call is aimed at; organizers only."""
    if actor is not None and not actor.has_perm("campaign.change_call"):
        raise PermissionDenied(_("Only organizers can change what a call targets."))
    if write_targets(call, things, actor=actor, reason=reason):
        _save(call, actor, reason or _("Targets changed"))
    return call


@transaction.atomic
def submit_action(
    when: When, *, actor=None, targets=(), note: str = "", **fields
) -> tuple[Action, str]:
    """A new action from the public form (or a group member), aimed at `targets` (records the
    form resolved as public). Returns it and the secret token of its private link, which is
    shown once and never stored. `note`, if given, is the history's reason (an import's)."""
    action = Action(**fields)
    apply_times(action, when)
    _validate(action)
    token = secrets.token_urlsafe(24)
    action.edit_token_hash = token_hash(token)
    if _member_of_trusted(actor, action.group):
        action.status = ActionStatus.PUBLISHED
        action.published_at = timezone.now()
        _save(action, actor, note or _("Published directly by a member of a trusted group"))
    else:
        _save(action, actor, note or _("Submitted"))
    write_targets(action, targets, actor=actor, reason=note or _("Submitted"))
    return action, token


def can_edit_with_token(action: Action, token: str) -> bool:
    return bool(token) and secrets.compare_digest(action.edit_token_hash, token_hash(token))


@transaction.atomic
def update_action(
    action: Action,
    *,
    actor=None,
    token: str = "",
    when: When | None = None,
    targets=None,
    reason: str,
    **fields,
) -> Action:
    """Change an action: a moderator at any time, the submitter (with the token) while it waits."""
    if actor is not None and actor.has_perm(MODERATE):
        pass
    elif can_edit_with_token(action, token):
        if action.status != ActionStatus.SUBMITTED:
            raise PermissionDenied(_("A published action can only be cancelled, not edited."))
    else:
        raise PermissionDenied(_("You cannot edit this action."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what changed and why.")})
    kept = PROTECTED & set(fields)
    if kept:
        raise ValueError(f"not changed by an edit: {sorted(kept)}")  # a bug, not bad input
    for name, value in fields.items():
        setattr(action, name, value)
    if when is not None:
        apply_times(action, when)
    _validate(action)
    action.sequence += 1
    _save(action, actor, reason.strip())
    if targets is not None:
        write_targets(action, targets, actor=actor, reason=reason.strip())
    return action


def _moderator(actor) -> None:
    if actor is None or not actor.has_perm(MODERATE):
        raise PermissionDenied(_("Only moderators can do this."))


@transaction.atomic
def publish_action(action: Action, *, actor, note: str = "") -> Action:
    _moderator(actor)
    if action.status not in (ActionStatus.SUBMITTED, ActionStatus.REJECTED):
        raise ValidationError(_("Only a waiting or rejected action can be published."))
    action.status, action.status_reason = ActionStatus.PUBLISHED, ""
    action.published_at = action.published_at or timezone.now()
    action.sequence += 1
    _save(action, actor, note or _("Published"))
    return action


@transaction.atomic
def reject_action(action: Action, *, actor, reason: str) -> Action:
    _moderator(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the submitter sees it.")})
    if action.status != ActionStatus.SUBMITTED:
        raise ValidationError(_("Only a waiting action can be rejected; cancel a published one."))
    action.status, action.status_reason = ActionStatus.REJECTED, reason.strip()
    _save(action, actor, reason.strip())
    return action


@transaction.atomic
def cancel_action(
    action: Action, *, actor=None, token: str = "", reason: str, note: str = ""
) -> Action:
    """Cancel: by a moderator, or by the submitter with the token. A published action stays
    visible, marked cancelled, so nobody turns up to an action that will not happen. `note`,
    if given, is the history's reason instead of `reason` (an import's)."""
    if not (actor is not None and actor.has_perm(MODERATE)) and not can_edit_with_token(
        action, token
    ):
        raise PermissionDenied(_("You cannot cancel this action."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is cancelled: readers see it.")})
    if action.status == ActionStatus.CANCELLED:
        return action
    if action.status not in (ActionStatus.SUBMITTED, ActionStatus.PUBLISHED):
        # A rejected action keeps the moderator's decision and reason.
        raise ValidationError(_("Only a waiting or published action can be cancelled."))
    action.status, action.status_reason = ActionStatus.CANCELLED, reason.strip()
    action.sequence += 1
    _save(action, actor, note or reason.strip())
    return action


PUBLISH_CALL = "campaign.publish_call"


@transaction.atomic
def publish_call(call: Call, *, actor, note: str = "") -> Call:
    """Put a call to action on the site (and in the calls' feed). Organizers write calls in the
    admin; publishing is a separate, permitted step."""
    if actor is None or not actor.has_perm(PUBLISH_CALL):
        raise PermissionDenied(_("Only organizers can publish calls to action."))
    if call.published_at is None:
        call.published_at = timezone.now()
        _save(call, actor, note or _("Published"))
    return call


@transaction.atomic
def withdraw_call(call: Call, *, actor, reason: str) -> Call:
    if actor is None or not actor.has_perm(PUBLISH_CALL):
        raise PermissionDenied(_("Only organizers can withdraw calls to action."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the call is withdrawn.")})
    call.published_at = None
    _save(call, actor, reason.strip())
    return call


def group_for(name: str, *, city: str = "", country: str = "", actor=None) -> LocalGroup | None:
    """The local group a submitter names: an existing one of that name (and country, when
    given), or a new one. A new group has no page until one of its actions is published."""
    name = " ".join(name.split())
    if not name:
        return None
    found = LocalGroup.objects.filter(name__iexact=name, deleted_at__isnull=True)
    if country:
        found = found.filter(country__in=[country, ""])
    group = found.order_by("pk").first()
    if group is None:
        group = LocalGroup(name=name[:200], city=city[:200], country=country)
        group.full_clean()
        _save(group, actor, _("Named by a submitted action"))
    return group


def purge_contact_emails(*, days: int, now: datetime | None = None) -> int:
    """Delete submitters' contact e-mails `days` after their action's last occurrence ended.
    The history tables never held them. Returns how many were deleted."""
    now = now or timezone.now()
    due = Action.objects.exclude(contact_email="").filter(
        last_ends_at__lt=now - timedelta(days=days)
    )
    return due.update(contact_email="")


@transaction.atomic
def set_group_trusted(group: LocalGroup, *, actor, trusted: bool) -> LocalGroup:
    """Trust a group (its signed-in members then publish directly) or stop trusting it."""
    _moderator(actor)
    if group.trusted == trusted:
        return group
    group.trusted = trusted
    reason = _("Trusted by a moderator") if trusted else _("No longer trusted")
    _save(group, actor, reason)
    return group
