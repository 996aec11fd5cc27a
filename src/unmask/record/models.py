"""The record: organizations, their sites, products and programs, the links between them, and the
evidence (sources, citations) and replies (responses) behind every claim.

Visibility rules live in the querysets (`.public()`); write rules live in `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from unmask import texts
from unmask.places import Place
from unmask.record.partial_dates import PartialDate, PartialDateError
from unmask.record.text import make_slug, name_key, new_public_id, normalize_identifier
from unmask.urlcache import country_name, fast_reverse, label


class PartialDateField(models.CharField):
    """A year, year-month or full date, stored as text (see partial_dates.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", _("A year (2019), a month (2019-05) or a day (2019-05-17)."))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "blank", "default", "help_text"):
            kwargs.pop(key, None)
        return name, path, args, kwargs


def partial_date_errors(instance: models.Model, *field_names: str) -> dict[str, str]:
    """Messages for invalid partial dates, each naming the field and the reason."""
    errors = {}
    for name in field_names:
        value = getattr(instance, name)
        if value:
            try:
                setattr(instance, name, str(PartialDate.parse(value)))
            except PartialDateError as exc:
                label = instance._meta.get_field(name).verbose_name
                errors[name] = _("%(field)s: %(reason)s") % {
                    "field": str(label).capitalize(),
                    "reason": exc.reason,
                }
    return errors


class RecordQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class PublishableQuerySet(RecordQuerySet):
    def public(self):
        """What the public may see. The flag is kept by record.visibility, which holds the rule:
        published by a reviewer, not deleted, cited, and everything it names public too."""
        return self.filter(is_public=True)


def link_is_active(end: str, status: str) -> bool:
    """The rule for an active link, in Python: no end date, and not ended. active_link() is the
    same rule for the database; Link.is_active and the involvements (record.visibility) read
    this one."""
    return not end and status != LinkStatus.ENDED


def active_link() -> Q:
    """link_is_active() as a condition on links (LinkQuerySet.active(), .ended())."""
    return Q(end="") & ~Q(status=LinkStatus.ENDED)


class LinkQuerySet(PublishableQuerySet):
    def active(self):
        return self.filter(active_link())

    def ended(self):
        """The links that are not active: ended, or with an end date."""
        return self.exclude(active_link())

    def matching(
        self,
        *,
        relation: str = "",
        status: str = "",
        active: bool | None = None,
        product_ids=None,
    ):
        """The links matching the link filters, the one selection the map, the graph, the API
        and the exports make (record.filters.NetworkFilters.links() reads a reader's filters
        into it): of this relation, of this status, active (True) or not (False), about one of
        `product_ids` (ids or a queryset of pks; [] matches none). Empty values filter nothing.
        Which organizations' links are in view stays each caller's: the graph keeps a link with
        either end in view, an export one with both (or without an object)."""
        links = self
        if relation:
            links = links.filter(relation=relation)
        if status:
            links = links.filter(status=status)
        if active is True:
            links = links.active()
        elif active is False:
            links = links.ended()
        if product_ids is not None:
            links = links.filter(product__in=product_ids)
        return links


def save_keeping_flag(obj, save, *args, **kwargs) -> None:
    """Save without writing `is_public`: record.visibility owns that column, and an instance
    loaded before the flag last changed would otherwise write its stale value back."""
    if hasattr(obj, "is_public") and not obj._state.adding and kwargs.get("update_fields") is None:
        kwargs["update_fields"] = [
            f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name != "is_public"
        ]
    save(*args, **kwargs)


class Record(models.Model):
    """Fields every record carries: a public id that never changes, timestamps, soft delete."""

    public_id = models.CharField(
        _("public id"), max_length=12, unique=True, default=new_public_id, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Publishable(Record):
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    is_public = models.BooleanField(_("public"), default=False, db_index=True, editable=False)

    objects = PublishableQuerySet.as_manager()
    citation_field = ""  # the Citation foreign key that points at this kind of record

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        save_keeping_flag(self, super().save, *args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# --- organizations ------------------------------------------------------------------------


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    MILITARY_UNIT = "military_unit", _("Military unit")
    INSTITUTE = "institute", _("University or institute")
    FINANCIAL = "financial", _("Bank or fund")
    TRADE_FAIR = "trade_fair", _("Trade fair")
    OTHER = "other", _("Other")


class Organization(Publishable):
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=90, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = CountryField(_("country"), blank=True, help_text=_("Where it is registered."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown. Rendered and sanitized.")
    )
    description_language = models.CharField(
        _("language of the description"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the description is written in; its translations are below."),
    )
    name_key = models.CharField(max_length=300, db_index=True, editable=False)
    search_text = models.TextField(
        editable=False, default="", help_text="Folded names, other names and identifiers (search)."
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )

    history = HistoricalRecords(
        excluded_fields=["updated_at", "name_key", "search_text", "is_public"]
    )
    citation_field = "organization"

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        permissions = [("publish_organization", _("Can publish organizations"))]
        indexes = [
            models.Index(fields=["name", "id"], name="org_name_id"),  # the directory's order
            # Partial: Django writes `is_public = true` as the bare column, which no composite
            # index can seek on; a partial index on the same term can.
            models.Index(
                fields=["country", "name", "id"],
                condition=Q(is_public=True),
                name="org_public_country_name",
            ),
            # The drafts (never published, not deleted, not merged): a small part of a large
            # record, found without reading the rest (exchange/drafts.py counts those imported
            # with sources for the staff bar). The same terms as the queries, as above; led by
            # merged_into so that SQLite's planner sees an equality and prefers this index to
            # the foreign key's (every row) for `merged_into IS NULL`.
            models.Index(
                fields=["merged_into", "id"],
                condition=Q(
                    is_public=False,
                    published_at__isnull=True,
                    deleted_at__isnull=True,
                    merged_into__isnull=True,
                ),
                name="org_draft",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)
        self._stored_description_language = self.description_language

    def get_absolute_url(self) -> str:
        return fast_reverse("record:organization", self.public_id, self.slug)

    # The language of the description as stored, so that clean() reads the texts only when it
    # changes.
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_description_language = instance.__dict__.get("description_language")
        return instance

    # Labels and names from caches: get_FOO_display() rebuilds a dict of every choice on each
    # call and a django-countries name is translated on each access (see unmask.urlcache).
    @property
    def kind_label(self) -> str:
        return label(OrganizationKind, self.kind)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def country_url(self) -> str:
        return fast_reverse("record:country", str(self.country)) if self.country else ""

    def set_derived(self) -> None:
        """Fields computed from others; save() calls it, and so must any bulk write."""
        self.slug = make_slug(self.name, "organization")
        self.name_key = name_key(self.name)

    def clean(self):
        super().clean()
        if self._description_language_may_clash() and self._has_text_in(self.description_language):
            raise ValidationError(
                {
                    "description_language": _(
                        "The description has a translation in this language: remove it first, "
                        "or write the description in this language there."
                    )
                }
            )

    def _description_language_may_clash(self) -> bool:
        """Whether the original's language may now be one a translation is in. A translation
        is never saved in the original's language (OrganizationText.clean), so only a language
        other than the one stored (or not known: a row not read from the database) may be."""
        stored = getattr(self, "_stored_description_language", None)
        return bool(self.pk) and (stored is None or self.description_language != stored)

    def _has_text_in(self, language: str) -> bool:
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("texts")
        if prefetched is not None:
            return any(text.language == language for text in prefetched)
        return self.texts.filter(language=language).exists()

    # The description in several languages (unmask/texts.py). The registered name is never
    # translated; other names are the record's, not translations.
    def description_text(self, language: str | None = None) -> OrganizationText:
        """The description in `language` (the page's by default) when translated, else as
        written. Reads `texts`: prefetch them when showing many organizations."""
        original = OrganizationText(
            organization=self, language=self.description_language, description=self.description
        )
        return texts.pick(original, self.texts.all(), language)

    def description_languages(self) -> list[str]:
        return (
            texts.languages(self.description_language, self.texts.all()) if self.description else []
        )

    def missing_languages(self) -> list[str]:
        """The languages the site offers that the description is not in (none without one)."""
        return (
            texts.missing(self.description_language, self.texts.all()) if self.description else []
        )


class NameKind(models.TextChoices):
    ALIAS = "alias", _("Other name")
    FORMER = "former", _("Former name")
    TRANSLITERATION = "transliteration", _("Transliteration")
    ABBREVIATION = "abbreviation", _("Abbreviation")
    LOCAL = "local", _("Name in local script")


def detail_public_id():
    """The public id of another name or an identifier: exports and imports name them by it
    (never by their database key, which another database renumbers and whose gaps would tell
    that rows not shown exist)."""
    return models.CharField(
        _("public id"), max_length=12, unique=True, default=new_public_id, editable=False
    )


class OrganizationName(models.Model):
    public_id = detail_public_id()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=NameKind.choices, default=NameKind.ALIAS
    )
    language = models.CharField(
        _("language"), max_length=12, blank=True, help_text=_("e.g. tr, ru, zh")
    )
    name_key = models.CharField(max_length=300, db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)

    def set_derived(self) -> None:
        self.name_key = name_key(self.name)


class OrganizationText(texts.Translation):
    """An organization's description in another language. Its name, links and everything else
    stay the organization's: only the description is translated."""

    original_field = "organization"
    original_language_field = "description_language"
    same_language_error = _(
        "The description is written in this language: edit it on the organization."
    )

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="texts"
    )
    description = models.TextField(
        _("description"), help_text=_("Markdown. Rendered and sanitized.")
    )

    class Meta(texts.Translation.Meta):
        verbose_name = _("translation of a description")
        verbose_name_plural = _("translations of the description")
        constraints = [texts.one_per_language("organization", "organization_text_one_per_language")]


class IdentifierScheme(models.TextChoices):
    REGISTRY = "registry", _("Company registry number")
    LEI = "lei", _("Legal Entity Identifier (LEI)")
    VAT = "vat", _("VAT number")
    DUNS = "duns", _("DUNS number")
    CAGE = "cage", _("CAGE / NCAGE code")
    DOMAIN = "domain", _("Website domain")
    WIKIDATA = "wikidata", _("Wikidata item")
    OTHER = "other", _("Other")


class Identifier(models.Model):
    public_id = detail_public_id()
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=200)
    country = CountryField(_("issuing country"), blank=True)
    normalized = models.CharField(max_length=200, editable=False, default="")

    history = HistoricalRecords(excluded_fields=["normalized"])

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        ordering = ["scheme", "value"]
        indexes = [models.Index(fields=["scheme", "normalized"])]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)

    def set_derived(self) -> None:
        self.normalized = normalize_identifier(self.scheme, self.value)

    def clean(self):
        from unmask.record.identifiers import identifier_error  # (imports models)

        problem = identifier_error(self.scheme, self.value)
        if problem:
            raise ValidationError({"value": problem})


# --- sites -------------------------------------------------------------------------------------


class SiteRole(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    FACTORY = "factory", _("Factory")
    RESEARCH = "research", _("Research and development")
    OFFICE = "office", _("Office")
    WAREHOUSE = "warehouse", _("Warehouse")
    TEST_RANGE = "test_range", _("Test range")
    PORT = "port", _("Port or airfield")
    BASE = "base", _("Military base")
    OTHER = "other", _("Other")


class Precision(models.TextChoices):
    EXACT = "exact", _("Exact")
    STREET = "street", _("Street")
    CITY = "city", _("City")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


class Site(Place, Publishable):
    """Where an organization works; the city and the point come from Place (unmask/places.py)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=SiteRole.choices)
    address = models.TextField(
        _("address"), blank=True, help_text=_("A business address, never a home.")
    )
    country = CountryField(_("country"))
    precision = models.CharField(
        _("precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.CITY,
        help_text=_("How exactly the point is known. A city-level point is never shown as exact."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "is_public"])
    citation_field = "site"

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organization__name", "name"]
        permissions = [("publish_site", _("Can publish sites"))]
        indexes = [
            models.Index(fields=["created_at", "id"], name="site_created_id"),
            # The map's sites: public, with a point. Counting them or reading them in order
            # walks this small index instead of the table.
            models.Index(
                fields=["id"],
                condition=Q(is_public=True, latitude__isnull=False, longitude__isnull=False),
                name="site_on_map",
            ),
            # The map's server clusters (maps/grid.py): the public sites in a range of
            # longitudes, counted on a grid, from the index alone.
            models.Index(
                fields=["longitude", "latitude", "precision"],
                condition=Q(is_public=True, latitude__isnull=False, longitude__isnull=False),
                name="site_public_point",
            ),
            # A country's page: its public sites, counted, and listed by city in this order.
            models.Index(
                fields=["country", "city", "id"],
                condition=Q(is_public=True),
                name="site_public_country_city",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="site_point_complete",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            )
        ]

    def __str__(self) -> str:
        label = self.name or self.get_role_display()
        return f"{self.organization} – {label}"

    def get_absolute_url(self) -> str:
        return fast_reverse("record:site", self.public_id)

    @property
    def role_label(self) -> str:
        return label(SiteRole, self.role)

    @property
    def precision_label(self) -> str:
        return label(Precision, self.precision)

    @property
    def country_name(self) -> str:
        return country_name(self.country)


# --- products and programs -------------------------------------------------------------------


class ProductKind(models.TextChoices):
    PROGRAM = "program", _("Weapons program")
    PLATFORM = "platform", _("Drone or platform model")
    ENGINE = "engine", _("Engine or propulsion")
    COMPONENT = "component", _("Component")
    ELECTRONICS = "electronics", _("Electronics")
    MATERIAL = "material", _("Material")
    MUNITION = "munition", _("Munition or payload")
    SOFTWARE = "software", _("Software")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class Product(Publishable):
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=90, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    maker = models.ForeignKey(
        Organization,
        verbose_name=_("maker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))

    history = HistoricalRecords(excluded_fields=["updated_at", "is_public"])
    citation_field = "product"

    class Meta:
        verbose_name = _("product or program")
        verbose_name_plural = _("products and programs")
        ordering = ["name"]
        permissions = [("publish_product", _("Can publish products"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return fast_reverse("record:product", self.public_id, self.slug)

    @property
    def kind_label(self) -> str:
        return label(ProductKind, self.kind)

    def clean(self):
        from django.core.exceptions import ValidationError

        seen = {self.pk} if self.pk else set()
        parent = self.part_of
        while parent is not None:
            if parent.pk in seen or parent is self:
                raise ValidationError({"part_of": _("A product cannot be part of itself.")})
            seen.add(parent.pk)
            parent = parent.part_of

    def set_derived(self) -> None:
        self.slug = make_slug(self.name, "product")


# --- links -------------------------------------------------------------------------------------


class Relation(models.TextChoices):
    SUPPLIES_COMPONENT = "supplies_component", _("supplies components to")
    SUPPLIES_MATERIAL = "supplies_material", _("supplies materials to")
    LICENSES_TECHNOLOGY = "licenses_technology", _("licenses technology to")
    MANUFACTURES = "manufactures", _("manufactures")
    INTEGRATES = "integrates", _("integrates")
    SERVICES = "services", _("services or maintains")
    OWNS = "owns", _("owns")
    FINANCES = "finances", _("finances or invests in")
    INSURES = "insures", _("insures")
    RESEARCH_PARTNER = "research_partner", _("is a research partner of")
    DISTRIBUTES = "distributes", _("distributes or brokers for")
    EXHIBITS_AT = "exhibits_at", _("exhibits at")
    OPERATES = "operates", _("operates")


# What the relation says, read from the object's side ("Bolt receives components from Acme").
INVERSE_LABELS = {
    Relation.SUPPLIES_COMPONENT: _("receives components from"),
    Relation.SUPPLIES_MATERIAL: _("receives materials from"),
    Relation.LICENSES_TECHNOLOGY: _("licenses technology from"),
    Relation.MANUFACTURES: _("is manufactured by"),
    Relation.INTEGRATES: _("is integrated by"),
    Relation.SERVICES: _("is serviced by"),
    Relation.OWNS: _("is owned by"),
    Relation.FINANCES: _("is financed by"),
    Relation.INSURES: _("is insured by"),
    Relation.RESEARCH_PARTNER: _("is a research partner of"),
    Relation.DISTRIBUTES: _("is distributed by"),
    Relation.EXHIBITS_AT: _("hosts as exhibitor"),
    Relation.OPERATES: _("is operated by"),
}


class LinkStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    DENIED = "denied", _("Denied")
    ENDED = "ended", _("Ended")


class Link(Publishable):
    subject = models.ForeignKey(
        Organization, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="links_out"
    )
    relation = models.CharField(_("relation"), max_length=24, choices=Relation.choices)
    object = models.ForeignKey(
        Organization,
        verbose_name=_("object"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links_in",
        help_text=_("The organization on the other side, if any."),
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product or program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
        help_text=_("What the link concerns: the component supplied, the program financed..."),
    )
    start = PartialDateField(_("start date"))
    end = PartialDateField(_("end date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LinkStatus.choices,
        default=LinkStatus.REPORTED,
        editable=False,
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For ownership: the share held, in percent."),
    )
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. EUR")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("What exactly is claimed, in one or two sentences.")
    )

    objects = LinkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "is_public"])
    citation_field = "link"

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["subject__name", "relation"]
        permissions = [("publish_link", _("Can publish links"))]
        indexes = [
            # Directory filters: "organizations with a public link of this relation and status",
            # looked up per organization from either side.
            models.Index(fields=["subject", "relation", "status"], name="link_subject_rel_status"),
            models.Index(fields=["object", "relation", "status"], name="link_object_rel_status"),
            models.Index(fields=["created_at", "id"], name="link_created_id"),  # API paging
            # A call's program: the public and confirmed links of each of its parts, counted
            # from the index alone (campaign.targets.evidence).
            models.Index(fields=["product", "is_public", "status"], name="link_product_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(object__isnull=False) | Q(product__isnull=False),
                name="link_has_object_or_product",
                violation_error_message=_(
                    "A link needs an object organization, a product, or both."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(subject=models.F("object")),
                name="link_not_to_itself",
                violation_error_message=_("An organization cannot be linked to itself."),
            ),
        ]

    def __str__(self) -> str:
        parts = [str(self.subject), self.get_relation_display()]
        if self.object_id:
            parts.append(str(self.object))
        if self.product_id:
            parts.append(f"({self.product})")
        return " ".join(parts)

    @property
    def inverse_label(self) -> str:
        return label(INVERSE_LABELS, self.relation)

    # Labels from urlcache.label(): get_FOO_display() rebuilds a dict of every choice on each
    # call, and a lazy label is looked up in the catalogue each time it is printed.
    @property
    def relation_label(self) -> str:
        return label(Relation, self.relation)

    @property
    def status_label(self) -> str:
        return label(LinkStatus, self.status)

    @property
    def is_active(self) -> bool:
        return link_is_active(self.end, self.status)

    def clean(self):
        from django.core.exceptions import ValidationError

        from unmask.record.partial_dates import end_before_start

        errors = partial_date_errors(self, "start", "end")
        if not errors and end_before_start(self.start, self.end):
            errors["end"] = _("End date: %(end)s is before the start date %(start)s.") % {
                "end": self.end,
                "start": self.start,
            }
        if self.object_id and self.object_id == self.subject_id:
            errors["object"] = _("An organization cannot be linked to itself.")
        if not self.object_id and not self.product_id:
            errors["object"] = _("A link needs an object organization, a product, or both.")
        if self.share is not None and self.relation != Relation.OWNS:
            errors["share"] = _("A share only applies to ownership links.")
        if self.amount is not None and not self.currency:
            errors["currency"] = _("Give the currency of the amount.")
        if errors:
            raise ValidationError(errors)


class Involvement(models.Model):
    """An end of a public link: the organization at that end, with the link's relation, status,
    product and whether it is still active, and the organization's country and kind copied.

    Derived, never edited: record.visibility writes these rows whenever a link or an organization
    changes. They let the directory, the API and the map filter organizations by their links in
    time that follows the number of matches, not the size of the record: "German companies that
    supply components" is one index range here, where the links table would have to be probed
    for every German company.
    """

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=7)  # "subject" or "object"
    relation = models.CharField(max_length=24)
    status = models.CharField(max_length=12)
    product = models.ForeignKey(
        Product, null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    active = models.BooleanField()
    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=20)

    class Meta:
        indexes = [
            models.Index(fields=["country", "relation", "organization"], name="inv_country_rel"),
            models.Index(fields=["relation", "status", "organization"], name="inv_rel_status"),
            models.Index(fields=["status", "organization"], name="inv_status"),
            models.Index(fields=["product", "organization"], name="inv_product"),
            models.Index(fields=["link"], name="inv_link"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.side} of link {self.link_id}"


class LinkStatusEvent(models.Model):
    """A dated change of a link's status, with the reason. The public sees the whole sequence."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="status_events")
    old_status = models.CharField(_("from"), max_length=12, choices=LinkStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=LinkStatus.choices)
    effective = PartialDateField(_("effective date"))
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]
        indexes = [
            # The newest changes first, walked until one concerns a call's target with many
            # links (campaign.targets.evidence).
            models.Index(fields=["created_at", "id"], name="linkstatus_created_id"),
        ]

    def __str__(self) -> str:
        return f"{self.old_status or '—'} → {self.new_status}"

    @property
    def new_status_label(self) -> str:
        return label(LinkStatus, self.new_status)


# --- evidence ----------------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    NEWS = "news", _("News report")
    COMPANY = "company", _("Company publication or report")
    REGISTRY = "registry", _("Registry record")
    COURT = "court", _("Court record")
    CUSTOMS = "customs", _("Customs or trade data")
    GOVERNMENT = "government", _("Government document")
    LEAK = "leak", _("Leaked document")
    RESEARCH = "research", _("Own or partner research")
    OTHER = "other", _("Other")


class SourceQuerySet(RecordQuerySet):
    def public(self):
        """Sources that support at least one public claim (flag kept by record.visibility)."""
        return self.filter(is_public=True)


def media_url(name: str | None) -> str:
    """The address of a stored file (a source's archived copy, a reply's document) at the
    media view, which checks that it may be served; "" for no file."""
    if not name:
        return ""
    from django.urls import reverse

    return reverse("media", args=[name])


class Source(Record):
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    published_on = PartialDateField(_("publication date"))
    language = models.CharField(_("language"), max_length=12, blank=True)
    archive_url = models.URLField(_("archived copy (URL)"), max_length=1000, blank=True)
    archived_file = models.FileField(_("archived copy (file)"), upload_to="sources/%Y/", blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_public = models.BooleanField(_("public"), default=False, db_index=True, editable=False)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "is_public"])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return (
            f"{self.title} ({self.publisher}, {self.published_on})"
            if self.publisher
            else self.title
        )

    def save(self, *args, **kwargs):
        save_keeping_flag(self, super().save, *args, **kwargs)

    def get_absolute_url(self) -> str:
        return fast_reverse("record:source", self.public_id)

    @property
    def archived_file_url(self) -> str:
        """The stored copy, served as a download by the media view while the source is public."""
        return media_url(self.archived_file.name)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = partial_date_errors(self, "published_on")
        if not self.url and not self.archived_file:
            errors["url"] = _("Give the URL of the source or attach an archived copy.")
        if errors:
            raise ValidationError(errors)


class CitationQuerySet(RecordQuerySet):
    def alive(self):
        """Citations that count: neither they nor their source are deleted."""
        return self.filter(deleted_at__isnull=True, source__deleted_at__isnull=True)


class Citation(Record):
    """Ties a source to exactly one claim: an organization, a site, a product or a link."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    link = models.ForeignKey(
        Link, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    quote = models.TextField(_("quoted passage"), blank=True)
    locator = models.CharField(_("page or locator"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        organization__isnull=False,
                        site__isnull=True,
                        product__isnull=True,
                        link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        site__isnull=False,
                        product__isnull=True,
                        link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        site__isnull=True,
                        product__isnull=False,
                        link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        site__isnull=True,
                        product__isnull=True,
                        link__isnull=False,
                    )
                ),
                name="citation_has_one_target",
                violation_error_message=_("A citation supports exactly one claim."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.locator}" if self.locator else str(self.source)

    @property
    def target(self):
        return self.link or self.site or self.product or self.organization

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.quote and not self.locator:
            raise ValidationError({"quote": _("Quote the passage or give a page or locator.")})


# --- right of reply ------------------------------------------------------------------------------


class ResponseChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    WEB_FORM = "web_form", _("Reply form on this site")
    STATEMENT = "statement", _("Public statement")
    OTHER = "other", _("Other")


class ResponseStatus(models.TextChoices):
    RECEIVED = "received", _("Received, being checked")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")  # by a reviewer, the reason in its history; never shown


class ResponseQuerySet(RecordQuerySet):
    def public(self):
        """Published replies, shown wherever what they answer is shown."""
        return (
            self.alive()
            .filter(status=ResponseStatus.PUBLISHED, organization__is_public=True)
            .filter(Q(link__isnull=True) | Q(link__is_public=True))
        )


class Response(Record):
    """An organization's reply, to one link or to its profile. Once published, always shown."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    link = models.ForeignKey(
        Link,
        verbose_name=_("link answered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text=_("Leave empty for a reply to the profile as a whole."),
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=12, choices=ResponseChannel.choices)
    text = models.TextField(_("reply"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    document = models.FileField(_("document"), upload_to="responses/%Y/", blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Seen by staff only, to check who sent a reply; cleared when it is published."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.RECEIVED
    )

    objects = ResponseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "contact_email"])

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["received_on", "pk"]
        permissions = [("publish_response", _("Can publish responses"))]

    def __str__(self) -> str:
        return _("Reply from %(org)s, %(date)s") % {
            "org": self.organization,
            "date": self.received_on,
        }

    @property
    def document_url(self) -> str:
        """The reply as a document, served as a download by the media view once published."""
        return media_url(self.document.name)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.link_id and self.organization_id not in (self.link.subject_id, self.link.object_id):
            raise ValidationError(
                {"link": _("Only an organization named in a link can answer it.")}
            )


class RecordVersion(models.Model):
    """One row: a number raised by every write to the record, in the writer's transaction.

    Caches of public data derived from many rows (the map's GeoJSON, the network graph) are keyed
    by it, and their ETags carry it: an edit shows on the next request in every server process,
    and an unchanged record answers a conditional request with one indexed read. See
    record/version.py.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"record version {self.value}"


class DemoDataset(models.Model):
    """Present while the fictional demo data is loaded; every page then says so."""

    loaded_at = models.DateTimeField(default=timezone.now)
    seed = models.IntegerField()
    organizations = models.IntegerField()

    class Meta:
        verbose_name = _("demo data set")

    def __str__(self) -> str:
        return f"demo data (seed {self.seed}, {self.organizations} organizations)"
