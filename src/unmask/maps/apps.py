from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "unmask.maps"
    verbose_name = "Map"
