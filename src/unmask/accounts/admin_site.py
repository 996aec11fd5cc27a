"""The staff area: Django's admin with throttled, optionally two-factor sign-in."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you enrolled an authenticator app."),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": _("Enter the six-digit code from your authenticator app."),
        "otp_invalid": _(
            "That two-factor code is not valid. Check your device's clock and try again."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user_has_device(user, confirmed=True):
            token = (self.cleaned_data.get("otp_token") or "").strip()
            if not token:
                raise forms.ValidationError(
                    self.error_messages["otp_required"], code="otp_required"
                )
            device = match_token(user, token)
            if device is None:
                raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
            user.otp_device = device  # django_otp marks the session as verified on login


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/unmask_login.html"
    site_header = _("unmask — staff")
    site_title = _("unmask staff")
    index_title = _("The record")

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if settings.REQUIRE_2FA or user_has_device(request.user, confirmed=True):
            return request.user.is_verified()
        return True
