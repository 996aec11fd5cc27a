from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "unmask.campaign"
    verbose_name = "Campaign"

    def ready(self) -> None:
        from unmask.campaign import map_popup, signals

        signals.connect()
        signals.connect_record()
        map_popup.connect()
