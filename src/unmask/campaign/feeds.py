"""Atom feeds of actions and of calls to action, for feed readers and for other sites.

Built with Django's Atom1Feed; cached and answered with an ETag by web/payloads.py, keyed by the
campaign's version, so a reader polling an unchanged feed gets 304. An action's entry keeps its
id across edits and says so when the action is cancelled. Titles and summaries are plain text
(the feed generator escapes them); a call's text is its sanitized HTML."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from unmask.campaign import queries, times
from unmask.campaign.models import ActionStatus, LocalGroup
from unmask.cleantext import Atom1Feed, xml_text
from unmask.record import version
from unmask.web import atom
from unmask.web.markdown import render as render_markdown
from unmask.web.payloads import derived_response

FEED_SIZE = 100
ATOM = "application/atom+xml; charset=utf-8"


def _params(request, **extra) -> dict:
    return {
        "host": request.get_host(),
        "scheme": request.scheme,
        "lang": get_language(),
        "day": timezone.now().date().isoformat(),
        **extra,
    }


def _tag(kind: str, public_id: str, created) -> str:
    """A stable Atom id (web/atom.py): the same across edits, hosts and ports."""
    return atom.tag(created, f"{kind}/{public_id}")


def actions_atom(request):
    """Actions published, changed or cancelled, newest change first; the same filters as the
    list and the ICS feed."""
    try:
        filters = queries.ActionFilters.from_params(request.GET, strict=True)
    except queries.InvalidFilter as error:  # as the calendar does (views.bad_filter)
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    modified = queries.feeds_modified()

    def build() -> bytes:
        since = timezone.now() - timedelta(days=30)
        actions = filters.apply(queries.public_actions().filter(last_ends_at__gte=since))
        base = f"{request.scheme}://{request.get_host()}"
        feed = Atom1Feed(
            title=queries.calendar_name(settings.SITE_NAME, filters),
            link=base + reverse("campaign:actions"),
            description=_("Public actions announced by local groups."),
            feed_url=request.build_absolute_uri(),
            language=get_language(),
            # Each set of filters is a feed of its own, with an id of its own.
            feed_guid=atom.tag(
                atom.SITE_TAG_DATE, f"actions?{urlencode(filters.as_params())}".rstrip("?")
            ),
            **atom.author(),
        )
        for action in actions.order_by("-updated_at", "-pk")[:FEED_SIZE]:
            start = times.local(action.starts_at, action.timezone)
            title = action.title
            if action.status == ActionStatus.CANCELLED:
                title = _("Cancelled: %(title)s") % {"title": title}
            when = f"{start:%Y-%m-%d %H:%M} ({action.timezone})"
            lines = [when, action.place]
            if action.status == ActionStatus.CANCELLED and action.status_reason:
                lines.append(action.status_reason)
            if action.description:
                lines.append(action.description)
            feed.add_item(
                title=title,
                link=base + action.get_absolute_url(),
                # Atom's summary here is HTML: plain text is escaped first, so markup typed in
                # the form reaches feed readers as text.
                description=linebreaks_filter("\n\n".join(line for line in lines if line), True),
                unique_id=_tag("action", action.public_id, action.created_at),
                unique_id_is_permalink=False,
                pubdate=action.published_at,
                updateddate=action.updated_at,
                categories=[action.get_kind_display()],
            )
        return feed.writeString("utf-8").encode()

    return derived_response(
        request,
        "atom-actions",
        _params(request, **filters.as_params()),
        build,
        ATOM,
        scope=version.CAMPAIGN,
        last_modified=modified,
    )


def calls_atom(request):
    """Calls to action, newest first, with their text."""

    modified = queries.feeds_modified()

    def build() -> bytes:
        base = f"{request.scheme}://{request.get_host()}"
        feed = Atom1Feed(
            title=_("Calls to action · %(site)s") % {"site": settings.SITE_NAME},
            link=base + reverse("campaign:calls"),
            description=_("What the campaign asks people to do."),
            feed_url=request.build_absolute_uri(),
            language=get_language(),
            feed_guid=atom.tag(atom.SITE_TAG_DATE, "calls"),
            **atom.author(),
        )
        for call in queries.public_calls().order_by("-published_at", "-pk")[:FEED_SIZE]:
            feed.add_item(
                title=call.localized_title,
                link=base + call.get_absolute_url(),
                description=str(render_markdown(call.text().body)),
                unique_id=_tag("call", call.public_id, call.created_at),
                unique_id_is_permalink=False,
                pubdate=call.published_at,
                updateddate=call.updated_at,
            )
        return feed.writeString("utf-8").encode()

    return derived_response(
        request,
        "atom-calls",
        _params(request),
        build,
        ATOM,
        scope=version.CAMPAIGN,
        last_modified=modified,
    )


OPML = "text/x-opml; charset=utf-8"
OPML_GROUPS = 1000  # groups listed at most (calls are few; groups are local and bounded)


def feeds_opml(request):
    """Every feed of the site as an OPML 2.0 subscription list, for a feed reader to import in
    one go: the record's changes, the actions, the calls, and the actions of each published call
    and of each local group with a page. Organizations' own feeds are left out: there are
    thousands, and each is linked from its organization's page.

    Titles are in the request's language, like the feeds it lists (their addresses keep the
    language prefix of the request), so a reader importing /de/feeds.opml gets German titles
    and German feeds."""

    def build() -> bytes:
        base = f"{request.scheme}://{request.get_host()}"
        root = ET.Element("opml", version="2.0")
        head = ET.SubElement(root, "head")
        ET.SubElement(head, "title").text = _("Feeds · %(site)s") % {"site": settings.SITE_NAME}
        ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
        body = ET.SubElement(root, "body")

        def outline(parent, title: str, xml_path: str, html_path: str):
            ET.SubElement(
                parent,
                "outline",
                type="rss",  # OPML 2.0 says "rss" for every feed a reader subscribes to
                text=xml_text(title),
                title=xml_text(title),
                xmlUrl=base + xml_path,
                htmlUrl=base + html_path,
            )

        site = settings.SITE_NAME
        actions_atom = reverse("campaign:actions-atom")
        outline(
            body, _("Changes to the record"), reverse("record:changes-feed"), reverse("pages:home")
        )
        outline(
            body,
            _("%(site)s — actions") % {"site": site},
            actions_atom,
            reverse("campaign:actions"),
        )
        outline(
            body,
            _("Calls to action · %(site)s") % {"site": site},
            reverse("campaign:calls-atom"),
            reverse("campaign:calls"),
        )
        calls = list(queries.public_calls().order_by("-published_at", "pk"))
        if calls:
            folder = ET.SubElement(body, "outline", text=str(_("Calls to action")))
            for call in calls:
                described = _("for the call “%(title)s”") % {"title": call.localized_title}
                outline(
                    folder,
                    _("%(site)s — actions %(filters)s") % {"site": site, "filters": described},
                    f"{actions_atom}?{urlencode({'call': call.public_id})}",
                    call.get_absolute_url(),
                )
        groups = list(LocalGroup.objects.public().order_by("name", "pk")[:OPML_GROUPS])
        if groups:
            folder = ET.SubElement(body, "outline", text=str(_("Local groups")))
            for group in groups:
                described = _("by %(name)s") % {"name": group.name}
                outline(
                    folder,
                    _("%(site)s — actions %(filters)s") % {"site": site, "filters": described},
                    f"{actions_atom}?{urlencode({'group': group.public_id})}",
                    group.get_absolute_url(),
                )
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    return derived_response(request, "opml", _params(request), build, OPML, scope=version.CAMPAIGN)
