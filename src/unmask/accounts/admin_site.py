"""The staff area: Django's admin with throttled, optionally two-factor sign-in
(per client by django-axes, per account by unmask.accounts.signin)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from unmask.accounts import signin

# One message for every failure, so that none tells a wrong code from a wrong password
FAILED = _(
    "Sign-in failed. Check the user name, the password and the two-factor code if you use "
    "one, or try again in a few minutes."
)


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
        "invalid_login": FAILED,
        "inactive": FAILED,
    }

    def _token(self) -> str:
        return (self.cleaned_data.get("otp_token") or "").strip()

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if (
            username is not None
            and password
            and not signin.admit(self.request, username, self._token())
        ):
            raise forms.ValidationError(FAILED, code="invalid_login")
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user_has_device(user, confirmed=True):
            device = match_token(user, self._token()) if self._token() else None
            if device is None:
                # counted like a wrong password: per account, and by django-axes per client
                credentials = {"username": self.cleaned_data.get("username")}
                user_login_failed.send(__name__, credentials=credentials, request=self.request)
                raise forms.ValidationError(FAILED, code="invalid_login")
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
