from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "unmask.exchange"
    verbose_name = "Open data"
