"""Every write to the campaign raises its version (record/version.py, scope CAMPAIGN), in the
writer's transaction, so that cached feeds, calendars and map layers change with it."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from unmask.record import version


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if kwargs.get("action", "post_").startswith("post_"):
        version.bump(version.CAMPAIGN)


def connect() -> None:
    from unmask.campaign.models import Action, ActionTarget, Call, CallTarget, CallText, LocalGroup

    for model in (Action, Call, CallText, LocalGroup, ActionTarget, CallTarget):
        post_save.connect(
            _bump, sender=model, dispatch_uid=f"campaign-version-save-{model.__name__}"
        )
        post_delete.connect(
            _bump, sender=model, dispatch_uid=f"campaign-version-delete-{model.__name__}"
        )


def _follow_merge(sender, *, keep, drop, actor=None, reason="", **kwargs) -> None:
    """Calls and actions aimed at a merged organization are aimed at the one it was merged
    into; a call or action that named both keeps one row."""
    from unmask.campaign import services
    from unmask.campaign.models import ActionTarget, CallTarget

    for model, owner in ((CallTarget, "call"), (ActionTarget, "action")):
        owners = {getattr(row, owner) for row in model.objects.filter(organization=drop)}
        for item in owners:
            things = [keep if t.organization_id == drop.pk else t.thing for t in item.targets.all()]
            services.write_targets(item, things, actor=actor, reason=reason)


def _feed_items(sender, *, org, limit=50, **kwargs) -> list:
    """An organization's feed lists the public actions aimed at it (or at its sites): each
    entry dated when the action was published, or changed later (cancelled, moved)."""
    from django.utils.translation import gettext as _

    from unmask.campaign import queries, times
    from unmask.campaign.models import ActionTarget
    from unmask.record.queries import Change
    from unmask.web import atom

    aimed = ActionTarget.objects.public().of_organization(org).values("action_id")
    actions = queries.public_actions().filter(pk__in=aimed).order_by("-updated_at", "-pk")[:limit]
    items = []
    for action in actions:
        start = times.local(action.starts_at, action.timezone)
        place = action.city or (str(_("Online")) if action.online else "")
        label = _("Action: %(title)s, %(date)s, %(place)s") % {
            "title": action.title,
            "date": start.strftime("%Y-%m-%d %H:%M %Z"),
            "place": place,
        }
        if action.status == "cancelled":
            reason = _("Cancelled: %(reason)s") % {"reason": action.status_reason}
        else:
            reason = action.get_kind_display()
        items.append(
            Change(
                max(action.updated_at, action.published_at),
                "action",
                label,
                action.get_absolute_url(),
                str(reason),
                # The id it has in the actions' feed: one entry, updated when the action is.
                atom.tag(action.created_at, f"action/{action.public_id}"),
            )
        )
    return items


def connect_record() -> None:
    from unmask.record.signals import organization_feed, organization_merged

    organization_merged.connect(_follow_merge, dispatch_uid="campaign-follow-merge")
    organization_feed.connect(_feed_items, dispatch_uid="campaign-organization-feed")
