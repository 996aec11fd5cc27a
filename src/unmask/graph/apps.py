from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "unmask.graph"
    verbose_name = "Network graph"
