"""The record's feeds for the "Follow" panel (web/follow.py):

    {% load record_follow %}
    {% record_feeds as feeds %}        the changes to the whole record (the home page)
    {% record_feeds org as feeds %}    an organization's changes (and the actions aimed at it,
                                       which the campaign adds to that feed)

Products and countries have no feed of their own in the record: their pages follow the actions
aimed at them (campaign_follow) and nothing else.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from unmask.web.follow import Subscription, absolute

register = template.Library()


@register.simple_tag(takes_context=True)
def record_feeds(context, org=None) -> list[Subscription]:
    request = context["request"]
    if org is None:
        return [
            Subscription(
                _("Changes to the record"), atom=absolute(request, reverse("record:changes-feed"))
            )
        ]
    path = reverse("record:organization-feed", args=[org.public_id, org.slug])
    return [
        Subscription(_("Changes about %(name)s") % {"name": org.name}, atom=absolute(request, path))
    ]
