"""The campaign: local groups, calls to action, and the public actions that answer them.

Write rules live in services.py; the moderation queue, the public pages and the feeds come on
top of these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from unmask import texts
from unmask.places import Place
from unmask.record.models import Organization, Product, Record, RecordQuerySet, Site
from unmask.record.text import make_slug
from unmask.urlcache import fast_reverse


class LocalGroupQuerySet(RecordQuerySet):
    def public(self):
        """The groups with a page: not deleted, and trusted or one of its actions was published
        (the rule of every page, feed, export and the mirror)."""
        published = Action.objects.filter(group=OuterRef("pk"), published_at__isnull=False)
        return self.filter(deleted_at__isnull=True).filter(Q(trusted=True) | Exists(published))


class LocalGroup(Record):
    """A local group that organizes actions. Never a person: a group's name, city and website."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=90, editable=False)
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Seen by moderators only.")
    )
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Signed-in members of a trusted group publish their actions directly."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="local_groups"
    )

    objects = LocalGroupQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "contact_email"])

    class Meta:
        verbose_name = _("local group")
        verbose_name_plural = _("local groups")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.slug = make_slug(self.name, "group")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return fast_reverse("campaign:group", self.public_id, self.slug)


class CallQuerySet(RecordQuerySet):
    def public(self):
        """The calls readers see: published and not deleted (Call.has_page for one in hand)."""
        return self.filter(published_at__isnull=False, deleted_at__isnull=True)


class Call(Record):
    """A call to action: what the campaign asks people to do, when, and against whom."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=90, editable=False)
    body = models.TextField(_("text"), help_text=_("Markdown. Rendered and sanitized."))
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        help_text=_("The language it is written in; its translations are below."),
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = CallQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("call to action")
        verbose_name_plural = _("calls to action")
        ordering = ["-starts_on", "title", "pk"]
        permissions = [("publish_call", _("Can publish calls to action"))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = make_slug(self.title, "call")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return fast_reverse("campaign:call", self.public_id, self.slug)

    @property
    def has_page(self) -> bool:
        """CallQuerySet.public()'s rule, for a call already loaded."""
        return self.published_at is not None and self.deleted_at is None

    def text(self, language: str | None = None) -> CallText:
        """The call in `language` (the page's by default): its translation when one exists,
        else the call as written (`translated` tells which). Reads `texts`, so prefetch them
        (`prefetch_related("texts")`) when showing many calls."""
        original = CallText(call=self, language=self.language, title=self.title, body=self.body)
        return texts.pick(original, self.texts.all(), language)

    @property
    def localized_title(self) -> str:
        return self.text().title

    def missing_languages(self) -> list[str]:
        """The languages the site offers that this call has no text in."""
        return texts.missing(self.language, self.texts.all())

    def languages(self) -> list[str]:
        """The languages it can be read in, its own first."""
        return texts.languages(self.language, self.texts.all())


class CallText(texts.TitledTranslation):
    """A call to action in another language: the same call (its targets, its actions, its
    period), another text. The call's own title and body are its original."""

    original_field = "call"
    same_language_error = _("The call is written in this language: edit the call itself.")

    call = models.ForeignKey(
        Call, verbose_name=_("call to action"), on_delete=models.CASCADE, related_name="texts"
    )

    class Meta(texts.TitledTranslation.Meta):
        verbose_name = _("translation of a call")
        verbose_name_plural = _("translations of a call")
        constraints = [texts.one_per_language("call", "call_text_one_per_language")]


class ActionKind(models.TextChoices):
    DEMONSTRATION = "demonstration", _("Demonstration")
    VIGIL = "vigil", _("Vigil")
    RALLY = "rally", _("Rally")
    INFO_STAND = "info_stand", _("Info stand")
    TALK = "talk", _("Talk or screening")
    ONLINE = "online", _("Online action")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for a moderator")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class ActionQuerySet(models.QuerySet):
    def public(self):
        """What readers see: published actions, and cancelled ones that had been published
        (they stay visible as cancelled)."""
        return self.filter(
            deleted_at__isnull=True,
            published_at__isnull=False,
            status__in=[ActionStatus.PUBLISHED, ActionStatus.CANCELLED],
        )


class Action(Place, Record):
    """A public, lawful action: a demonstration, a vigil, an info stand, a talk, an online action.

    Times are UTC instants with the place's time zone (see times.py); a recurring action has an
    RFC 5545 rule, and `last_ends_at` is the end of its last occurrence. The city and the point
    come from Place (unmask/places.py), as a site's do.
    """

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    description = models.TextField(_("description"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    recurrence = models.CharField(
        _("repeats"),
        max_length=200,
        blank=True,
        help_text=_("An RFC 5545 rule, such as FREQ=WEEKLY;COUNT=8."),
    )
    last_ends_at = models.DateTimeField(_("last occurrence ends"), editable=False)
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("online address"), blank=True)
    address = models.CharField(
        _("meeting point"),
        max_length=300,
        blank=True,
        help_text=_("A public place: a square, a company's gate. Never a home address."),
    )
    country = CountryField(_("country"), blank=True)
    call = models.ForeignKey(
        Call,
        verbose_name=_("call it answers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    group = models.ForeignKey(
        LocalGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Language codes, comma-separated.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActionStatus.choices,
        default=ActionStatus.SUBMITTED,
        editable=False,
    )
    status_reason = models.TextField(_("reason"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Seen by moderators only; deleted automatically after the action."),
    )
    edit_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised on every change (ICS SEQUENCE)."
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "contact_email", "edit_token_hash"])

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["starts_at", "pk"]
        permissions = [("moderate_action", _("Can moderate actions"))]
        indexes = [
            # The public actions still to come (queries.running_or_upcoming), counted from this
            # index alone, and those of them that have begun (soonest()), with the point the
            # map's list asks for; read backwards, the past ones (queries.past). The end comes
            # first: a page of actions not begun yet is read in order along `starts_at`'s own
            # index, which SQLite's planner picks only when no index starts with `status`.
            models.Index(
                fields=[
                    "last_ends_at",
                    "status",
                    "starts_at",
                    "ends_at",
                    "timezone",
                    "recurrence",
                    "latitude",
                    "longitude",
                ],
                name="action_public_upcoming",
                condition=Q(deleted_at__isnull=True, published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return make_slug(self.title, "action")

    def get_absolute_url(self) -> str:
        return fast_reverse("campaign:action", self.public_id, self.slug)

    @property
    def place(self) -> str:
        """Where, in one line: meeting point, city, country; or the online address."""
        parts = [self.address, self.city, self.country.name if self.country else ""]
        where = ", ".join(p for p in parts if p)
        if self.online:
            return ", ".join(p for p in (where, self.online_url) if p) or str(_("Online"))
        return where

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]


# --- targets: what a call or an action is aimed at, from the record --------------------------


class TargetQuerySet(models.QuerySet):
    def public(self):
        """The targets readers see: those whose organization, site or product is public. A
        target that stops being public is hidden, never deleted."""
        return self.filter(
            Q(organization__is_public=True) | Q(site__is_public=True) | Q(product__is_public=True)
        )

    def of_organization(self, org):
        """Aimed at the organization (an instance, or a queryset of organizations' pks) itself
        or at one of its sites: a subquery of its sites, so that both conditions use the
        targets' indexes."""
        orgs = org if isinstance(org, models.QuerySet) else [org.pk]
        sites = Site.objects.filter(organization__in=orgs).values("pk")
        return self.filter(Q(organization__in=orgs) | Q(site__in=sites))


class Target(models.Model):
    """One thing a call or an action is aimed at: an organization, one of its sites, or a
    product or program; exactly one of the three. Ordered by `position`."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("program or product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.thing)

    @property
    def thing(self):
        return self.organization or self.site or self.product

    @property
    def label(self) -> str:
        """What readers call it: a site as "<organization> – <site>", else its name."""
        if self.site_id:
            return f"{self.site.organization.name} – {self.site.name or self.site.role_label}"
        return self.thing.name

    @property
    def kind(self) -> str:
        return "org" if self.organization_id else "site" if self.site_id else "product"

    @property
    def ref(self) -> str:
        """ "org:<public id>", "site:<public id>" or "product:<public id>": what forms carry."""
        return f"{self.kind}:{self.thing.public_id}"

    @property
    def is_public(self) -> bool:
        return bool(self.thing.is_public)

    @classmethod
    def one_of_three(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(organization__isnull=False, site__isnull=True, product__isnull=True)
            | Q(organization__isnull=True, site__isnull=False, product__isnull=True)
            | Q(organization__isnull=True, site__isnull=True, product__isnull=False),
            name=name,
            violation_error_message=_("A target is an organization, a site or a product."),
        )


class CallTarget(Target):
    call = models.ForeignKey(
        Call, verbose_name=_("call to action"), on_delete=models.CASCADE, related_name="targets"
    )
    history = HistoricalRecords()

    class Meta(Target.Meta):
        verbose_name = _("target of a call")
        verbose_name_plural = _("targets of a call")
        constraints = [Target.one_of_three("call_target_one_thing")]
        indexes = [models.Index(fields=["call", "position"], name="call_target_order")]


class ActionTarget(Target):
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="targets"
    )
    history = HistoricalRecords()

    class Meta(Target.Meta):
        verbose_name = _("target of an action")
        verbose_name_plural = _("targets of an action")
        constraints = [Target.one_of_three("action_target_one_thing")]
        indexes = [
            models.Index(fields=["action", "position"], name="action_target_order"),
            # Is this action aimed at this thing? (targets.campaign_for: each upcoming action
            # looked up, from this index alone, whatever was aimed at the thing over the years)
            models.Index(
                fields=["action", "organization", "site", "product"], name="action_target_things"
            ),
        ]
