from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    name = "unmask.record"
    verbose_name = _("The record")

    def ready(self) -> None:
        from unmask.record import staff as replies
        from unmask.record import version
        from unmask.web import pagecache, staff, versions

        # Public pages show the record, the campaign and the site's texts: cached per version;
        # so are the shell's preview cards and derived payloads.
        pagecache.depends_on(version.everything)
        versions.provide(version.stamp)

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
