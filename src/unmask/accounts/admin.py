from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin


class StaffUserAdmin(UserAdmin):
    """People with the admin role manage accounts and roles, but only a superuser makes another
    superuser or hands out single permissions outside the roles."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return fields


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
