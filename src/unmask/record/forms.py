"""Public forms of the record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from unmask.cleantext import CleanTextMixin
from unmask.record.models import Link
from unmask.web import honeypot


class ReplyForm(CleanTextMixin, forms.Form):
    """An organization named in the record replies or asks for a correction."""

    link = forms.ModelChoiceField(
        label=_("What you reply to"),
        queryset=Link.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("The profile as a whole"),
    )
    text = forms.CharField(
        label=_("Your reply or correction"),
        widget=forms.Textarea(attrs={"rows": 10}),
        min_length=20,
        max_length=10000,
        help_text=_(
            "Published as you write it, next to the claim, once we checked it comes from the organization."
        ),
    )
    contact_email = forms.EmailField(
        label=_("E-mail address at the organization"),
        help_text=_(
            "Only our staff see it, to check the reply is genuine. It is deleted when the reply is published."
        ),
    )
    # A field people never see (hidden by the stylesheet); bots that fill every field fill it.
    website = honeypot.field()

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        links = Link.objects.public().filter(subject=organization) | Link.objects.public().filter(
            object=organization
        )
        self.fields["link"].queryset = links.select_related(
            "subject", "object", "product"
        ).order_by("relation", "pk")

    def clean_website(self):
        return honeypot.check(
            self, "website", _("The reply could not be sent. Please send it again.")
        )
