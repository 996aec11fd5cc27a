"""The campaign's feeds for the "Follow" panel (web/follow.py): the actions aimed at a thing, as
an Atom feed and a calendar, both with the same filters as the list (queries.ActionFilters).

    {% load campaign_follow %}
    {% action_feeds as feeds %}               every action, the calls, the OPML list (home)
    {% action_feeds org as feeds %}           aimed at an organization or its sites
    {% action_feeds product as feeds %}       aimed at a product or program
    {% action_feeds call as feeds %}          answering a call
    {% action_feeds group as feeds %}         organized by a local group
    {% action_feeds country="DE" as feeds %}  in a country
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries.fields import Country

from unmask.campaign.models import Call, LocalGroup
from unmask.record.models import Organization, Product
from unmask.web.follow import Subscription, absolute

register = template.Library()


def _actions(request, title: str, params: dict | None = None) -> Subscription:
    return Subscription(
        title,
        atom=absolute(request, reverse("campaign:actions-atom"), params),
        ics=absolute(request, reverse("campaign:actions-ics"), params),
    )


@register.simple_tag(takes_context=True)
def action_feeds(context, thing=None, *, country: str = "") -> list[Subscription]:
    request = context["request"]
    if isinstance(thing, Organization):
        title = _("Actions aimed at %(name)s") % {"name": thing.name}
        return [_actions(request, title, {"org": thing.public_id})]
    if isinstance(thing, Product):
        title = _("Actions aimed at %(name)s") % {"name": thing.name}
        return [_actions(request, title, {"product": thing.public_id})]
    if isinstance(thing, Call):
        return [_actions(request, _("Actions answering this call"), {"call": thing.public_id})]
    if isinstance(thing, LocalGroup):
        title = _("Actions by %(name)s") % {"name": thing.name}
        return [_actions(request, title, {"group": thing.public_id})]
    if country:
        code = str(country).upper()
        title = _("Actions in %(place)s") % {"place": Country(code).name}
        return [_actions(request, title, {"country": code})]
    return [
        _actions(request, _("Actions")),
        Subscription(_("Calls to action"), atom=absolute(request, reverse("campaign:calls-atom"))),
        Subscription(
            _("Every feed of the site"), opml=absolute(request, reverse("campaign:feeds-opml"))
        ),
    ]
