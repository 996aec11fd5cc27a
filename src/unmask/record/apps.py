from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_changed(sender, raw=False, **kwargs) -> None:
    """Every page says whether the demo data is loaded: loading or removing it is a new version
    of the record, for the caches keyed by it."""
    if not raw:
        from unmask.record import version

        version.bump()


class RecordConfig(AppConfig):
    name = "unmask.record"
    verbose_name = _("The record")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from unmask.record import staff as replies
        from unmask.record import version
        from unmask.record.models import DemoDataset
        from unmask.web import pagecache, staff

        # Public pages show the record, the campaign and the site's texts: cached per version.
        pagecache.depends_on(version.everything)
        post_save.connect(_demo_changed, sender=DemoDataset, dispatch_uid="record-demo-saved")
        post_delete.connect(_demo_changed, sender=DemoDataset, dispatch_uid="record-demo-deleted")

        staff.register(
            staff.StaffQueue(
                key="record.replies",
                label=_("Replies to check"),
                url_name="record:replies-queue",
                permission=replies.PUBLISH,
                count=replies.waiting_count,
                order=20,
            )
        )
