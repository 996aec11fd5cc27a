from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "unmask.exchange"
    verbose_name = "Open data"

    def ready(self) -> None:
        from unmask.exchange import drafts, publish
        from unmask.web import pagecache, staff

        pagecache.depends_on(publish.published_set)  # /data/ lists the files published

        staff.register(
            staff.StaffQueue(
                key="exchange.imported-drafts",
                label=_("Imported drafts with sources"),
                url_name="admin:record_organization_changelist",
                query="?imported=ready",
                permission="record.publish_organization",
                count=drafts.ready_count,
                order=30,
            )
        )
