from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "unmask.campaign"
    verbose_name = "Campaign"

    def ready(self) -> None:
        from unmask.campaign import signals

        signals.connect()
        signals.connect_record()
