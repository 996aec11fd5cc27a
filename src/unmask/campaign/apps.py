from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "unmask.campaign"
    verbose_name = "Campaign"

    def ready(self) -> None:
        from unmask.campaign import map_popup, moderation, signals
        from unmask.web import staff

        signals.connect()
        signals.connect_record()
        map_popup.connect()
        staff.register(
            staff.StaffQueue(
                key="campaign.actions",
                label=_("Actions to moderate"),
                url_name="campaign:moderate",
                permission="campaign.moderate_action",
                count=moderation.waiting_count,
                order=10,
            )
        )
