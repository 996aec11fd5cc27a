"""Every write to the campaign raises its version (record/version.py, scope CAMPAIGN), in the
writer's transaction, so that cached feeds, calendars and map layers change with it."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from unmask.record import version


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if kwargs.get("action", "post_").startswith("post_"):
        version.bump(version.CAMPAIGN)


def connect() -> None:
    from unmask.campaign.models import Action, Call, LocalGroup

    for model in (Action, Call, LocalGroup):
        post_save.connect(
            _bump, sender=model, dispatch_uid=f"campaign-version-save-{model.__name__}"
        )
        post_delete.connect(
            _bump, sender=model, dispatch_uid=f"campaign-version-delete-{model.__name__}"
        )
    for through in (Call.organizations.through, Call.products.through):
        m2m_changed.connect(
            _bump, sender=through, dispatch_uid=f"campaign-version-{through.__name__}"
        )
