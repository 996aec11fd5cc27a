"""The public record as CSV tables with a Frictionless Data Package descriptor
(https://specs.frictionlessdata.io/data-package/, v1), readable by spreadsheets, pandas, R and
`frictionless validate`.

One UTF-8 CSV a table, each with a header row: organizations, organization_names,
organization_texts (an organization's description in other languages), identifiers, sites,
products, links, link_status_events (each link's status history), sources, citations,
responses (the published replies of organizations), and the campaign's groups, calls,
call_texts (a call in other languages), call_targets, actions, action_targets, plus
`datapackage.json`
describing every column (type, meaning, constraints), the primary keys and the foreign keys
between the tables. A bundle is either a directory (`write`) or one zip file (`write_zip`).

- Ids are the public ids shown in the site's addresses or given by the API (other names and
  identifiers have theirs too; a target of a call or an action is named by
  the public ids of both ends, "<call id>:site:<site id>", a call's text by the call's id and
  its language, "<call id>:de", and so an organization's description in another language,
  "<organization id>:de"; a change of a link's status by the link's id and its number in the
  link's history, "<link id>:2"); never a database key. A foreign key holds the public id
  of the row it refers to (links.subject_id is an organization's id). A reference to a row that is not in
  the bundle (the maker of a product outside a filtered export, a product that is part of an
  unpublished program) is left empty, so that every foreign key resolves.
- Rows are in a stable order: by database key, which is the order they were recorded in.
- Addresses (url columns, the descriptor's homepage) start with the site's address
  (UNMASK_SITE_URL), or the one a filtered part was asked at (Selection.site_url).
- Choices are written as their codes (`supplies_component`, `lei`), with a `*_label` column
  where the code alone says too little (links.relation_label, identifiers.scheme_label);
  labels are in the site's default language (LANGUAGE_CODE).
- Dates of links and sources are written as they are known: a year ("2019"), a month
  ("2019-05") or a day ("2019-05-14"); timestamps as UTC ISO 8601 ("2024-03-01T09:30:00Z").
- Numbers are plain decimals (share "25.5", never "2.55E+1"). Coordinates are rounded to what
  the site's precision claims, as on the map (unmask.maps.geojson.DECIMALS): a site known to
  its city is not given to the metre.
- Empty means unknown or none: null is written as an empty cell.

Formula injection (CWE-1236): a spreadsheet runs a cell beginning with "=", "+", "-" or "@" (and
some read a leading tab or carriage return the same way) as a formula, so a name such as
`=HYPERLINK("http://evil.example", "click")` could run in a reader's spreadsheet. Every cell of a
string column that begins with one of these characters is written with a single quote (') in
front, which spreadsheets show as text; strip one leading quote from such cells to get the
value as recorded (formats/csvfile.py: inert, and cell_value, which every reader of the site
uses). Columns of numbers and dates are never changed: a negative longitude stays
"-51.2", a number.

Only public data leaves (see selection.py): of the campaign, never a contact e-mail, an edit
token, a group's trust or members, a rejection or anything else only moderators see. Every table is read with a streaming cursor
(QuerySet.iterator) and written row by row, so an export of 100,000 links holds a few thousand
rows in memory at a time.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Case, CharField, DateTimeField, F, Max, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.text import slugify

from unmask.campaign.models import ActionKind, ActionStatus
from unmask.exchange.formats.csvfile import FORMULA_STARTS, inert
from unmask.exchange.selection import Selection
from unmask.maps.geojson import DECIMALS
from unmask.record.models import (
    IdentifierScheme,
    LinkStatus,
    NameKind,
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

CHUNK = 2000
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
COUNTRY = r"^[A-Z]{2}$"
DESCRIPTOR = "datapackage.json"


# --- the tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        out["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if self.type == "string":
            return inert(str(value))
        if self.type == "datetime":
            if type(value) is str:  # as SQLite stores it, in UTC (_stream)
                return f"{value[:10]}T{value[11:19]}Z"
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Selection], Iterable[tuple]]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, table it refers to by id)
    primary_key: str = "id"

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def descriptor(self) -> dict[str, Any]:
        return {
            "profile": "tabular-data-resource",
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": {
                "fields": [column.descriptor() for column in self.columns],
                "missingValues": [""],
                "primaryKey": [self.primary_key],
                "foreignKeys": [
                    {"fields": [column], "reference": {"resource": target, "fields": ["id"]}}
                    for column, target in self.foreign_keys
                ],
            },
        }


def _codes(choices) -> tuple[str, ...]:
    return tuple(choices.values)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _ref(relation: str, selected) -> Case:
    """The public id of the row `relation` names when that row is in `selected`, else ""."""
    return Case(
        When(**{f"{relation}__in": selected.values("pk")}, then=F(f"{relation}__public_id")),
        default=Value(""),
        output_field=CharField(),
    )


def _stream(queryset, *fields) -> Iterator[tuple]:
    queryset, fields = _stored_timestamps(queryset, fields)
    return queryset.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK)


def _stored_timestamps(queryset, fields) -> tuple[Any, tuple[str, ...]]:
    """On SQLite, the timestamps among `fields` read as the text stored ("2024-03-01
    09:30:00.123456", UTC) rather than parsed into a datetime a cell by Django (a fifth of the
    bundle's time at 100,000 links); Column.cell writes either the same."""
    if connections[queryset.db].vendor != "sqlite":
        return queryset, tuple(fields)
    names, texts = [], {}
    for name in fields:
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:  # an annotation, a related field's path
            field = None
        if isinstance(field, DateTimeField):
            texts[f"{name}_stored"] = Cast(name, output_field=TextField())
            name = f"{name}_stored"
        names.append(name)
    return queryset.annotate(**texts), tuple(names)


def site_url(selection: Selection) -> str:
    """The address the site is reached at: the request's that asked for the file, else the
    configured one (settings.SITE_URL, UNMASK_SITE_URL)."""
    return (selection.site_url or settings.SITE_URL).rstrip("/")


def _pages(selection: Selection) -> Callable[[str], str]:
    base = site_url(selection)
    return lambda path: base + path


def coordinate(value: float | None, precision: str) -> str | None:
    if value is None:
        return None
    places = DECIMALS.get(precision, 2)
    return f"{round(value, places):.{places}f}"


def _organizations(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    rows = _stream(
        selection.organizations,
        "public_id",
        "slug",
        "name",
        "kind",
        "country",
        "description",
        "description_language",
        "published_at",
        "updated_at",
    )
    for public_id, slug, name, kind, country, description, language, *stamps in rows:
        url = address(fast_reverse("record:organization", public_id, slug))
        yield (public_id, name, kind, str(country or ""), description, language, url, *stamps)


def _names(selection: Selection) -> Iterator[tuple]:
    return _stream(
        selection.names(), "public_id", "organization__public_id", "name", "kind", "language"
    )


def _organization_texts(selection: Selection) -> Iterator[tuple]:
    rows = (
        selection.organization_texts()
        .order_by("organization_id", "language")
        .values_list("organization__public_id", "language", "description")
        .iterator(chunk_size=CHUNK)
    )
    for org_id, language, description in rows:
        yield (f"{org_id}:{language}", org_id, language, description)


def _identifiers(selection: Selection) -> Iterator[tuple]:
    labels = _labels(IdentifierScheme)
    rows = _stream(
        selection.identifiers(),
        "public_id",
        "organization__public_id",
        "scheme",
        "value",
        "country",
    )
    for public_id, org, scheme, value, country in rows:
        yield (public_id, org, scheme, labels.get(scheme, scheme), value, str(country or ""))


def _sites(selection: Selection) -> Iterator[tuple]:
    rows = _stream(
        selection.sites,
        "public_id",
        "organization__public_id",
        "name",
        "role",
        "address",
        "city",
        "country",
        "latitude",
        "longitude",
        "precision",
        "published_at",
        "updated_at",
    )
    for row in rows:
        *head, lat, lon, precision, published, updated = row
        yield (
            *head[:6],
            str(head[6] or ""),
            coordinate(lat, precision),
            coordinate(lon, precision),
            precision,
            published,
            updated,
        )


def _products(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    products = selection.products.annotate(
        maker_ref=_ref("maker", selection.organizations),
        part_of_ref=_ref("part_of", selection.products),
    )
    rows = _stream(
        products,
        "public_id",
        "slug",
        "name",
        "kind",
        "maker_ref",
        "part_of_ref",
        "description",
        "published_at",
        "updated_at",
    )
    for public_id, slug, name, kind, maker, part_of, description, published, updated in rows:
        url = address(fast_reverse("record:product", public_id, slug))
        yield (public_id, name, kind, maker, part_of, description, url, published, updated)


def _links(selection: Selection) -> Iterator[tuple]:
    labels = _labels(Relation)
    rows = _stream(
        selection.links,
        "public_id",
        "subject__public_id",
        "relation",
        "object__public_id",
        "product__public_id",
        "status",
        "start",
        "end",
        "share",
        "amount",
        "currency",
        "summary",
        "published_at",
        "updated_at",
    )
    for public_id, subject, relation, *rest in rows:
        yield (public_id, subject, relation, labels.get(relation, relation), *rest)


def _sources(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    rows = _stream(
        selection.sources(),
        "public_id",
        "title",
        "publisher",
        "kind",
        "published_on",
        "language",
        "url",
        "archive_url",
        "archived_file",
        "retrieved_on",
        "updated_at",
    )
    for public_id, title, publisher, kind, published_on, language, *rest in rows:
        original, archive, stored, retrieved, updated = rest
        stored_url = address(fast_reverse("media", stored)) if stored else ""
        page = address(fast_reverse("record:source", public_id))
        yield (
            public_id,
            title,
            publisher,
            kind,
            published_on,
            language,
            page,
            original,
            archive,
            stored_url,
            retrieved,
            updated,
        )


def _citations(selection: Selection) -> Iterator[tuple]:
    return _stream(
        selection.citations(),
        "public_id",
        "source__public_id",
        "organization__public_id",
        "site__public_id",
        "product__public_id",
        "link__public_id",
        "quote",
        "locator",
        "note",
    )


def _status_events(selection: Selection) -> Iterator[tuple]:
    """Each link's changes of status, oldest first, numbered from 1 within the link."""
    fields = ("link__public_id", "old_status", "new_status", "effective", "note", "created_at")
    events, fields = _stored_timestamps(selection.status_events(), fields)
    rows = (
        events.order_by("link_id", "created_at", "pk")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )
    current, number = None, 0
    for link_id, *values in rows:
        if link_id != current:
            current, number = link_id, 0
        number += 1
        yield (f"{link_id}:{number}", link_id, *values)


def _responses(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    rows = _stream(
        selection.responses(),
        "public_id",
        "organization__public_id",
        "link__public_id",
        "received_on",
        "channel",
        "text",
        "url",
        "document",
        "updated_at",
    )
    for *head, url, document, updated in rows:
        document_url = address(fast_reverse("media", document)) if document else ""
        yield (*head, url, document_url, updated)


# --- the campaign ------------------------------------------------------------------------------


def _groups(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    rows = _stream(
        selection.groups(),
        "public_id",
        "slug",
        "name",
        "city",
        "country",
        "website",
        "description",
        "updated_at",
    )
    for public_id, slug, name, city, country, website, description, updated in rows:
        url = address(fast_reverse("campaign:group", public_id, slug))
        yield (public_id, name, city, str(country or ""), website, description, url, updated)


def _calls(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    rows = _stream(
        selection.calls(),
        "public_id",
        "slug",
        "title",
        "language",
        "starts_on",
        "ends_on",
        "body",
        "published_at",
        "updated_at",
    )
    for public_id, slug, *rest in rows:
        title, language, starts, ends, body, published, updated = rest
        url = address(fast_reverse("campaign:call", public_id, slug))
        yield (public_id, title, language, starts, ends, body, url, published, updated)


def _call_texts(selection: Selection) -> Iterator[tuple]:
    rows = (
        selection.call_texts()
        .order_by("call_id", "language")
        .values_list("call__public_id", "language", "title", "body")
        .iterator(chunk_size=CHUNK)
    )
    for call_id, language, title, body in rows:
        yield (f"{call_id}:{language}", call_id, language, title, body)


ACTION_FIELDS = (
    "public_id",
    "title",
    "kind",
    "status",
    "status_reason",
    "description",
    "call_ref",
    "group_ref",
    "timezone",
    "starts_at",
    "ends_at",
    "recurrence",
    "last_ends_at",
    "online",
    "online_url",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "languages",
    "published_at",
    "updated_at",
)


def _actions(selection: Selection) -> Iterator[tuple]:
    address = _pages(selection)
    actions = selection.actions().annotate(
        call_ref=_ref("call", selection.calls()), group_ref=_ref("group", selection.groups())
    )
    for row in _stream(actions, *ACTION_FIELDS):
        values = dict(zip(ACTION_FIELDS, row, strict=True))
        if values["status"] != ActionStatus.CANCELLED:
            values["status_reason"] = ""  # readers see the reason of a cancellation only
        values["country"] = str(values["country"] or "")
        slug = make_slug(values["title"], "action")
        url = address(fast_reverse("campaign:action", values["public_id"], slug))
        *head, published, updated = (values[name] for name in ACTION_FIELDS)
        yield (*head, url, published, updated)


TARGET_KINDS = ("org", "site", "product")


def _target_rows(selection: Selection, targets, owner: str) -> Iterator[tuple]:
    """The public targets whose organization, site or product is in the bundle, in their
    order; `position` counts from 1 among those."""
    rows = (
        targets.annotate(
            owner_ref=F(f"{owner}__public_id"),
            org_ref=_ref("organization", selection.organizations),
            site_ref=_ref("site", selection.sites),
            product_ref=_ref("product", selection.products),
        )
        .order_by(f"{owner}_id", "position", "pk")
        .values_list("owner_ref", "org_ref", "site_ref", "product_ref")
        .iterator(chunk_size=CHUNK)
    )
    current, position = None, 0
    for owner_id, org, site, product in rows:
        given = [
            (kind, ref) for kind, ref in zip(TARGET_KINDS, (org, site, product), strict=True) if ref
        ]
        if not given:
            continue  # aimed at something outside the bundle
        if owner_id != current:
            current, position = owner_id, 0
        position += 1
        kind, ref = given[0]
        yield (f"{owner_id}:{kind}:{ref}", owner_id, position, kind, org, site, product)


def _call_targets(selection: Selection) -> Iterator[tuple]:
    return _target_rows(selection, selection.call_targets(), "call")


def _action_targets(selection: Selection) -> Iterator[tuple]:
    return _target_rows(selection, selection.action_targets(), "action")


def _id(what: str) -> Column:
    return Column("id", "string", f"Public id of the {what}, as in its address on the site.", True)


def _org_ref(required: bool = True, what: str = "The organization") -> Column:
    return Column("organization_id", "string", f"{what} (organizations.id).", required)


def _target_columns(owner: str, table: str) -> tuple[Column, ...]:
    return (
        Column(
            "id",
            "string",
            f"The {owner}'s id, the kind and the target's id: \"<{owner} id>:site:<site id>\".",
            True,
        ),
        Column(f"{owner}_id", "string", f"The {owner} ({table}.id).", required=True),
        Column("position", "integer", "Its place in the list (1 first).", required=True),
        Column("kind", "string", "What it is.", required=True, enum=TARGET_KINDS),
        _org_ref(False, "The organization it is aimed at"),
        Column("site_id", "string", "The site it is aimed at (sites.id)."),
        Column("product_id", "string", "The product or program it is aimed at (products.id)."),
    )


PUBLISHED = Column("published_at", "datetime", "When it was published (UTC).")
UPDATED = Column("updated_at", "datetime", "When it last changed (UTC).")

TABLES: tuple[Table, ...] = (
    Table(
        "organizations",
        "Organizations",
        "Companies, public bodies, military units, institutes, banks and funds, trade fairs.",
        (
            _id("organization"),
            Column("name", "string", "Its name.", required=True),
            Column("kind", "string", "What it is.", required=True, enum=_codes(OrganizationKind)),
            Column("country", "string", "Where it is registered (ISO 3166-1).", pattern=COUNTRY),
            Column("description", "string", "What it does (Markdown)."),
            Column(
                "description_language",
                "string",
                "The language the description is written in (en, de, ...); its translations "
                "are in organization_texts.",
            ),
            Column("url", "string", "Its profile on the site."),
            PUBLISHED,
            UPDATED,
        ),
        _organizations,
    ),
    Table(
        "organization_names",
        "Other names",
        "Other names, former names, transliterations and abbreviations of organizations.",
        (
            Column("id", "string", "Public id of the name.", required=True),
            _org_ref(),
            Column("name", "string", "The name.", required=True),
            Column("kind", "string", "What kind of name.", required=True, enum=_codes(NameKind)),
            Column("language", "string", "Language or script code (e.g. tr, ru, zh)."),
        ),
        _names,
        foreign_keys=(("organization_id", "organizations"),),
    ),
    Table(
        "organization_texts",
        "Translations of descriptions",
        "An organization's description in another language than it is written in "
        "(organizations.description_language). One an organization and language; the name and "
        "everything else stay the organization's.",
        (
            Column(
                "id",
                "string",
                'The organization\'s id and the language: "<organization id>:de".',
                required=True,
            ),
            _org_ref(),
            Column("language", "string", "The language (a code: en, de, ...).", required=True),
            Column("description", "string", "The description in that language (Markdown).", True),
        ),
        _organization_texts,
        foreign_keys=(("organization_id", "organizations"),),
    ),
    Table(
        "identifiers",
        "Identifiers",
        "Registry numbers, LEI, VAT, DUNS and CAGE codes, domains and Wikidata items.",
        (
            Column("id", "string", "Public id of the identifier.", required=True),
            _org_ref(),
            Column(
                "scheme", "string", "The identifier scheme.", True, enum=_codes(IdentifierScheme)
            ),
            Column("scheme_label", "string", "The scheme in words."),
            Column("value", "string", "The identifier as recorded.", required=True),
            Column("country", "string", "Issuing country (ISO 3166-1).", pattern=COUNTRY),
        ),
        _identifiers,
        foreign_keys=(("organization_id", "organizations"),),
    ),
    Table(
        "sites",
        "Sites",
        "Places of organizations: headquarters, factories, offices, test ranges, bases.",
        (
            _id("site"),
            _org_ref(what="The organization at the site"),
            Column("name", "string", "Its name, if any."),
            Column("role", "string", "What the site is.", required=True, enum=_codes(SiteRole)),
            Column("address", "string", "A business address."),
            Column("city", "string", "The city."),
            Column("country", "string", "The country (ISO 3166-1).", True, pattern=COUNTRY),
            Column(
                "latitude",
                "number",
                "WGS84 latitude, rounded to what `precision` claims (5 decimals for exact, 4 "
                "for street, 2 for city, 1 for region or country).",
            ),
            Column("longitude", "number", "WGS84 longitude, rounded like the latitude."),
            Column(
                "precision",
                "string",
                "How exactly the point is known.",
                required=True,
                enum=_codes(Precision),
            ),
            PUBLISHED,
            UPDATED,
        ),
        _sites,
        foreign_keys=(("organization_id", "organizations"),),
    ),
    Table(
        "products",
        "Products and programs",
        "Weapons programs, drone models, engines, components, materials, software, services.",
        (
            _id("product"),
            Column("name", "string", "Its name.", required=True),
            Column("kind", "string", "What it is.", required=True, enum=_codes(ProductKind)),
            Column("maker_id", "string", "Who makes it (organizations.id), if known and here."),
            Column("part_of_id", "string", "The product or program it is part of (products.id)."),
            Column("description", "string", "Description (Markdown)."),
            Column("url", "string", "Its page on the site."),
            PUBLISHED,
            UPDATED,
        ),
        _products,
        foreign_keys=(("maker_id", "organizations"), ("part_of_id", "products")),
    ),
    Table(
        "links",
        "Links",
        "Claims that an organization (subject) stands in a relation to another organization "
        "(object), a product, or both: it supplies, owns, finances, ...",
        (
            _id("link"),
            Column("subject_id", "string", "Who (organizations.id).", required=True),
            Column("relation", "string", "The relation.", required=True, enum=_codes(Relation)),
            Column("relation_label", "string", 'The relation in words: "supplies components to".'),
            Column("object_id", "string", "To or in whom (organizations.id), if anyone."),
            Column("product_id", "string", "What it concerns (products.id), if anything."),
            Column(
                "status",
                "string",
                "How far the claim is established.",
                required=True,
                enum=_codes(LinkStatus),
            ),
            Column(
                "start", "string", "Since when: 2019, 2019-05 or 2019-05-14.", pattern=PARTIAL_DATE
            ),
            Column("end", "string", "Until when, like `start`.", pattern=PARTIAL_DATE),
            Column("share", "number", "For ownership: the share held, in percent."),
            Column("amount", "number", "An amount of money, in `currency`."),
            Column("currency", "string", "ISO 4217 code of `amount`, e.g. EUR."),
            Column("summary", "string", "What exactly is claimed."),
            PUBLISHED,
            UPDATED,
        ),
        _links,
        foreign_keys=(
            ("subject_id", "organizations"),
            ("object_id", "organizations"),
            ("product_id", "products"),
        ),
    ),
    Table(
        "link_status_events",
        "Status changes of links",
        "Each link's history: every change of its status, oldest first, with the date it took "
        "effect and why. The last one gives the link's status now.",
        (
            Column(
                "id",
                "string",
                'The link\'s id and the number of the change: "<link id>:2" (1 first).',
                required=True,
            ),
            Column("link_id", "string", "The link (links.id).", required=True),
            Column(
                "old_status",
                "string",
                "The status before; empty for the first.",
                enum=_codes(LinkStatus),
            ),
            Column(
                "new_status", "string", "The status after.", required=True, enum=_codes(LinkStatus)
            ),
            Column(
                "effective",
                "string",
                "When the change took effect: 2019, 2019-05 or 2019-05-14.",
                pattern=PARTIAL_DATE,
            ),
            Column("note", "string", "Why the status changed.", required=True),
            Column("recorded_at", "datetime", "When the change was recorded (UTC).", True),
        ),
        _status_events,
        foreign_keys=(("link_id", "links"),),
    ),
    Table(
        "sources",
        "Sources",
        "The documents cited as evidence for the claims.",
        (
            _id("source"),
            Column("title", "string", "Its title.", required=True),
            Column("publisher", "string", "Who published it."),
            Column("kind", "string", "What it is.", required=True, enum=_codes(SourceKind)),
            Column(
                "published_on",
                "string",
                "When it was published: 2019, 2019-05 or 2019-05-14.",
                pattern=PARTIAL_DATE,
            ),
            Column("language", "string", "Its language."),
            Column("url", "string", "Its page on the site, with the claims it supports."),
            Column("original_url", "string", "Where the document was found."),
            Column("archive_url", "string", "An archived copy elsewhere."),
            Column("archived_file_url", "string", "The copy kept by the site, if any."),
            Column("retrieved_on", "date", "When it was retrieved."),
            UPDATED,
        ),
        _sources,
    ),
    Table(
        "citations",
        "Citations",
        "What supports each claim: a source, with the passage quoted or the place in it. "
        "Exactly one of organization_id, site_id, product_id and link_id is given.",
        (
            Column("id", "string", "Public id of the citation.", required=True),
            Column("source_id", "string", "The source (sources.id).", required=True),
            _org_ref(False, "The organization whose profile it supports"),
            Column("site_id", "string", "The site it supports (sites.id)."),
            Column("product_id", "string", "The product it supports (products.id)."),
            Column("link_id", "string", "The link it supports (links.id)."),
            Column("quote", "string", "The passage quoted from the source."),
            Column("locator", "string", "Page or place in the source."),
            Column("note", "string", "A note on the citation."),
        ),
        _citations,
        foreign_keys=(
            ("source_id", "sources"),
            ("organization_id", "organizations"),
            ("site_id", "sites"),
            ("product_id", "products"),
            ("link_id", "links"),
        ),
    ),
    Table(
        "responses",
        "Replies",
        "Published replies of organizations (right of reply), to their profile or to one "
        "link. Once published, a reply is always shown as it was received.",
        (
            Column("id", "string", "Public id of the reply.", required=True),
            _org_ref(what="Who replied"),
            Column("link_id", "string", "The link answered (links.id); empty for the profile."),
            Column("received_on", "date", "When it was received.", required=True),
            Column(
                "channel", "string", "How it came.", required=True, enum=_codes(ResponseChannel)
            ),
            Column("text", "string", "The reply.", required=True),
            Column("original_url", "string", "Where the reply was published, if anywhere."),
            Column("document_url", "string", "The reply as a document kept by the site, if any."),
            UPDATED,
        ),
        _responses,
        foreign_keys=(("organization_id", "organizations"), ("link_id", "links")),
    ),
    Table(
        "groups",
        "Local groups",
        "The local groups of the campaign that have a page: those trusted by the moderators "
        "and those with a published action. Groups, never persons.",
        (
            _id("group"),
            Column("name", "string", "Its name.", required=True),
            Column("city", "string", "Where it is."),
            Column("country", "string", "Its country (ISO 3166-1).", pattern=COUNTRY),
            Column("website", "string", "Its website."),
            Column("description", "string", "What it is."),
            Column("url", "string", "Its page on the site."),
            UPDATED,
        ),
        _groups,
    ),
    Table(
        "calls",
        "Calls to action",
        "What the campaign asks people to do, when, and against whom (call_targets), as "
        "written; its texts in other languages are in call_texts.",
        (
            _id("call"),
            Column("title", "string", "Its title.", required=True),
            Column(
                "language", "string", "The language it is written in (en, de, ...).", required=True
            ),
            Column("starts_on", "date", "From when."),
            Column("ends_on", "date", "Until when."),
            Column("body", "string", "Its text (Markdown).", required=True),
            Column("url", "string", "Its page on the site."),
            PUBLISHED,
            UPDATED,
        ),
        _calls,
    ),
    Table(
        "call_texts",
        "Translations of calls",
        "A call to action in another language than it is written in: the same call, another "
        "title and text. One a call and language.",
        (
            Column(
                "id", "string", 'The call\'s id and the language: "<call id>:de".', required=True
            ),
            Column("call_id", "string", "The call (calls.id).", required=True),
            Column("language", "string", "The language (a code: en, de, ...).", required=True),
            Column("title", "string", "The title in that language.", required=True),
            Column("body", "string", "The text in that language (Markdown).", required=True),
        ),
        _call_texts,
        foreign_keys=(("call_id", "calls"),),
    ),
    Table(
        "call_targets",
        "Targets of calls",
        "What each call is aimed at, in order: an organization, one of its sites, or a product "
        "or program of the bundle. Exactly one of organization_id, site_id and product_id is "
        "given.",
        _target_columns("call", "calls"),
        _call_targets,
        foreign_keys=(
            ("call_id", "calls"),
            ("organization_id", "organizations"),
            ("site_id", "sites"),
            ("product_id", "products"),
        ),
    ),
    Table(
        "actions",
        "Actions",
        "Public, lawful actions: demonstrations, vigils, info stands, talks, online actions. "
        "Published ones, and cancelled ones that had been published (status cancelled). Times "
        "are UTC instants; the place's time zone gives their local time.",
        (
            _id("action"),
            Column("title", "string", "Its title.", required=True),
            Column("kind", "string", "What it is.", required=True, enum=_codes(ActionKind)),
            Column(
                "status",
                "string",
                "published, or cancelled (it will not take place).",
                required=True,
                enum=(ActionStatus.PUBLISHED.value, ActionStatus.CANCELLED.value),
            ),
            Column("status_reason", "string", "Why it was cancelled."),
            Column("description", "string", "What happens."),
            Column("call_id", "string", "The call it answers (calls.id), if any here."),
            Column("group_id", "string", "The group that organizes it (groups.id), if any."),
            Column(
                "timezone", "string", "The place's IANA time zone (Europe/Berlin).", required=True
            ),
            Column("starts_at", "datetime", "When it starts (UTC).", required=True),
            Column("ends_at", "datetime", "When it ends (UTC).", required=True),
            Column(
                "recurrence",
                "string",
                "How it repeats: an RFC 5545 rule (FREQ=WEEKLY;COUNT=8), kept in local time: "
                "every occurrence starts at the same wall-clock time as the first.",
            ),
            Column("last_ends_at", "datetime", "When its last occurrence ends (UTC)."),
            Column("online", "boolean", "Whether it happens online."),
            Column("online_url", "string", "Where online."),
            Column("address", "string", "The meeting point: a public place."),
            Column("city", "string", "The city."),
            Column("country", "string", "The country (ISO 3166-1).", pattern=COUNTRY),
            Column("latitude", "number", "WGS84 latitude of the meeting point."),
            Column("longitude", "number", "WGS84 longitude of the meeting point."),
            Column("languages", "string", "Its languages: codes separated by commas (de,en)."),
            Column("url", "string", "Its page on the site."),
            PUBLISHED,
            UPDATED,
        ),
        _actions,
        foreign_keys=(("call_id", "calls"), ("group_id", "groups")),
    ),
    Table(
        "action_targets",
        "Targets of actions",
        "What each action is aimed at, in order, like call_targets.",
        _target_columns("action", "actions"),
        _action_targets,
        foreign_keys=(
            ("action_id", "actions"),
            ("organization_id", "organizations"),
            ("site_id", "sites"),
            ("product_id", "products"),
        ),
    ),
)


# --- writing -------------------------------------------------------------------------------------


def write_table(table: Table, selection: Selection, out: IO[str]) -> int:
    """Write one table (header and rows) to a text stream opened with newline=""; return the
    number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    # Column.cell of every value, unrolled: a call a cell was a third of the bundle's time.
    # Text cells are most of them, and a str needs only `inert`.
    texts = [i for i, column in enumerate(table.columns) if column.type == "string"]
    others = [(i, column.cell) for i, column in enumerate(table.columns) if column.type != "string"]
    width = len(table.columns)
    count = 0
    for row in table.rows(selection):
        if len(row) != width:
            raise ValueError(f"{table.name}: a row of {len(row)} values for {width} columns")
        cells = list(row)
        for i in texts:
            value = cells[i]
            if type(value) is not str:
                cells[i] = "" if value is None else inert(str(value))
            elif value.startswith(FORMULA_STARTS):
                cells[i] = inert(value)
        for i, cell in others:
            cells[i] = cell(cells[i])
        writer.writerow(cells)
        count += 1
    return count


def descriptor(selection: Selection, created: datetime | None = None) -> dict[str, Any]:
    """The datapackage.json of a bundle of this selection. `created` is, unless given, the
    time of the selection's last change: the same record gives the same descriptor."""
    created = created or last_change(selection)
    site = getattr(settings, "SITE_NAME", "unmask")
    description = f"The public record of {site}: organizations, their sites and products, the "
    description += "links between them, and the sources and citations behind every claim; and the "
    description += "campaign against them: local groups, calls to action, public actions."
    filters = selection.filters.as_params() if selection.filters else {}
    if filters:
        narrowed = ", ".join(f"{key}={value}" for key, value in filters.items())
        description += f" Narrowed to: {narrowed}."
    return {
        "profile": "tabular-data-package",
        "name": f"{slugify(site) or 'unmask'}-record",
        "title": f"{site}: the public record",
        "description": description,
        "homepage": site_url(selection),
        "licenses": [
            {
                "name": settings.DATA_LICENCE,
                "path": settings.DATA_LICENCE_URL,
                "title": settings.DATA_LICENCE,
            }
        ],
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": [table.descriptor() for table in TABLES],
    }


def last_change(selection: Selection) -> datetime:
    found = [
        queryset.aggregate(last=Max("updated_at"))["last"]
        for queryset in (
            selection.organizations,
            selection.organization_texts(),
            selection.sites,
            selection.products,
            selection.links,
            selection.sources(),
            selection.responses(),
            selection.groups(),
            selection.calls(),
            selection.call_texts(),
            selection.actions(),
        )
    ]
    return max((t for t in found if t is not None), default=None) or timezone.now()


def _descriptor_text(selection: Selection) -> str:
    return json.dumps(descriptor(selection), ensure_ascii=False, indent=2) + "\n"


def write(selection: Selection, directory: Path) -> list[Path]:
    """Write the CSV files and datapackage.json into `directory` (created if missing); return
    their paths, datapackage.json last."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    with translation.override(settings.LANGUAGE_CODE):
        for table in TABLES:
            path = directory / table.path
            with path.open("w", encoding="utf-8", newline="") as out:
                write_table(table, selection, out)
            paths.append(path)
        path = directory / DESCRIPTOR
        path.write_text(_descriptor_text(selection), encoding="utf-8")
        paths.append(path)
    return paths


# Members carry no time of writing: the same record gives the same bytes (and checksum).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(selection: Selection, out_file: Path | str | IO[bytes]) -> int:
    """Write the same files into one zip (deflated), streamed table by table without a
    temporary directory; `out_file` is a path or a binary file object. Return the number of
    rows written, all tables together."""
    rows = 0
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(out_file, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for table in TABLES:
            # force_zip64: the size is not known before the table is written
            member_info = zipfile.ZipInfo(table.path, date_time=ZIP_TIME)
            member_info.compress_type = zipfile.ZIP_DEFLATED
            with (
                archive.open(member_info, "w", force_zip64=True) as member,
                io.TextIOWrapper(member, encoding="utf-8", newline="") as out,
            ):
                rows += write_table(table, selection, out)
        descriptor = zipfile.ZipInfo(DESCRIPTOR, date_time=ZIP_TIME)
        archive.writestr(descriptor, _descriptor_text(selection), zipfile.ZIP_DEFLATED)
    return rows
