from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _bump(sender, raw=False, **kwargs) -> None:
    """A page's text changed: pages cached before it (web/pagecache.py) are not used again."""
    if not raw:
        from unmask.record import version

        version.bump(version.PAGES)


class PagesConfig(AppConfig):
    name = "unmask.pages"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from unmask.pages.models import Page, PageText

        for model in (Page, PageText):
            name = model.__name__
            post_save.connect(_bump, sender=model, dispatch_uid=f"pages-version-save-{name}")
            post_delete.connect(_bump, sender=model, dispatch_uid=f"pages-version-delete-{name}")
