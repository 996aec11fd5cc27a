"""The campaign on the record's pages, without the record importing the campaign:

    {% load campaign_record %}
    {% campaign_against org %}             an organization (and its sites)
    {% campaign_against site %}            one site
    {% campaign_against product %}         a product or program
    {% campaign_against country="DE" %}    organizations and sites in a country, actions there
    {% next_actions country="DE" %}        the home page: the next actions, open calls

Each renders the open calls aimed at the thing, its next upcoming actions (each in the place's
time zone), how many more and how many past, and an "announce an action here" link that opens
the submission form with the target filled in. A fixed number of queries, whatever the number
of actions (campaign.targets.campaign_for).
"""

from __future__ import annotations

from django import template

from unmask.campaign import queries, targets

register = template.Library()

HOME_ACTIONS = 6


@register.inclusion_tag("campaign/includes/against.html")
def campaign_against(thing=None, *, country: str = "", heading_level: int = 2):
    country = str(country or "").upper()
    found = targets.campaign_for(thing, country=country)
    return {
        "campaign": found,
        "thing": thing,
        "country": country,
        "shown": len(found.upcoming),
        "more": found.upcoming_total - len(found.upcoming),
        "h": heading_level,
    }


@register.inclusion_tag("campaign/includes/next_actions.html")
def next_actions(*, country: str = ""):
    """The home page's campaign: the next actions (nearest first, in a country when given) and
    the open calls."""
    filters = queries.ActionFilters.from_params({"country": country})
    upcoming = queries.upcoming(filters, limit=HOME_ACTIONS)
    return {
        "upcoming": upcoming,
        "calls": list(targets.open_calls().order_by("-starts_on", "title")[:5]),
        "filters": filters,
        "countries": queries.action_countries(upcoming=True),
    }
