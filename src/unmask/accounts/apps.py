from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "unmask.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from unmask.accounts import roles, signin  # noqa: F401 - signin's receivers

        roles.connect()


class UnmaskAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "unmask.accounts.admin_site.StaffAdminSite"
