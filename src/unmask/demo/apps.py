from django.apps import AppConfig


def _demo_changed(sender, raw=False, **kwargs) -> None:
    """Every page says whether the demo data is loaded: loading or removing it is a new version
    of the record, for the caches keyed by it."""
    if not raw:
        from unmask.record import version

        version.bump()


class DemoConfig(AppConfig):
    name = "unmask.demo"
    verbose_name = "Fictional demo"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from unmask.demo.context_processors import offline
        from unmask.record.models import DemoDataset
        from unmask.web import pagecache

        pagecache.offline_context(offline)  # the 503 page shows the banner too
        post_save.connect(_demo_changed, sender=DemoDataset, dispatch_uid="demo-saved")
        post_delete.connect(_demo_changed, sender=DemoDataset, dispatch_uid="demo-deleted")
