"""The roles of the record. Groups and their permissions are (re)applied after every migrate."""

from django.db.models.signals import post_migrate

EDITOR = "editor"
REVIEWER = "reviewer"
MODERATOR = "moderator"
ADMIN = "admin"

RECORD_MODELS = [
    "organization",
    "organizationname",
    "organizationtext",
    "identifier",
    "site",
    "product",
    "link",
    "linkstatusevent",
    "source",
    "citation",
    "response",
]


def role_permissions() -> dict[str, set[str]]:
    """Permission codenames (app_label.codename) of each role."""
    editor = {
        f"record.{action}_{model}"
        for model in RECORD_MODELS
        for action in ("view", "add", "change")
    }
    reviewer = (
        editor
        | {f"record.delete_{model}" for model in RECORD_MODELS}
        | {
            "record.publish_organization",
            "record.publish_site",
            "record.publish_product",
            "record.publish_link",
            "record.publish_response",
        }
    )
    moderator = {
        f"campaign.{action}_{model}"
        for model in ("action", "call", "localgroup")
        for action in ("view", "add", "change")
    } | {
        # a call's texts in other languages: written, corrected and removed with the call
        *(f"campaign.{action}_calltext" for action in ("view", "add", "change", "delete")),
        "campaign.moderate_action",
        "campaign.publish_call",
        # what calls and actions are aimed at: chosen from the record in the admin
        *(
            f"campaign.{action}_{model}"
            for model in ("actiontarget", "calltarget")
            for action in ("view", "add", "change", "delete")
        ),
        "record.view_organization",
        "record.view_site",
        "record.view_product",
    }
    # The home page's introduction (the campaign's) and the methodology (the record's): both
    # roles edit and translate them; adding or removing a page is an administrator's.
    pages = {"pages.view_page", "pages.change_page"} | {
        f"pages.{action}_pagetext" for action in ("view", "add", "change", "delete")
    }
    reviewer |= pages
    moderator |= pages
    admin = (
        reviewer
        | moderator
        | {
            "pages.add_page",
            "pages.delete_page",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            "otp_totp.view_totpdevice",
            "otp_totp.delete_totpdevice",
        }
    )
    return {EDITOR: editor, REVIEWER: reviewer, MODERATOR: moderator, ADMIN: admin}


def ensure_roles(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, names in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in sorted(names):
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def ensure_cache_tables(**kwargs) -> None:
    """Database cache tables (used for sign-in throttling when no Redis is configured)."""
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


def connect() -> None:
    post_migrate.connect(ensure_roles, dispatch_uid="unmask.accounts.roles")
    post_migrate.connect(ensure_cache_tables, dispatch_uid="unmask.accounts.cache_tables")
