"""The record in the public API: organizations, sites, products, links, sources and replies.

Only public records, always starting from `Model.objects.public()`; citations only nested in the
public claim they support. Records are named by their `public_id`, never by a database key.
Every list is fetched in a fixed number of queries, however long the page.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from unmask.api.common import (
    CountryCode,
    CursorPage,
    ErrorOut,
    LanguageT,
    PublicId,
    Ref,
    ValidationErrorOut,
    absolute,
    detail_endpoint,
    list_endpoint,
    not_found,
    one_or_404,
    path_id,
    values_page,
)
from unmask.record.filters import ORDERINGS, OrganizationFilters
from unmask.record.models import (
    Citation,
    Identifier,
    IdentifierScheme,
    Link,
    LinkStatus,
    LinkStatusEvent,
    NameKind,
    Organization,
    OrganizationKind,
    OrganizationName,
    OrganizationText,
    Precision,
    Product,
    ProductKind,
    Relation,
    Response,
    ResponseChannel,
    Site,
    SiteRole,
    Source,
    SourceKind,
    media_url,
)
from unmask.urlcache import fast_reverse

router = Router()


def _choices(choices) -> Any:
    """A Literal of a TextChoices' values, so the schema lists what is allowed."""
    return Literal[tuple(choices.values)]


OrgKindT = _choices(OrganizationKind)
NameKindT = _choices(NameKind)
SchemeT = _choices(IdentifierScheme)
RoleT = _choices(SiteRole)
PrecisionT = _choices(Precision)
ProductKindT = _choices(ProductKind)
RelationT = _choices(Relation)
StatusT = _choices(LinkStatus)
SourceKindT = _choices(SourceKind)
ChannelT = _choices(ResponseChannel)
SortT = Literal[tuple(ORDERINGS)]

PARTIAL_DATE = "A year (2019), a month (2019-05) or a day (2019-05-17); null when unknown."
MARKDOWN = "Markdown source (CommonMark with tables). Render it with raw HTML off and sanitize it."


def _or_none(value: Any) -> Any:
    return value if value not in ("", None) else None


def _country(value) -> str | None:
    return value.code if value else None


# --- references ----------------------------------------------------------------------------------


class OrganizationRef(Ref):
    pass


class ProductRef(Ref):
    pass


class SourceRef(Ref):
    @staticmethod
    def resolve_name(obj) -> str:
        return obj.title


def _claim_url(request, link) -> str:
    return absolute(request, fast_reverse("record:claim", link.public_id))


CLAIM_URL = "Its permalink on this site: the claim with its sources, status history and replies."


class LinkRef(Ref):
    name: str = Field(description='What the link says, e.g. "Korvex supplies components to Arden".')
    url: str | None = Field(description=CLAIM_URL)

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _claim_url(context["request"], obj)


# --- nested records --------------------------------------------------------------------------------


class OtherNameOut(Schema):
    name: str
    kind: NameKindT
    language: str | None = Field(description="Language or script code (e.g. tr, ru), if given.")

    @staticmethod
    def resolve_language(obj) -> str | None:
        return _or_none(obj.language)


class IdentifierOut(Schema):
    scheme: SchemeT
    value: str
    country: str | None = Field(description="Issuing country (ISO 3166-1 alpha-2), if any.")

    @staticmethod
    def resolve_country(obj) -> str | None:
        return _country(obj.country)


class CitationOut(Schema):
    """The evidence for a claim: a source, with the passage quoted or the place in it."""

    public_id: str
    source: SourceRef
    quote: str = Field(description="The passage quoted from the source (may be empty).")
    locator: str = Field(description="Page or place in the source (may be empty).")
    note: str


class StatusEventOut(Schema):
    """One change of a link's status; the list is the link's whole status history, oldest first."""

    old_status: StatusT | None = Field(description="Null for the first event.")
    new_status: StatusT
    effective: str | None = Field(description=f"When the change took effect. {PARTIAL_DATE}")
    note: str = Field(description="Why the status changed.")
    recorded_at: datetime = Field(description="When the change was recorded here.")

    @staticmethod
    def resolve_old_status(obj) -> str | None:
        return _or_none(obj.old_status)

    @staticmethod
    def resolve_effective(obj) -> str | None:
        return _or_none(obj.effective)

    @staticmethod
    def resolve_recorded_at(obj) -> datetime:
        return obj.created_at


class ReplyOut(Schema):
    """A published reply of an organization (right of reply). Once published, always shown."""

    public_id: str
    organization: OrganizationRef = Field(description="Who replied.")
    received_on: date
    channel: ChannelT
    text: str
    original_url: str | None = Field(description="Where the reply was published, if anywhere.")
    document_url: str | None = Field(description="The reply as a document, if one was sent.")

    @staticmethod
    def resolve_original_url(obj) -> str | None:
        return _or_none(obj.url)

    @staticmethod
    def resolve_document_url(obj, context) -> str | None:
        if not obj.document:
            return None
        return absolute(context["request"], obj.document_url)


class ResponseOut(ReplyOut):
    link: LinkRef | None = Field(description="The link answered; null for a reply to the profile.")


# --- records ---------------------------------------------------------------------------------


class DescriptionTextOut(Schema):
    """An organization's description in another language than the one it is written in."""

    language: LanguageT
    description: str = Field(description=MARKDOWN)


class OrganizationOut(Schema):
    public_id: str
    url: str = Field(description="Its page on this site.")
    name: str
    kind: OrgKindT
    country: str | None = Field(description="Where it is registered (ISO 3166-1 alpha-2).")
    description: str = Field(description=MARKDOWN)
    description_language: LanguageT = Field(description="The language the description is in.")
    description_texts: list[DescriptionTextOut] = Field(
        description="The description in other languages, by language (the name is never "
        "translated)."
    )
    other_names: list[OtherNameOut] = Field(description="Other names, former names, spellings.")
    identifiers: list[IdentifierOut]
    citations: list[CitationOut] = Field(description="The sources for the profile itself.")
    responses: list[ReplyOut] = Field(description="Its published replies to the profile.")
    published_at: datetime
    updated_at: datetime = Field(description="Last changed.")

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_country(obj) -> str | None:
        return _country(obj.country)

    @staticmethod
    def resolve_description_texts(obj) -> list:
        return list(obj.texts.all())  # prefetched, by language

    @staticmethod
    def resolve_other_names(obj) -> list:
        return list(obj.names.all())

    @staticmethod
    def resolve_citations(obj) -> list:
        return obj.public_citations

    @staticmethod
    def resolve_responses(obj) -> list:
        return obj.public_responses


class SiteOut(Schema):
    public_id: str
    organization: OrganizationRef
    name: str
    role: RoleT
    address: str = Field(description="A business address (may be empty).")
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2.")
    latitude: float | None = Field(description="WGS84; see `precision` for how exact it is.")
    longitude: float | None = Field(description="WGS84; see `precision` for how exact it is.")
    precision: PrecisionT = Field(description="How exactly the point is known.")
    citations: list[CitationOut]
    published_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_citations(obj) -> list:
        return obj.public_citations


class ProductOut(Schema):
    public_id: str
    url: str = Field(description="Its page on this site.")
    name: str
    kind: ProductKindT
    description: str = Field(description=MARKDOWN)
    maker: OrganizationRef | None
    part_of: ProductRef | None = Field(description="The product or program it is part of.")
    citations: list[CitationOut]
    published_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_part_of(obj):
        return obj.part_of if obj.part_of_id and obj.part_of_is_public else None

    @staticmethod
    def resolve_citations(obj) -> list:
        return obj.public_citations


class LinkOut(Schema):
    """A claim: `subject` `relation` `object` (and/or `product`), with its evidence and status."""

    public_id: str
    url: str = Field(description=CLAIM_URL)
    subject: OrganizationRef
    relation: RelationT
    object: OrganizationRef | None = Field(description="The organization on the other side.")
    product: ProductRef | None = Field(description="What the link concerns.")
    status: StatusT
    start: str | None = Field(description=PARTIAL_DATE)
    end: str | None = Field(description=PARTIAL_DATE)
    active: bool = Field(description="No end date and not ended.")
    share: str | None = Field(description="For ownership: the share held, in percent (decimal).")
    amount: str | None = Field(description="An amount of money (decimal), in `currency`.")
    currency: str | None = Field(description="ISO 4217 code of `amount`.")
    summary: str = Field(description="What exactly is claimed.")
    citations: list[CitationOut]
    status_events: list[StatusEventOut]
    responses: list[ReplyOut] = Field(description="Published replies to this link.")
    published_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _claim_url(context["request"], obj)

    @staticmethod
    def resolve_start(obj) -> str | None:
        return _or_none(obj.start)

    @staticmethod
    def resolve_end(obj) -> str | None:
        return _or_none(obj.end)

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active

    @staticmethod
    def resolve_share(obj) -> str | None:
        return None if obj.share is None else str(obj.share)

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return None if obj.amount is None else str(obj.amount)

    @staticmethod
    def resolve_currency(obj) -> str | None:
        return _or_none(obj.currency)

    @staticmethod
    def resolve_citations(obj) -> list:
        return obj.public_citations

    @staticmethod
    def resolve_status_events(obj) -> list:
        return list(obj.status_events.all())

    @staticmethod
    def resolve_responses(obj) -> list:
        return obj.public_responses


class SourceOut(Schema):
    public_id: str
    url: str = Field(description="Its page on this site.")
    title: str
    publisher: str
    kind: SourceKindT
    published_on: str | None = Field(description=PARTIAL_DATE)
    language: str | None
    original_url: str | None = Field(description="Where the document was found.")
    archive_url: str | None = Field(description="An archived copy elsewhere.")
    archived_file_url: str | None = Field(description="An archived copy kept by this site.")
    retrieved_on: date | None
    updated_at: datetime

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_published_on(obj) -> str | None:
        return _or_none(obj.published_on)

    @staticmethod
    def resolve_language(obj) -> str | None:
        return _or_none(obj.language)

    @staticmethod
    def resolve_original_url(obj) -> str | None:
        return _or_none(obj.url)

    @staticmethod
    def resolve_archive_url(obj) -> str | None:
        return _or_none(obj.archive_url)

    @staticmethod
    def resolve_archived_file_url(obj, context) -> str | None:
        if not obj.archived_file:
            return None
        return absolute(context["request"], obj.archived_file_url)


# --- querysets: what is public, fetched in a fixed number of queries ---------------------------


def _citations() -> Prefetch:
    # The claim is public, so its live citations are public, and so are their sources.
    return Prefetch(
        "citations",
        queryset=Citation.objects.alive().select_related("source").order_by("pk"),
        to_attr="public_citations",
    )


def _replies(**filters) -> Prefetch:
    return Prefetch(
        "responses",
        queryset=Response.objects.public()
        .filter(**filters)
        .select_related("organization")
        .order_by("received_on", "pk"),
        to_attr="public_responses",
    )


def organizations(queryset=None):
    queryset = Organization.objects.public() if queryset is None else queryset
    return queryset.prefetch_related(
        "names", "identifiers", "texts", _citations(), _replies(link__isnull=True)
    )


def sites():
    return Site.objects.public().select_related("organization").prefetch_related(_citations())


def products():
    return (
        Product.objects.public()
        .select_related("maker", "part_of")
        .annotate(part_of_is_public=Exists(Product.objects.public().filter(pk=OuterRef("part_of"))))
        .prefetch_related(_citations())
    )


def links():
    return (
        Link.objects.public()
        .select_related("subject", "object", "product")
        .prefetch_related(
            _citations(),
            Prefetch(
                "status_events", queryset=LinkStatusEvent.objects.order_by("created_at", "pk")
            ),
            _replies(),
        )
    )


def responses():
    return Response.objects.public().select_related(
        "organization", "link__subject", "link__object", "link__product"
    )


# --- filters -------------------------------------------------------------------------------------
# Optional parameters are typed without "| None": a query string has no null, so the schema says
# "an enum value, or leave it out" rather than "anyOf [enum, null]". Absent means None.


class OrganizationQuery(Schema):
    q: str = Field(
        None,
        max_length=200,
        description="Search names, other names and identifiers (every word, as a prefix).",
    )
    country: CountryCode = Field(None)
    kind: OrgKindT = Field(None)
    relation: RelationT = Field(None, description="Has a public link of this relation.")
    status: StatusT = Field(None, description="Has a public link with this status.")
    product: PublicId = Field(None, description="Has a public link about this product.")
    sort: SortT = Field(
        "name", description="name, -name (Z–A), country, or -changed (last changed first)."
    )


class LinkQuery(Schema):
    subject: PublicId = Field(None, description="The organization that does it.")
    object: PublicId = Field(None, description="The organization on the other side.")
    organization: PublicId = Field(None, description="Either side.")
    relation: RelationT = Field(None)
    status: StatusT = Field(None)
    product: PublicId = Field(None, description="The product or program it concerns.")
    active: bool = Field(
        None, description="true: no end date and not ended; false: ended or with an end date."
    )


class SiteQuery(Schema):
    organization: PublicId = Field(None)
    country: CountryCode = Field(None)
    role: RoleT = Field(None)
    precision: PrecisionT = Field(None)


class ProductQuery(Schema):
    kind: ProductKindT = Field(None)
    maker: PublicId = Field(None, description="Made by this organization.")
    part_of: PublicId = Field(None, description="Directly part of this product.")


class SourceQuery(Schema):
    kind: SourceKindT = Field(None)


class ResponseQuery(Schema):
    organization: PublicId = Field(None, description="Replies of this organization.")
    link: PublicId = Field(None, description="Replies to this link.")


# --- endpoints -------------------------------------------------------------------------------


def organization_rows(request, page: list[Organization]) -> list[dict]:
    """A page of organizations as OrganizationOut gives them (its order, its values), their
    nested records read as values in four queries, one a kind: what `organizations()` prefetched
    as some 700 model instances for a page of 50, validated one by one (values_page)."""
    ids = [org.pk for org in page]
    origin = request.build_absolute_uri("/")[:-1]  # each URL below is this and a path
    texts, names, identifiers, citations, replies = ({pk: [] for pk in ids} for _ in range(5))
    for pk, language, description in OrganizationText.objects.filter(
        organization_id__in=ids
    ).values_list("organization_id", "language", "description"):
        texts[pk].append({"language": language, "description": description})
    for pk, name, kind, language in OrganizationName.objects.filter(
        organization_id__in=ids
    ).values_list("organization_id", "name", "kind", "language"):
        names[pk].append({"name": name, "kind": kind, "language": _or_none(language)})
    for pk, scheme, value, country in Identifier.objects.filter(
        organization_id__in=ids
    ).values_list("organization_id", "scheme", "value", "country"):
        identifiers[pk].append({"scheme": scheme, "value": value, "country": _or_none(country)})
    sources: dict[str, dict] = {}
    for pk, public_id, quote, locator, note, source_id, title in (
        Citation.objects.alive()
        .filter(organization_id__in=ids)
        .order_by("pk")
        .values_list(
            "organization_id",
            "public_id",
            "quote",
            "locator",
            "note",
            "source__public_id",
            "source__title",
        )
    ):
        source = sources.get(source_id) or sources.setdefault(
            source_id,
            {
                "public_id": source_id,
                "name": title,
                "url": origin + fast_reverse("record:source", source_id),
            },
        )
        citations[pk].append(
            {
                "public_id": public_id,
                "source": source,
                "quote": quote,
                "locator": locator,
                "note": note,
            }
        )
    refs = {
        org.pk: {
            "public_id": org.public_id,
            "name": org.name,
            "url": origin + org.get_absolute_url(),
        }
        for org in page
    }
    for pk, public_id, received_on, channel, text, url, document in (
        Response.objects.public()
        .filter(organization_id__in=ids, link_id__isnull=True)
        .order_by("received_on", "pk")
        .values_list(
            "organization_id", "public_id", "received_on", "channel", "text", "url", "document"
        )
    ):
        replies[pk].append(
            {
                "public_id": public_id,
                "organization": refs[pk],
                "received_on": received_on,
                "channel": channel,
                "text": text,
                "original_url": _or_none(url),
                "document_url": origin + media_url(document) if document else None,
            }
        )
    return [
        {
            "public_id": org.public_id,
            "url": refs[org.pk]["url"],
            "name": org.name,
            "kind": org.kind,
            "country": _country(org.country),
            "description": org.description,
            "description_language": org.description_language,
            "description_texts": texts[org.pk],
            "other_names": names[org.pk],
            "identifiers": identifiers[org.pk],
            "citations": citations[org.pk],
            "responses": replies[org.pk],
            "published_at": org.published_at,
            "updated_at": org.updated_at,
        }
        for org in page
    ]


@list_endpoint(
    router,
    "/organizations",
    OrganizationOut,
    "List organizations",
    "organizations",
    "The same filters as the directory pages.",
)
@values_page(organization_rows)
@paginate(CursorPage, follow_queryset_order=True, orderings=ORDERINGS)
def list_organizations(request, filters: Query[OrganizationQuery]):
    params = {k: v for k, v in filters.model_dump().items() if v}
    return OrganizationFilters.from_params(params).apply()


@detail_endpoint(
    router,
    "/organizations/{public_id}",
    OrganizationOut,
    "One organization",
    "organizations",
    openapi_extra={
        "responses": {301: {"description": "Merged into another organization: follow `Location`."}}
    },
)
def get_organization(request, public_id: str = path_id("organization")):
    org = organizations().filter(public_id=public_id).first()
    if org is not None:
        return org
    merged = Organization.objects.filter(public_id=public_id, merged_into__isnull=False).first()
    if merged is not None:
        target = merged.merged_into
        while target.merged_into_id:
            target = target.merged_into
        if Organization.objects.public().filter(pk=target.pk).exists():
            return HttpResponsePermanentRedirect(
                reverse("api:organization", kwargs={"public_id": target.public_id})
            )
    raise not_found("organization", public_id)


@list_endpoint(router, "/sites", SiteOut, "List sites", "sites")
@paginate(CursorPage, ordering=("created_at", "pk"))
def list_sites(request, filters: Query[SiteQuery]):
    qs = sites()
    if filters.organization:
        qs = qs.filter(organization__public_id=filters.organization)
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.precision:
        qs = qs.filter(precision=filters.precision)
    return qs


@detail_endpoint(router, "/sites/{public_id}", SiteOut, "One site", "sites")
def get_site(request, public_id: str = path_id("site")):
    return one_or_404(sites(), "site", public_id)


@list_endpoint(router, "/products", ProductOut, "List products and programs", "products")
@paginate(CursorPage, ordering=("name", "pk"))
def list_products(request, filters: Query[ProductQuery]):
    qs = products()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.maker:
        qs = qs.filter(maker__public_id=filters.maker)
    if filters.part_of:
        qs = qs.filter(part_of__in=Product.objects.public().filter(public_id=filters.part_of))
    return qs


@detail_endpoint(router, "/products/{public_id}", ProductOut, "One product or program", "products")
def get_product(request, public_id: str = path_id("product")):
    return one_or_404(products(), "product", public_id)


@list_endpoint(
    router,
    "/links",
    LinkOut,
    "List links",
    "links",
    "Who supplies, owns, finances... whom: each claim with its evidence, status history and replies.",
)
@paginate(CursorPage, ordering=("created_at", "pk"))
def list_links(request, filters: Query[LinkQuery]):
    qs = links()
    if filters.subject:
        qs = qs.filter(subject__public_id=filters.subject)
    if filters.object:
        qs = qs.filter(object__public_id=filters.object)
    if filters.organization:
        qs = qs.filter(
            Q(subject__public_id=filters.organization) | Q(object__public_id=filters.organization)
        )
    # The map's and the graph's selection (LinkQuerySet.matching), but for the product: the API
    # keeps the links about that product itself, as its organizations' filter does.
    product = Product.objects.filter(public_id=filters.product) if filters.product else None
    return qs.matching(
        relation=filters.relation or "",
        status=filters.status or "",
        active=filters.active,
        product_ids=product.values("pk") if product is not None else None,
    )


@detail_endpoint(router, "/links/{public_id}", LinkOut, "One link", "links")
def get_link(request, public_id: str = path_id("link")):
    return one_or_404(links(), "link", public_id)


@list_endpoint(
    router,
    "/sources",
    SourceOut,
    "List sources",
    "sources",
    "Documents behind at least one public claim.",
)
@paginate(CursorPage, ordering=("title", "pk"))
def list_sources(request, filters: Query[SourceQuery]):
    qs = Source.objects.public()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@detail_endpoint(router, "/sources/{public_id}", SourceOut, "One source", "sources")
def get_source(request, public_id: str = path_id("source")):
    return one_or_404(Source.objects.public(), "source", public_id)


@list_endpoint(
    router,
    "/responses",
    ResponseOut,
    "List published replies",
    "responses",
    "Replies of organizations to their profile or to a link (right of reply).",
)
@paginate(CursorPage, ordering=("received_on", "pk"))
def list_responses(request, filters: Query[ResponseQuery]):
    qs = responses()
    if filters.organization:
        qs = qs.filter(organization__public_id=filters.organization)
    if filters.link:
        qs = qs.filter(link__public_id=filters.link)
    return qs


@detail_endpoint(router, "/responses/{public_id}", ResponseOut, "One published reply", "responses")
def get_response(request, public_id: str = path_id("reply")):
    return one_or_404(responses(), "reply", public_id)


# --- screening (issue 18) ------------------------------------------------------------------------

MATCH_BATCH = 50  # queries in one request


class MatchQueryIn(BaseModel):
    """A query: an object with these fields (plain pydantic: ninja's Schema would read a list
    or any other value as an object with no attributes)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=500, description="The company's name, as the list gives it.")
    country: str = Field(
        "", max_length=2, description="Its country of registration (ISO 3166-1 alpha-2), if known."
    )
    identifier: str = Field(
        "",
        max_length=200,
        description="An identifier, as `scheme:value` (lei:…, reg:…, tax:…) or the value alone.",
    )


class MatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: dict[str, MatchQueryIn] = Field(
        description=f"The queries, each under a key of yours (at most {MATCH_BATCH})."
    )
    limit: int = Field(5, ge=1, le=10, description="Candidates per query, best first.")


class MatchOrganizationOut(Schema):
    public_id: str
    name: str
    url: str = Field(description="Its profile on this site.")


class MatchCandidateOut(Schema):
    organization: MatchOrganizationOut
    country: str | None
    score: float = Field(description="0 to 1; a match from 0.9.")
    match: bool = Field(description="Whether the candidate names the same company.")
    rule: str = Field(description="How the names matched, or `identifier`.")
    matched_name: str = Field(description="Which of the organization's names matched.")
    evidence: list[str] = Field(description="What supports the match and what contradicts it.")


class MatchResultOut(Schema):
    verdict: Literal["match", "possible", "no match"]
    results: list[MatchCandidateOut]


class MatchOut(Schema):
    responses: dict[str, MatchResultOut]
    organizations: int = Field(description="How many public organizations were searched.")


@router.post(
    "/match",
    response={200: MatchOut, 400: ErrorOut, 422: ValidationErrorOut},
    summary="Match companies against the record",
    description=(
        "Screen a batch of company names (with a country and an identifier when known) against "
        "the record's public organizations, as OpenSanctions' yente does for sanctions lists. "
        "Each query gets its candidates, best first, with a score, whether it is a match, the "
        "rule and the name that matched, and the evidence for and against. Names are compared "
        "across scripts, transliterations, legal forms, word order and slips; an identifier the "
        "record holds settles a match; another country of registration excludes one. Nothing "
        "sent is stored or logged."
    ),
    tags=["screening"],
    url_name="match",
)
def match(request, body: MatchIn):
    from unmask.record.screening import record_index
    from unmask.screening.matcher import MATCH, POSSIBLE, Query

    if len(body.queries) > MATCH_BATCH:
        raise NinjaValidationError(
            [
                {
                    "loc": ["body", "queries"],
                    "msg": f"At most {MATCH_BATCH} queries a request; send the rest in another.",
                    "type": "value_error",
                }
            ]
        )
    index = record_index()
    origin = request.build_absolute_uri("/")[:-1]
    answers = {}
    for key, query in body.queries.items():
        found = index.match(
            Query(query.name, query.country.upper(), query.identifier), limit=body.limit
        )
        verdict = "no match"
        if found:
            verdict = "match" if found[0].score >= MATCH else "possible"
        answers[key] = {
            "verdict": verdict,
            "results": [
                {
                    "organization": {
                        "public_id": c.entry.id,
                        "name": c.entry.name,
                        "url": origin + fast_reverse("record:organization-short", c.entry.id),
                    },
                    "country": c.entry.country or None,
                    "score": round(c.score, 3),
                    "match": c.score >= MATCH,
                    "rule": c.rule,
                    "matched_name": c.matched_name,
                    "evidence": c.evidence,
                }
                for c in found
                if c.score >= POSSIBLE
            ],
        }
    return {"responses": answers, "organizations": len(index.entries)}
