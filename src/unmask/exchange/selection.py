"""What an export holds: the public record, whole or narrowed by the map's and the graph's
filters (record.filters.NetworkFilters). Only what the public may see, ever: public
organizations, sites, products, links and sources, the other names, identifiers and
translations of the description of public organizations, the citations of public claims,
the status histories of public links and the published replies of public organizations;
and the campaign against them: public actions (published, and cancelled after publication),
public calls to action, the local groups that have a page, and the public targets of those
calls and actions.

A narrowed selection holds the actions and calls aimed at what it holds (one of its
organizations, a site of one, one of its products), the calls those actions answer, and the
groups of those actions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from unmask.campaign import queries as campaign_queries
from unmask.campaign.models import Action, ActionTarget, CallTarget, CallText, LocalGroup
from unmask.record.filters import NetworkFilters
from unmask.record.models import (
    Citation,
    Identifier,
    Link,
    LinkStatusEvent,
    Organization,
    OrganizationName,
    OrganizationText,
    Product,
    Response,
    Site,
    Source,
)


@dataclass
class Selection:
    organizations: QuerySet
    sites: QuerySet
    products: QuerySet
    links: QuerySet
    filters: NetworkFilters | None = None
    # The address the exported rows' `url` cells start with: the site's (settings.SITE_URL)
    # unless a request asked for the file (exchange.views.part: the address it was asked at).
    site_url: str = ""

    @classmethod
    def everything(cls) -> Selection:
        return cls(
            organizations=Organization.objects.public(),
            sites=Site.objects.public(),
            products=Product.objects.public(),
            links=Link.objects.public(),
        )

    @classmethod
    def from_params(cls, params) -> Selection:
        """The part of the record a reader filtered (?country=, ?product=, ?relation=, ...):
        the organizations in view, their public sites, the public links among them that match
        the link filters, and the products those links and organizations name."""
        filters = NetworkFilters.from_params(params)
        if not filters.active_filters:
            return cls.everything()
        organizations = filters.organizations()
        org_ids = organizations.values("pk")
        # The links the map and the graph select (NetworkFilters.links), among the
        # organizations in view: both ends in the export, so that every link names what it holds.
        links = filters.links().filter(
            Q(object__in=org_ids) | Q(object__isnull=True), subject__in=org_ids
        )
        sites = Site.objects.public().filter(organization__in=org_ids)
        if filters.country:
            sites = sites.filter(country=filters.country)
        products = Product.objects.public().filter(
            Q(pk__in=links.values("product_id")) | Q(maker__in=org_ids)
        )
        return cls(organizations, sites, products, links, filters)

    # --- what hangs on them -------------------------------------------------------------------
    def names(self) -> QuerySet:
        return OrganizationName.objects.filter(organization__in=self.organizations.values("pk"))

    def identifiers(self) -> QuerySet:
        return Identifier.objects.filter(organization__in=self.organizations.values("pk"))

    def organization_texts(self) -> QuerySet:
        """The descriptions of the selected organizations in other languages (as public as
        their organization). A text in the language the description itself is now written in
        (left when that language was changed) is never shown, and not exported either."""
        return OrganizationText.objects.filter(
            organization__in=self.organizations.values("pk")
        ).exclude(language=F("organization__description_language"))

    def citations(self) -> QuerySet:
        """Citations of the selected public records, by public sources."""
        return (
            Citation.objects.alive()
            .filter(source__is_public=True)
            .filter(
                Q(organization__in=self.organizations.values("pk"))
                | Q(site__in=self.sites.values("pk"))
                | Q(product__in=self.products.values("pk"))
                | Q(link__in=self.links.values("pk"))
            )
        )

    def sources(self) -> QuerySet:
        return Source.objects.public().filter(pk__in=self.citations().values("source_id"))

    def responses(self) -> QuerySet:
        """Published replies of the selected organizations, to their profile or to a selected
        link (never one still being checked, rejected or deleted: Response.objects.public())."""
        return (
            Response.objects.public()
            .filter(organization__in=self.organizations.values("pk"))
            .filter(Q(link__isnull=True) | Q(link__in=self.links.values("pk")))
        )

    def status_events(self) -> QuerySet:
        """The status history of the selected links: all of it, as the link's page shows it."""
        return LinkStatusEvent.objects.filter(link__in=self.links.values("pk"))

    # --- the campaign against them -------------------------------------------------------------
    def _aimed(self, model) -> QuerySet:
        """Public targets (of calls or actions) aimed at what the selection holds."""
        org_ids = self.organizations.values("pk")
        return model.objects.public().filter(
            Q(organization__in=org_ids)
            | Q(site__organization__in=org_ids)
            | Q(product__in=self.products.values("pk"))
        )

    def actions(self) -> QuerySet:
        """Public actions: published, and cancelled ones that had been published."""
        actions = Action.objects.public()
        if self.filters is None:
            return actions
        return actions.filter(pk__in=self._aimed(ActionTarget).values("action_id"))

    def calls(self) -> QuerySet:
        calls = campaign_queries.public_calls()  # Call.objects.public(), texts prefetched
        if self.filters is None:
            return calls
        return calls.filter(
            Q(pk__in=self._aimed(CallTarget).values("call_id"))
            | Q(pk__in=self.actions().values("call_id"))
        )

    def groups(self) -> QuerySet:
        """The groups with a page (LocalGroup.objects.public(): not deleted, and trusted or
        with an action that was published); narrowed, the groups of the selected actions."""
        groups = LocalGroup.objects.public()
        if self.filters is not None:
            return groups.filter(pk__in=self.actions().values("group_id"))
        return groups

    def call_texts(self) -> QuerySet:
        """The texts of the selected calls in other languages (all of them: a text is as
        public as its call)."""
        return CallText.objects.filter(call__in=self.calls().values("pk"))

    def call_targets(self) -> QuerySet:
        return CallTarget.objects.public().filter(call__in=self.calls().values("pk"))

    def action_targets(self) -> QuerySet:
        return ActionTarget.objects.public().filter(action__in=self.actions().values("pk"))
