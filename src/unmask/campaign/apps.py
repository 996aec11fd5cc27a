from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "unmask.campaign"
    verbose_name = "Campaign"
