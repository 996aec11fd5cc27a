from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "unmask.web"
    verbose_name = _("Web")

    def ready(self):
        from django.db.models.signals import pre_save

        from unmask.cleantext import clean_before_save
        from unmask.web import checks  # noqa: F401 - registers the deployment checks

        # Every model of unmask stores clean text (cleantext.py), whatever wrote it.
        pre_save.connect(clean_before_save, dispatch_uid="unmask-clean-text")
