"""The public record as FollowTheMoney entities (https://followthemoney.tech), one JSON object a
line, built with the `followthemoney` library so that every entity is valid under its model.
OpenSanctions, Aleph and yente read these files as they are. The mapping is documented in
docs/ftm.md; in short:

- organizations: Company (companies, banks and funds), PublicBody (public bodies, military
  units), Organization (institutes, trade fairs, others), with their other names (alias),
  identifiers (registrationNumber, leiCode, vatCode, dunsCode, cageCode, wikidataId, website),
  country and description, and their sites as addressEntity;
- sites: Address (full address, street, city, country, and the point only when it is known to
  the street or better: a site known to its city is not a point);
- products: Project (weapons programs) and Asset (everything else); who makes a product and
  what it is part of are UnknownLinks with the role "makes" and "is part of";
- links: Ownership (owns), Debt (finances or invests in), Representation (distributes or
  brokers for), Membership (exhibits at), UnknownLink with the relation as its role (supplies,
  licenses, manufactures, integrates, services, insures, research partner, operates); each with
  its start and end dates, status, summary, the product it concerns, its status history (one
  description a change: no FtM schema can refer to a link), and the URLs of the sources
  that support it (sourceUrl);
- sources: Document (fileName, title, publisher, date, language, kind, address), which every
  entity they support names as its proof;
- published replies: a Note on the organization that replied (the link answered named in its
  summary), marked by the keyword "right of reply".
- the campaign: every public action is an Event (name, summary, description, the organizations
  it is aimed at as involved, its local group as organizer, place, country, the first
  occurrence as startDate and endDate, every occurrence's start as date when it repeats, its
  page as sourceUrl, keywords and notes); each local group that organizes one is an
  Organization. Calls to action have no FtM schema and are named in the Events' notes only.

Ids are stable across exports: "<prefix>-<kind>-<public id>" (prefix UNMASK_FTM_PREFIX; kind
org, site, product, link, made, part, source, reply, group, action). What FtM refuses (an LEI
stored before identifiers were checked on input, failing its check digits) is counted in the
returned Written's left_out, which the manifest and `unmask export` show.

Speed (issue 16: 10,000 entities a second): sites, organizations, products and links are read
as rows and built in FtM's dict form, each value cleaned by FtM's types exactly as
EntityProxy.add cleans it, once for the values that repeat; the few others are EntityProxies.
Lines are compact JSON with sorted keys (orjson).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connections
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast
from django_countries.fields import Country
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from followthemoney.types.common import PropertyType
from followthemoney.util import sanitize_text

from unmask.campaign import times
from unmask.campaign.models import ActionKind, ActionStatus
from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS
from unmask.record.identifiers import website_url
from unmask.record.models import (
    IdentifierScheme,
    LinkStatus,
    OrganizationKind,
    Precision,
    ProductKind,
    Relation,
    ResponseChannel,
    SiteRole,
    SourceKind,
)
from unmask.record.text import make_slug
from unmask.urlcache import fast_reverse

try:  # several times faster than json; the same bytes either way (compact, keys sorted)
    from orjson import OPT_SORT_KEYS
    from orjson import dumps as _orjson_dumps

    def _dumps(data: dict) -> bytes:
        return _orjson_dumps(data, option=OPT_SORT_KEYS)

except ImportError:  # pragma: no cover - orjson comes with followthemoney

    def _dumps(data: dict) -> bytes:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode()


ORG_SCHEMA = {
    OrganizationKind.COMPANY: "Company",
    OrganizationKind.FINANCIAL: "Company",
    OrganizationKind.PUBLIC_BODY: "PublicBody",
    OrganizationKind.MILITARY_UNIT: "PublicBody",
    OrganizationKind.INSTITUTE: "Organization",
    OrganizationKind.TRADE_FAIR: "Organization",
    OrganizationKind.OTHER: "Organization",
}
IDENTIFIER_PROPERTY = {
    IdentifierScheme.REGISTRY: "registrationNumber",
    IdentifierScheme.LEI: "leiCode",
    IdentifierScheme.VAT: "vatCode",
    IdentifierScheme.DUNS: "dunsCode",
    IdentifierScheme.CAGE: "cageCode",
    IdentifierScheme.WIKIDATA: "wikidataId",
    IdentifierScheme.DOMAIN: "website",
    IdentifierScheme.OTHER: "idNumber",
}
# relation -> (schema, property of the subject, property of the object)
LINK_SCHEMA = {
    Relation.OWNS: ("Ownership", "owner", "asset"),
    Relation.FINANCES: ("Debt", "creditor", "debtor"),
    Relation.DISTRIBUTES: ("Representation", "agent", "client"),
    Relation.EXHIBITS_AT: ("Membership", "member", "organization"),
}
UNKNOWN = ("UnknownLink", "subject", "object")
POINT_PRECISIONS = {"exact", "street"}
CHUNK = 2000


def _stamp(queryset: QuerySet, name: str) -> QuerySet:
    """The queryset with the timestamp `name` as `stamp`, as values_list reads it fastest: on
    SQLite the text stored ("2024-03-01 09:30:00.123456", UTC), which Django parses into a
    datetime a row otherwise (a tenth of the export's time); elsewhere the datetime the driver
    makes. _day and _instant take either."""
    if connections[queryset.db].vendor == "sqlite":
        return queryset.annotate(stamp=Cast(name, output_field=TextField()))
    return queryset.annotate(stamp=F(name))


def _day(stamp: str | datetime) -> str:
    """The UTC day of a timestamp (_stamp's), as "2024-03-01"."""
    return stamp[:10] if type(stamp) is str else stamp.date().isoformat()


def prefix() -> str:
    return getattr(settings, "FTM_PREFIX", "unmask")


def entity_id(kind: str, public_id: str) -> str:
    return f"{prefix()}-{kind}-{public_id}"


def _make(schema: str, kind: str, public_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id(kind, public_id)
    return entity


class _Entity:
    """An entity in FtM's dict form, for the rows that come by the hundred thousand (sites,
    organizations, links): what an EntityProxy holds (schema, id, each property's values in
    the order given, without repeats) without its bookkeeping a value. Values come cleaned
    (_Values); `add` is EntityProxy.add(..., cleaned=True)."""

    __slots__ = ("id", "properties", "schema")

    def __init__(self, schema: str, id_: str):
        self.schema = model.schemata[schema]
        self.id = id_
        self.properties: dict[str, list[str]] = {}

    def put(self, name: str, value: str | None) -> None:
        """EntityProxy.unsafe_add of a cleaned value."""
        if value is None:
            return
        found = self.properties.get(name)
        if found is None:
            self.properties[name] = [value]
        elif value not in found:
            found.append(value)

    def add(self, prop, values, cleaned: bool = True) -> None:  # cleaned: always
        name = prop if type(prop) is str else prop.name
        for value in values if type(values) is list else (values,):
            if value:  # string_list drops None and ""
                self.put(name, value)

    def to_dict(self) -> dict:
        return {"id": self.id, "schema": self.schema.name, "properties": self.properties}


class _Values:
    """What EntityProxy.add does to a value (sanitize_text, then the property type's
    clean_text: dates parsed, countries and languages as codes, names squashed), without its
    cost where values repeat: `known` cleans a date, a country, a label or a city once an
    export (their cleaning needs no entity). The values stored are exactly add()'s."""

    def __init__(self):
        self._known: dict[tuple[str, str | None, str], str | None] = {}
        self._cleaners: dict[tuple[str, str], Callable | None] = {}

    def add(self, entity: _Entity, name: str, value: str | list | None) -> None:
        if value is None:
            return
        try:
            clean = self._cleaners[(entity.schema.name, name)]
        except KeyError:
            clean = self._cleaners[(entity.schema.name, name)] = _cleaner(entity.schema, name)
        for one in value if type(value) is list else (value,):
            # sanitize_text(one), without its Unicode passes (NFC, unsafe characters) for
            # printable ASCII, which they leave as it is: ids, numbers, most names
            if type(one) is str and one.isascii() and one.isprintable():
                text = one.strip() or None
            else:
                text = sanitize_text(one)
            if text is not None:
                entity.put(name, text if clean is None else clean(text, entity))

    def known(self, entity: _Entity, name: str, value: str | None) -> None:
        if value is None:
            return
        prop = entity.schema.properties[name]
        key = (prop.type.name, prop.format, value)
        try:
            cleaned = self._known[key]
        except KeyError:
            text = sanitize_text(value)
            cleaned = None if text is None else prop.type.clean_text(text, format=prop.format)
            self._known[key] = cleaned
        entity.put(name, cleaned)


def _cleaner(schema, name: str) -> Callable | None:
    """(text, entity) -> the property's clean_text of it; None where that leaves text as it is
    (string and text properties)."""
    prop = schema.properties[name]
    if type(prop.type).clean_text is PropertyType.clean_text:
        return None
    return lambda text, entity: prop.type.clean_text(text, format=prop.format, proxy=entity)


# A name with an extension, as a file has ("report-2021.pdf"), not a page's path ("/news/123").
FILE_NAME = re.compile(r"^[^/]+\.[A-Za-z0-9]{1,5}$")
ARCHIVED = "Archived copy: "  # how a Document's description gives the source's archive_url


@dataclass
class _Evidence:
    urls: list[str] = field(default_factory=list)  # sourceUrl
    proof: list[str] = field(default_factory=list)  # ids of the Document entities


def _evidence_by(selection: Selection) -> dict[tuple[str, int], _Evidence]:
    """(target kind, pk) -> the public sources cited for it: their URLs and entity ids."""
    found: dict[tuple[str, int], _Evidence] = defaultdict(_Evidence)
    rows = selection.citations().values_list(
        "organization_id", "site_id", "product_id", "link_id", "source__url", "source__public_id"
    )
    clean_urls: dict[str, str | None] = {}
    own = f"{prefix()}-"  # entity_id's, once
    for org, site, product, link, url, source in rows.iterator(chunk_size=5000):
        if url not in clean_urls:
            clean_urls[url] = registry.url.clean(url) if url else None
        url = clean_urls[url]
        proof = f"{own}source-{source}"
        # a citation supports one of them: four tests, not a loop a row
        if org is not None:
            _note(found[("org", org)], url, proof)
        if site is not None:
            _note(found[("site", site)], url, proof)
        if product is not None:
            _note(found[("product", product)], url, proof)
        if link is not None:
            _note(found[("link", link)], url, proof)
    return found


def _note(evidence: _Evidence, url: str | None, proof: str) -> None:
    if url and url not in evidence.urls:
        evidence.urls.append(url)
    if proof not in evidence.proof:
        evidence.proof.append(proof)


def _cite(entity: EntityProxy | _Entity, evidence: _Evidence | None) -> None:
    if evidence is not None:  # cleaned once in _evidence_by, not once an entity
        entity.add("sourceUrl", evidence.urls, cleaned=True)
        entity.add("proof", evidence.proof, cleaned=True)


class _Labels:
    """Choices in words, looked up once an export (get_FOO_display() builds its table of lazy
    labels on every call: a third of the export's time)."""

    def __init__(self):
        table = lambda choices: {value: str(label) for value, label in choices}  # noqa: E731
        self.org_kinds = table(OrganizationKind.choices)
        self.product_kinds = table(ProductKind.choices)
        self.source_kinds = table(SourceKind.choices)
        self.roles = table(SiteRole.choices)
        self.precisions = table(Precision.choices)
        self.relations = table(Relation.choices)
        self.statuses = table(LinkStatus.choices)
        self.action_kinds = table(ActionKind.choices)
        self.channels = table(ResponseChannel.choices)
        self.countries: dict[str, str] = {}

    def country(self, code: str) -> str:
        if code and code not in self.countries:
            self.countries[code] = str(Country(code).name)
        return self.countries.get(code, "")


def _documents(selection: Selection, labels: _Labels) -> Iterator[EntityProxy]:
    for source in selection.sources().iterator(chunk_size=2000):
        document = _make("Document", "source", source.public_id)
        document.add("fileName", file_name(source))
        document.add("title", source.title)
        document.add("publisher", source.publisher)
        document.add("publishedAt", source.published_on or None)
        document.add("language", source.language or None)
        document.add(
            "retrievedAt", source.retrieved_on.isoformat() if source.retrieved_on else None
        )
        document.add("sourceUrl", source.url or None)
        document.add("summary", labels.source_kinds[source.kind])
        if source.archive_url:
            document.add("description", f"{ARCHIVED}{source.archive_url}")
        document.add("modifiedAt", source.updated_at.date().isoformat())
        yield document


def file_name(source) -> str:
    """A Document's fileName, which FtM requires of every Document (Aleph names a Document by
    it before its title): the name of the copy this site keeps, or of the file the address
    ends in ("report-2021.pdf"); a web page or a source with no address has no file, and is
    named by its title."""
    if source.archived_file:
        return source.archived_file.name.rsplit("/", 1)[-1]
    last = urlsplit(source.url).path.rstrip("/").rsplit("/", 1)[-1] if source.url else ""
    last = unquote(last)
    if FILE_NAME.match(last):
        return last
    return source.title


def place(*parts: str | None) -> str:
    """Parts of an address joined by commas, without a part that those before it already name
    (an address written with its city, "Industriepark 5, 34123 Kassel", is not followed by
    "Kassel" again)."""
    kept: list[str] = []
    folded: list[str] = []  # kept, casefolded once (place() runs for every site)
    for part in parts:
        part = (part or "").strip()
        if not part:
            continue
        key = part.casefold()
        if not any(key in text and _names(text, key) for text in folded):
            kept.append(part)
            folded.append(key)
    return ", ".join(kept)


def _names(text: str, part: str) -> bool:
    """Whether casefolded `text` names casefolded `part` as words of its own."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


# Left out of the export, by what (the manifest and `unmask export` say how many: Written).
INVALID_IDENTIFIER = "{scheme} identifiers FollowTheMoney refuses (they are in the CSV bundle)"


class Written(int):
    """How many entities were written, and what was left out (what -> how many)."""

    left_out: dict[str, int]

    def __new__(cls, count: int, left_out: Counter):
        written = super().__new__(cls, count)
        written.left_out = dict(sorted((+left_out).items()))
        return written


def _identifiers(entity: _Entity, found: list, left_out: Counter) -> None:
    """Add an organization's identifiers as FtM cleans them (an LEI compacted, a Wikidata
    address as its Q-number); count those FtM refuses (an LEI failing its ISO 17442 check,
    stored before identifiers were checked on input) instead of dropping them silently."""
    for scheme, value in found:
        name = IDENTIFIER_PROPERTY.get(scheme, "idNumber")
        if name == "website":
            value = website_url(value)
        prop = entity.schema.get(name)
        cleaned = prop.type.clean(value, format=prop.format, proxy=entity)
        if cleaned is None:
            left_out[INVALID_IDENTIFIER.format(scheme=scheme)] += 1
        else:
            entity.add(prop, cleaned, cleaned=True)


def entities(
    selection: Selection, left_out: Counter | None = None
) -> Iterator[EntityProxy | _Entity]:
    """Every entity of the selection: the sources first, then addresses, organizations (which
    refer to them), products, the links between them and the replies of organizations.
    `left_out` counts what FtM cannot hold."""
    left_out = Counter() if left_out is None else left_out
    sources = _evidence_by(selection)
    labels = _Labels()
    yield from _documents(selection, labels)
    org_ids = dict(selection.organizations.values_list("pk", "public_id"))
    product_ids = dict(selection.products.values_list("pk", "public_id"))

    values, own = _Values(), f"{prefix()}-"  # entity ids: f"{own}{kind}-{public id}"
    addresses: dict[int, list[str]] = defaultdict(list)
    site_ids: set[str] = set()
    # Rows as tuples, not model instances: at 100,000 sites and links the instances (and a
    # Country object a row) cost more than building the entities.
    sites = selection.sites.filter(organization__in=selection.organizations.values("pk"))
    rows = _stamp(sites, "updated_at").values_list(
        "pk",
        "public_id",
        "organization_id",
        "name",
        "address",
        "city",
        "country",
        "latitude",
        "longitude",
        "precision",
        "role",
        "stamp",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        pk, public_id, org, name, street, city, country, lat, lon, precision, role, updated = row
        address = _Entity("Address", f"{own}site-{public_id}")
        full = place(street, city, labels.country(country))
        values.add(address, "full", full or name or city)
        values.add(address, "street", street)
        values.add(address, "name", name)
        values.known(address, "city", city)
        values.known(address, "country", country or None)
        if lat is not None and precision in POINT_PRECISIONS:
            places = DECIMALS[precision]  # no finer than the position is known
            values.add(address, "latitude", f"{round(lat, places):.{places}f}")
            values.add(address, "longitude", f"{round(lon, places):.{places}f}")
        summary = f"{labels.roles[role]} ({labels.precisions[precision]})"
        values.known(address, "summary", summary)
        _cite(address, sources.get(("site", pk)))
        values.known(address, "modifiedAt", _day(updated))
        addresses[org].append(address.id)
        site_ids.add(public_id)
        yield address

    names = defaultdict(list)
    for org_id, name in selection.names().values_list("organization_id", "name"):
        names[org_id].append(name)
    identifiers = defaultdict(list)
    for org_id, scheme, value in selection.identifiers().values_list(
        "organization_id", "scheme", "value"
    ):
        identifiers[org_id].append((scheme, value))

    rows = _stamp(selection.organizations, "updated_at").values_list(
        "pk", "public_id", "kind", "name", "country", "description", "stamp"
    )
    for pk, public_id, kind, name, country, description, updated in rows.iterator(chunk_size=CHUNK):
        entity = _Entity(ORG_SCHEMA.get(kind, "Organization"), f"{own}org-{public_id}")
        values.add(entity, "name", name)
        values.add(entity, "alias", names.get(pk))
        values.known(entity, "country", country or None)
        values.add(entity, "description", description)
        values.known(entity, "classification", labels.org_kinds[kind])
        _identifiers(entity, identifiers.get(pk, []), left_out)
        entity.add("addressEntity", addresses.get(pk), cleaned=True)  # the ids made above
        _cite(entity, sources.get(("org", pk)))
        values.known(entity, "modifiedAt", _day(updated))
        yield entity

    rows = _stamp(selection.products, "updated_at").values_list(
        "pk", "public_id", "kind", "name", "description", "maker_id", "part_of_id", "stamp"
    )
    for pk, public_id, kind, name, description, maker, part_of, updated in rows.iterator(
        chunk_size=CHUNK
    ):
        schema = "Project" if kind == ProductKind.PROGRAM else "Asset"
        entity = _Entity(schema, f"{own}product-{public_id}")
        values.add(entity, "name", name)
        values.add(entity, "description", description)
        values.known(entity, "summary", labels.product_kinds[kind])
        _cite(entity, sources.get(("product", pk)))
        values.known(entity, "modifiedAt", _day(updated))
        yield entity
        if maker in org_ids:
            made = _Entity("UnknownLink", f"{own}made-{public_id}")
            values.add(made, "subject", f"{own}org-{org_ids[maker]}")
            values.add(made, "object", entity.id)
            values.known(made, "role", "makes")
            yield made
        if part_of in product_ids:
            part = _Entity("UnknownLink", f"{own}part-{public_id}")
            values.add(part, "subject", entity.id)
            values.add(part, "object", f"{own}product-{product_ids[part_of]}")
            values.known(part, "role", "is part of")
            yield part

    histories = _histories(selection, labels)
    rows = _stamp(selection.links, "updated_at").values_list(
        "pk",
        "public_id",
        "subject_id",
        "object_id",
        "product_id",
        "product__name",
        "relation",
        "status",
        "start",
        "end",
        "summary",
        "share",
        "amount",
        "currency",
        "stamp",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        pk, public_id, subject, object_id, product, product_name, relation, status = row[:8]
        start, end, summary, share, amount, currency, updated = row[8:]
        if subject not in org_ids:
            continue
        if object_id in org_ids:
            target = f"{own}org-{org_ids[object_id]}"
            schema, source_prop, target_prop = LINK_SCHEMA.get(relation, UNKNOWN)
        elif object_id is None and product in product_ids:
            # A link to a product alone ("manufactures the KX-40"): the product is the object.
            target = f"{own}product-{product_ids[product]}"
            schema, source_prop, target_prop = UNKNOWN
        else:
            continue
        entity = _Entity(schema, f"{own}link-{public_id}")
        values.add(entity, source_prop, f"{own}org-{org_ids[subject]}")
        values.add(entity, target_prop, target)
        if "role" in entity.schema.properties:
            values.known(entity, "role", labels.relations[relation])
        if "status" in entity.schema.properties:
            values.known(entity, "status", labels.statuses[status])
        values.known(entity, "startDate", start or None)
        values.known(entity, "endDate", end or None)
        values.add(entity, "summary", summary)
        if product:
            values.add(entity, "description", f"{labels.relations[relation]}: {product_name}")
        values.add(entity, "description", histories.get(pk))
        if schema == "Ownership" and share is not None:
            values.add(entity, "percentage", str(share))
        if schema == "Debt" and amount is not None:
            values.add(entity, "amount", str(amount))
            values.known(entity, "currency", currency or None)
        values.add(entity, "recordId", public_id)
        _cite(entity, sources.get(("link", pk)))
        values.known(entity, "modifiedAt", _day(updated))
        yield entity

    yield from _replies(selection, labels, org_ids)
    yield from _campaign(selection, labels, org_ids, product_ids, site_ids)


# --- what the link pages and profiles show besides: status histories, replies ------------------

# A link's status history, one `description` value a change (FtM has no schema that refers to
# a link: a change cannot be an entity of its own, and `date` would become the link's start
# for FtM tools). formats/ftm/read.py reads them back with STATUS_CHANGE.
STATUS_CHANGE_TEXT = (
    "Status change {number}, recorded {recorded} UTC: {change}{effective}. Note: {note}"
)
STATUS_CHANGE = re.compile(
    r"^Status change (\d+), recorded (\S+) UTC: (?:(.+?) → )?(.+?)(?:, effective (\S+))?\. "
    r"Note: (.*)$",
    re.DOTALL,
)
REPLY_KEYWORD = "right of reply"  # marks a Note that is an organization's reply
REPLY_TO_LINK = re.compile(r" to the link (\S+)\.$")


def _histories(selection: Selection, labels: _Labels) -> dict[int, list[str]]:
    """link pk -> its status changes in words, oldest first, numbered from 1 (as the CSV
    bundle's link_status_events ids are)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        _stamp(selection.status_events(), "created_at")
        .order_by("link_id", "created_at", "pk")
        .values_list("link_id", "old_status", "new_status", "effective", "note", "stamp")
    )
    for link, old, new, effective, note, recorded in rows.iterator(chunk_size=5000):
        change = labels.statuses[new]
        if old:
            change = f"{labels.statuses[old]} → {change}"
        found[link].append(
            STATUS_CHANGE_TEXT.format(
                number=len(found[link]) + 1,
                recorded=_instant(recorded),
                change=change,
                effective=f", effective {effective}" if effective else "",
                note=note,
            )
        )
    return found


def _replies(selection: Selection, labels: _Labels, org_ids: dict) -> Iterator[EntityProxy]:
    """Published replies as Notes on the organization that replied (FtM's annotation of an
    entity; `entity` takes a Thing, never a link, so a reply to a link names it in `summary`)."""
    rows = selection.responses().select_related("organization", "link").order_by("pk")
    for reply in rows.iterator(chunk_size=2000):
        if reply.organization_id not in org_ids:
            continue
        note = _make("Note", "reply", reply.public_id)
        note.add("entity", entity_id("org", org_ids[reply.organization_id]))
        if reply.link_id:
            to = f"the link {entity_id('link', reply.link.public_id)}"
        else:
            to = "its profile"
        note.add("summary", f"Reply of {reply.organization.name} to {to}.")
        note.add("description", reply.text)
        note.add("createdAt", reply.received_on.isoformat())
        note.add("keywords", [REPLY_KEYWORD, labels.channels[reply.channel]])
        note.add("sourceUrl", reply.url or None)
        if reply.document:
            note.add("sourceUrl", _page(fast_reverse("media", reply.document.name)))
        note.add("modifiedAt", reply.updated_at.date().isoformat())
        yield note


# --- the campaign ------------------------------------------------------------------------------

GROUP_CLASSIFICATION = "Local group of the campaign"


def _page(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _instant(value: str | datetime) -> str:
    """A UTC instant as FtM writes a date with a time (no zone: FtM dates have none); from a
    datetime or _stamp's text."""
    if type(value) is str:
        return f"{value[:10]}T{value[11:19]}"
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class _Aim:
    involved: list[str] = field(default_factory=list)  # ids of the organizations' entities
    notes: list[str] = field(default_factory=list)  # sites and products, in words


def _aims(
    selection: Selection, org_ids: dict, product_ids: dict, site_ids: set[str]
) -> dict[int, _Aim]:
    """action pk -> what it is aimed at, in the targets' order: organizations (a site's
    organization for a site) as entity ids; sites and products named in notes, because
    `involved` takes legal entities only."""
    found: dict[int, _Aim] = defaultdict(_Aim)
    rows = (
        selection.action_targets()
        .order_by("action_id", "position", "pk")
        .values_list(
            "action_id",
            "organization_id",
            "site__organization_id",
            "site__public_id",
            "site__city",
            "product_id",
            "product__name",
        )
    )
    for action, org, site_org, site, city, product, product_name in rows.iterator(chunk_size=5000):
        aim = found[action]
        owner = org or site_org
        if owner in org_ids:
            ref = entity_id("org", org_ids[owner])
            if ref not in aim.involved:
                aim.involved.append(ref)
            if site in site_ids:
                where = f" ({city})" if city else ""
                aim.notes.append(f"Aimed at the site {entity_id('site', site)}{where}.")
        elif product in product_ids:
            ref = entity_id("product", product_ids[product])
            aim.notes.append(f"Aimed at the product or program “{product_name}” ({ref}).")
    return found


def _campaign(
    selection: Selection, labels: _Labels, org_ids: dict, product_ids: dict, site_ids: set[str]
) -> Iterator[EntityProxy]:
    """The local groups (Organization) and the public actions (Event)."""
    groups: dict[int, str] = {}
    for group in selection.groups().order_by("pk").iterator(chunk_size=2000):
        entity = _make("Organization", "group", group.public_id)
        entity.add("name", group.name)
        entity.add("country", group.country.code if group.country else None)
        entity.add("address", group.city or None)
        entity.add("website", group.website or None)
        entity.add("description", group.description)
        entity.add("classification", GROUP_CLASSIFICATION)
        entity.add("sourceUrl", _page(fast_reverse("campaign:group", group.public_id, group.slug)))
        entity.add("modifiedAt", group.updated_at.date().isoformat())
        groups[group.pk] = entity.id
        yield entity

    calls = {
        pk: (title, _page(fast_reverse("campaign:call", public_id, slug)))
        for pk, public_id, slug, title in selection.calls().values_list(
            "pk", "public_id", "slug", "title"
        )
    }
    aims = _aims(selection, org_ids, product_ids, site_ids)
    for action in selection.actions().order_by("pk").iterator(chunk_size=2000):
        yield _event(action, labels, groups, calls, aims.get(action.pk) or _Aim())


def _event(action, labels: _Labels, groups: dict, calls: dict, aim: _Aim) -> EntityProxy:
    event = _make("Event", "action", action.public_id)
    kind = labels.action_kinds[action.kind]
    cancelled = action.status == ActionStatus.CANCELLED
    event.add("name", action.title)
    if cancelled:
        reason = f": {action.status_reason}" if action.status_reason else ""
        event.add("summary", f"Cancelled, it will not take place ({kind}){reason}")
    else:
        event.add("summary", kind)
    event.add("description", action.description)
    event.add("involved", aim.involved, cleaned=True)
    event.add("organizer", groups.get(action.group_id))
    country = action.country.code if action.country else ""
    where = place(action.address, action.city, labels.country(country))
    event.add("location", where or ("Online" if action.online else None))
    event.add("country", country or None)
    event.add("startDate", _instant(action.starts_at))
    event.add("endDate", _instant(action.ends_at))
    notes = []
    if action.recurrence:
        starts = [
            start
            for start, _end in times.occurrences(
                action.starts_at, action.ends_at, action.timezone, action.recurrence
            )
        ]
        event.add("date", [_instant(start) for start in starts])
        notes.append(
            f"Repeats {len(starts)} times ({action.recurrence}, at the same local time in "
            f"{action.timezone}): startDate and endDate are the first occurrence, date holds "
            f"every start (UTC), the last occurrence ends {_instant(action.last_ends_at)} UTC."
        )
    if action.call_id in calls:
        title, url = calls[action.call_id]
        notes.append(f"Answers the call to action “{title}”: {url}")
    if action.online and action.online_url:
        notes.append(f"Online: {action.online_url}")
    notes.extend(aim.notes)
    event.add("notes", notes)
    keywords = [kind, "cancelled" if cancelled else None, "online" if action.online else None]
    event.add("keywords", [k for k in keywords if k])
    slug = make_slug(action.title, "action")
    event.add("sourceUrl", _page(fast_reverse("campaign:action", action.public_id, slug)))
    event.add("recordId", action.public_id)
    event.add("modifiedAt", action.updated_at.date().isoformat())
    return event


def write(selection: Selection, out: IO[str]) -> Written:
    """Write the entities as JSON lines to a text stream; return how many, with what was
    left out."""
    return _lines(selection, lambda data: out.write(data.decode()))


def write_gzip(selection: Selection, out: IO[bytes]) -> Written:
    """The same lines gzip-compressed into a binary file (no time stamp: the same record gives
    the same bytes). Level 6, as the site's pages: level 9 took three times as long for files
    5% smaller. zlib lets go of the interpreter while it compresses, so a thread of its own
    compresses the lines while the next ones are made."""
    with (
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as zipped,
        _aside(zipped.write) as write,
    ):
        return _lines(selection, write)


@contextlib.contextmanager
def _aside(write: Callable[[bytes], object]) -> Iterator[Callable[[bytes], None]]:
    """`write` run in a thread of its own, in order, a few chunks behind at most; its errors
    are raised here."""
    pending: deque[Future] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ftm-write") as pool:

        def submit(data: bytes) -> None:
            pending.append(pool.submit(write, data))
            if len(pending) > 4:
                pending.popleft().result()

        yield submit
        while pending:
            pending.popleft().result()


def _lines(selection: Selection, write) -> Written:
    count, left_out, lines = 0, Counter(), []
    for entity in entities(selection, left_out):
        lines.append(_dumps(entity.to_dict()))
        count += 1
        if len(lines) == CHUNK:
            lines.append(b"")
            write(b"\n".join(lines))
            lines.clear()
    if lines:
        lines.append(b"")
        write(b"\n".join(lines))
    return Written(count, left_out)
