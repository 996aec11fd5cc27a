"""The anonymous forms' honeypot: a field people never see (hidden by the stylesheet) that bots
which fill every field fill. A filled one fails the form with a message that does not name the
field, and what was typed in it is not sent back."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TrapInput(forms.TextInput):
    def format_value(self, value):
        return None


def field() -> forms.CharField:
    return forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=TrapInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def check(form: forms.Form, name: str, message) -> str:
    """For clean_<name>(): a filled trap is a form error (not the field's), and its value is
    dropped."""
    if form.cleaned_data.get(name):
        form.add_error(None, message)
    return ""
