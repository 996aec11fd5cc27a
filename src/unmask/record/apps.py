from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    name = "unmask.record"
    verbose_name = _("The record")

    def ready(self) -> None:
        from unmask.record import staff as replies
        from unmask.web import staff

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
