"""Atom feeds of published changes to the record: all of it, and per organization."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unmask.cleantext import Atom1Feed
from unmask.record import queries, signals
from unmask.record.models import Organization
from unmask.record.views import canonical_org
from unmask.web import atom

FEED_SIZE = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Changes to the record")
    subtitle = _("Organizations and links published, changed, disputed or ended, with the reason.")

    def link(self):
        return reverse("pages:home")

    def feed_guid(self):
        return atom.tag(atom.SITE_TAG_DATE, "changes")

    def author_name(self):
        return atom.author()["author_name"]

    def author_link(self):
        return atom.author()["author_link"]

    def items(self):
        return queries.recent_changes(limit=FEED_SIZE)

    def item_title(self, item):
        return item.label

    def item_description(self, item):
        return item.reason

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item.when

    def item_pubdate(self, item):
        return item.when


class OrganizationChangesFeed(ChangesFeed):
    def get_object(self, request, public_id, slug):
        return canonical_org(public_id)

    def title(self, org):
        return _("Changes about %(name)s") % {"name": org.name}

    def link(self, org):
        return reverse("record:organization-history", args=[org.public_id, org.slug])

    def feed_guid(self, org):
        return atom.tag(org.created_at, f"organization/{org.public_id}/changes")

    def items(self, org):
        entries = queries.public_history(org, limit=FEED_SIZE)
        url = reverse("record:organization", args=[org.public_id, org.slug])
        items = [queries.Change(e.when, e.change, e.what, url, e.reason, e.guid) for e in entries]
        # Other apps add theirs (the campaign: actions aimed at it), never imported here.
        for _receiver, extra in signals.organization_feed.send(
            sender=Organization, org=org, limit=FEED_SIZE
        ):
            items.extend(extra or [])
        items.sort(key=lambda c: c.when, reverse=True)
        return items[:FEED_SIZE]
