"""Importing FollowTheMoney entities (JSON lines, gzip or not): an export of this site or of
another unmask, or what investigators bring from Aleph, OpenSanctions and other FtM tools. The
mapping is the export's (ftm.py, docs/ftm.md) read backwards, and the entities become the rows
of a CSV bundle, applied by the bundle's import (formats/csvbundle/read.py): the same matching, checks, all-or-nothing
transaction, dry run, batch and undo.

What is read:
- Company, PublicBody, Organization, LegalEntity: organizations (name, alias, country,
  description, classification, identifiers). Persons are never imported: the record is about
  organizations; they are counted as left out, like every schema not listed here.
- Address, when an organization names it in addressEntity: a site of that organization.
- Project (a program) and Asset: products; an UnknownLink "makes" gives a product's maker, one
  "is part of" what it is part of.
- Ownership, Debt, Payment, Representation, Membership and UnknownLink between organizations
  (or from an organization to a product): links. An UnknownLink whose role is none of the
  relations, and a link with an end that is neither in the file nor in the record (a person),
  are left out and counted.
- Document, when an entity names it as proof: a source, cited for that entity. An entity with
  only sourceUrl gets a source for each URL (the source of the record with that URL when there
  is one).
- A link's status history, from the sentences of its description (write.STATUS_CHANGE), and
  the Notes marked "right of reply": published replies of organizations.
- Identifiers are checked as the admin checks them (record.identifiers): an LEI failing its
  check digits is a problem at its line and property, where FtM's cleaning would drop it.
- Never the campaign: the local groups (Organization) and actions (Event) of an unmask
  export are counted as left out; the CSV bundle carries them back (formats/csvbundle/campaign.py).

Ids. An entity of this site ("<prefix>-<kind>-<public id>", ftm.entity_id) keeps its public id,
as a bundle's row does. Any other entity gets a public id derived from its FtM id, so the same
file imported twice finds what the first import created; an organization whose id is unknown
is first matched against the record (same identifier, or same name or other name and country).
Fragments of one entity on several lines are merged, as FtM tools do.

Values. FtM does not carry everything the record holds (a citation's quote, a site's point when
it is known to its city only), so an entity changes only what it gives: empty values leave the
record's as they are, values guessed only to create a record (the kind of an organization whose
FtM schema is all that is known, the role of a site) never overwrite. Entities of this site's
export were public: they are published again (when the actor may), like the rows of a bundle
with a published_at. Anything else comes in as drafts for reviewers.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django_countries import countries
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from unmask.cleantext import clean_value
from unmask.exchange.files import sha256_file
from unmask.exchange.formats.csvbundle import read as bundle_import
from unmask.exchange.formats.csvbundle.read import BundleOutcome, BundleRow
from unmask.exchange.formats.csvfile import decoding_error_at
from unmask.exchange.formats.ftm import write as ftm
from unmask.record.identifiers import identifier_error
from unmask.record.models import (
    IdentifierScheme,
    LinkStatus,
    OrganizationKind,
    Precision,
    Product,
    ProductKind,
    Relation,
    ResponseChannel,
    SiteRole,
    Source,
    SourceKind,
)
from unmask.record.text import derived_public_id

ORG_SCHEMATA = {
    "Company": OrganizationKind.COMPANY,
    "PublicBody": OrganizationKind.PUBLIC_BODY,
    "Organization": OrganizationKind.OTHER,
    "LegalEntity": OrganizationKind.OTHER,
}
PRODUCT_SCHEMATA = {"Project": ProductKind.PROGRAM, "Asset": ProductKind.OTHER}
# schema -> (property of the subject, property of the object, the relation; None: from role)
LINK_SCHEMATA = {
    "Ownership": ("owner", "asset", Relation.OWNS),
    "Debt": ("creditor", "debtor", Relation.FINANCES),
    "Payment": ("payer", "beneficiary", Relation.FINANCES),
    "Representation": ("agent", "client", Relation.DISTRIBUTES),
    "Membership": ("member", "organization", Relation.EXHIBITS_AT),
    "UnknownLink": ("subject", "object", None),
}
IDENTIFIER_SCHEMES = {prop: scheme for scheme, prop in ftm.IDENTIFIER_PROPERTY.items()}
MAKES, PART_OF = "makes", "is part of"  # the roles of the export's product links
# FtM says which document supports a claim, not where in it: a citation needs one or the other.
WHOLE = "the whole document (FollowTheMoney gives no page)"
# The campaign's entities of an unmask export (ftm.py): the CSV bundle brings them back.
CAMPAIGN_LEFT_OUT = "local groups and actions of the campaign (import the CSV bundle for them)"


@dataclass
class FtmOutcome(BundleOutcome):
    """A BundleOutcome (with what was left out, by reason: BundleOutcome.left_out)."""


def _labels(choices) -> dict[str, str]:
    """A choice's value from its value or its label (English, or the language in use)."""
    found = {}
    for choice in choices:
        found[choice.value.casefold()] = choice.value
        found[str(choice.label).casefold()] = choice.value
    return found


def _language_codes() -> dict[str, str]:
    """FtM's three-letter language codes -> the two-letter codes the record writes."""
    import babel

    codes = {}
    for code in babel.Locale("en").languages:
        if len(code) == 2:
            three = registry.language.clean(code)
            if three:
                codes.setdefault(three, code)
    return codes


def _first(entity: EntityProxy, *props: str) -> str:
    for prop in props:
        for value in entity.get(prop, quiet=True):
            if value.strip():
                return value
    return ""


class _Reader:
    """The entities of a file, merged by id, with the line each was first seen on."""

    def __init__(self, path: Path, outcome: FtmOutcome):
        self.entities: dict[str, EntityProxy] = {}
        self.line: dict[str, int] = {}
        with path.open("rb") as handle:
            opener = gzip.open if handle.read(2) == b"\x1f\x8b" else open
        try:
            with opener(path, "rt", encoding="utf-8-sig") as handle:
                for number, text in enumerate(handle, start=1):
                    if "\x00" in text:
                        outcome.problem(number, "", "a NUL character (byte 0): is it a text file?")
                    elif text.strip():
                        self._read(number, text, outcome)
        except UnicodeDecodeError as exc:
            with opener(path, "rb") as raw:
                line, offset, reason = decoding_error_at(raw, "utf-8-sig") or (0, 0, exc.reason)
            outcome.problem(line, "", f"byte {offset}: not UTF-8 text ({reason}).")
        except (OSError, EOFError) as exc:
            outcome.problem(0, "", f"not readable as UTF-8 JSON lines ({exc}).")

    def _read(self, number: int, text: str, outcome: FtmOutcome) -> None:
        outcome.rows += 1
        try:
            data = clean_value(json.loads(text))
            entity = model.get_proxy(data, cleaned=False)
        except (ValueError, TypeError, KeyError, InvalidData) as exc:
            outcome.problem(number, "", f"not a FollowTheMoney entity ({exc}).")
            return
        if not entity.id:
            outcome.problem(number, "id", "the entity has no id.")
            return
        if entity.schema.name in ORG_SCHEMATA:
            _check_identifiers(number, data.get("properties") or {}, outcome)
        if entity.id in self.entities:
            try:
                self.entities[entity.id].merge(entity)
            except InvalidData as exc:
                outcome.problem(number, "schema", str(exc))
        else:
            self.entities[entity.id] = entity
            self.line[entity.id] = number


def _check_identifiers(number: int, properties: dict, outcome: FtmOutcome) -> None:
    """Refuse an identifier as the admin does (Identifier.clean), at its line and property:
    FtM's cleaning would otherwise drop an LEI failing its check digits without a word."""
    for prop, scheme in IDENTIFIER_SCHEMES.items():
        values = properties.get(prop) or []
        for value in values if isinstance(values, list) else [values]:
            problem = identifier_error(scheme, str(value))
            if problem:
                outcome.problem(number, prop, problem)


class _Translation:
    """The entities as rows of the bundle's tables."""

    def __init__(self, reader: _Reader, outcome: FtmOutcome):
        self.reader, self.outcome = reader, outcome
        self.rows: dict[str, list[BundleRow]] = defaultdict(list)
        self.ids: dict[str, tuple[str, str]] = {}  # FtM id -> (table, row id)
        self.own = f"{ftm.prefix()}-"
        self.org_kinds = _labels(OrganizationKind)
        self.product_kinds = _labels(ProductKind)
        self.source_kinds = _labels(SourceKind)
        self.roles = _labels(SiteRole)
        self.precisions = _labels(Precision)
        self.relations = _labels(Relation)
        self.statuses = _labels(LinkStatus)
        self.channels = _labels(ResponseChannel)
        self.media = settings.SITE_URL.rstrip("/") + reverse("media", args=["x"])[:-1]
        self.languages = _language_codes()
        self.sources_by_url: dict[str, str] = {}
        self.cited: dict[str, list[str]] = defaultdict(list)  # FtM id -> source row ids
        self.used_documents: set[str] = set()
        self.products: dict[str, BundleRow] = {}  # row id -> row
        self.product_names: dict[str, str] = {}  # name -> row id (the first with it)

    # --- ids ---------------------------------------------------------------------------------
    def public_id(self, entity: EntityProxy, kind: str) -> tuple[str, bool]:
        """(its public id, whether it is this site's own entity)."""
        head = f"{self.own}{kind}-"
        if entity.id.startswith(head) and 0 < len(entity.id) - len(head) <= 12:
            return entity.id[len(head) :], True
        return derived_public_id(f"ftm:{entity.id}"), False

    def row(self, table: str, entity: EntityProxy, values: dict, own: bool, **kwargs) -> BundleRow:
        row = BundleRow(
            table,
            self.reader.line[entity.id],
            {**values, "published_at": "yes" if own else ""},
            source=self.outcome.file,
            partial=True,
            **kwargs,
        )
        self.rows[table].append(row)
        return row

    # --- the tables ----------------------------------------------------------------------------
    def run(self) -> dict[str, list[BundleRow]]:
        entities = self.reader.entities.values()
        by_schema = defaultdict(list)
        campaign = (f"{self.own}group-", f"{self.own}action-")
        for entity in entities:
            if entity.id.startswith(campaign):  # this site's local groups and actions
                self.outcome.left_out[CAMPAIGN_LEFT_OUT] += 1
                continue
            by_schema[entity.schema.name].append(entity)
        for schema, found in by_schema.items():
            known = ORG_SCHEMATA.keys() | PRODUCT_SCHEMATA.keys() | LINK_SCHEMATA.keys()
            if schema not in known | {"Address", "Document", "Note"}:
                what = "persons (never imported)" if schema == "Person" else f"{schema} entities"
                self.outcome.left_out[what] += len(found)
        for schema in ORG_SCHEMATA:
            for entity in by_schema[schema]:
                self.organization(entity)
        for schema in PRODUCT_SCHEMATA:
            for entity in by_schema[schema]:
                self.product(entity)
        owner = {}
        for schema in ORG_SCHEMATA:
            for entity in by_schema[schema]:
                for address in entity.get("addressEntity"):
                    owner.setdefault(address, entity)
        for entity in by_schema["Address"]:
            if entity.id in owner:
                self.site(entity, owner[entity.id])
            else:
                self.outcome.left_out["addresses of no organization"] += 1
        for schema in LINK_SCHEMATA:
            for entity in by_schema[schema]:
                self.link(entity)
        for entity in by_schema["Note"]:
            if ftm.REPLY_KEYWORD in entity.get("keywords"):
                self.reply(entity)
            else:
                self.outcome.left_out["Note entities"] += 1
        documents = {e.id: e for e in by_schema["Document"]}
        self.citations(documents)
        self.outcome.left_out["documents no entity names as proof"] += len(
            documents.keys() - self.used_documents
        )
        self.outcome.left_out = +self.outcome.left_out  # drop the zero counts
        self.outcome.skipped = sum(self.outcome.left_out.values())
        return self.rows

    def organization(self, entity: EntityProxy) -> None:
        names = [n for n in entity.get("name") if n.strip()]
        if not names:
            self.outcome.problem(self.reader.line[entity.id], "name", "the entity has no name.")
            return
        public_id, own = self.public_id(entity, "org")
        kind = next(
            (
                self.org_kinds[c.casefold()]
                for c in entity.get("classification")
                if c.casefold() in self.org_kinds
            ),
            "",
        )
        keep = frozenset() if kind else frozenset({"kind"})
        country = next((c.upper() for c in entity.get("country") if c.upper() in countries), "")
        values = {
            "id": public_id,
            "name": names[0],
            "kind": kind or ORG_SCHEMATA[entity.schema.name],
            "country": country,
            "description": "\n\n".join(entity.get("description")),
        }
        columns = {"kind": "classification"}
        self.row("organizations", entity, values, own, columns=columns, keep=keep)
        self.ids[entity.id] = ("organizations", public_id)
        aliases = [*names[1:], *entity.get("alias"), *entity.get("previousName")]
        for number, alias in enumerate(dict.fromkeys(aliases)):
            kind = "former" if alias in entity.get("previousName") else "alias"
            name = {"id": f"{public_id}/{number}", "organization_id": public_id}
            name |= {"name": alias, "kind": kind, "language": ""}
            self.row(
                "organization_names",
                entity,
                name,
                own,
                columns={"name": "alias"},
                keep=frozenset({"kind", "language"}),
            )
        number = 0
        for prop, scheme in IDENTIFIER_SCHEMES.items():
            for value in entity.get(prop, quiet=True):
                if scheme == IdentifierScheme.DOMAIN:
                    value = value.split("://", 1)[-1].split("/", 1)[0]
                ident = {"id": f"{public_id}#{number}", "organization_id": public_id}
                ident |= {"scheme": scheme, "value": value, "country": ""}
                self.row("identifiers", entity, ident, own, columns={"value": prop})
                number += 1
        self.cite(entity)

    def product(self, entity: EntityProxy) -> None:
        public_id, own = self.public_id(entity, "product")
        name = _first(entity, "name")
        if not name:
            self.outcome.problem(self.reader.line[entity.id], "name", "the entity has no name.")
            return
        kind = PRODUCT_SCHEMATA[entity.schema.name]
        guessed = kind == ProductKind.OTHER
        for label in entity.get("summary"):
            if label.casefold() in self.product_kinds:
                kind, guessed = self.product_kinds[label.casefold()], False
        values = {
            "id": public_id,
            "name": name,
            "kind": kind,
            "maker_id": "",
            "part_of_id": "",
            "description": "\n\n".join(entity.get("description")),
        }
        keep = frozenset({"kind"}) if guessed else frozenset()
        row = self.row("products", entity, values, own, columns={"kind": "summary"}, keep=keep)
        self.products[public_id] = row
        self.product_names.setdefault(name, public_id)
        self.ids[entity.id] = ("products", public_id)
        self.cite(entity)

    def site(self, address: EntityProxy, organization: EntityProxy) -> None:
        public_id, own = self.public_id(address, "site")
        org = self.ids.get(organization.id)
        if org is None:  # its organization had a problem of its own
            return
        role, precision = "", ""
        for summary in address.get("summary"):  # "Factory (Street)", as the export writes it
            label, _sep, rest = summary.rpartition(" (")
            if rest.endswith(")") and label.casefold() in self.roles:
                role = self.roles[label.casefold()]
                precision = self.precisions.get(rest[:-1].casefold(), "")
        latitude, longitude = _first(address, "latitude"), _first(address, "longitude")
        keep = set()
        if not role:
            role = SiteRole.OTHER
            keep.add("role")
        if not precision:
            precision = Precision.STREET if latitude else Precision.CITY
            keep.add("precision")
        country = _first(address, "country") or _first(organization, "country")
        values = {
            "id": public_id,
            "organization_id": org[1],
            "name": _first(address, "name"),
            "role": role,
            "address": _first(address, "street") if own else _first(address, "street", "full"),
            "city": _first(address, "city"),
            "country": country.upper(),
            "latitude": latitude,
            "longitude": longitude,
            "precision": precision,
        }
        columns = {"organization_id": "addressEntity", "role": "summary", "precision": "summary"}
        columns |= {"address": "street"}
        self.row("sites", address, values, own, columns=columns, keep=frozenset(keep))
        self.ids[address.id] = ("sites", public_id)
        self.cite(address)

    def end(self, entity: EntityProxy, prop: str) -> tuple[str, str] | None:
        """(table, row id) of the entity a link's end names; None when it is not one of ours
        and not in the file (a person, a vessel...)."""
        return self.resolve(_first(entity, prop))

    def resolve(self, target: str, kinds=(("org", "organizations"), ("product", "products"))):
        """(table, row id) of the entity an id names: in the file, or of this site's record."""
        if target in self.ids:
            return self.ids[target]
        for kind, table in kinds:
            head = f"{self.own}{kind}-"
            if target.startswith(head):  # in the record, not in this file
                return table, target[len(head) :]
        return None

    def link(self, entity: EntityProxy) -> None:
        subject_prop, object_prop, relation = LINK_SCHEMATA[entity.schema.name]
        roles = entity.get("role", quiet=True)
        subject, obj = self.end(entity, subject_prop), self.end(entity, object_prop)
        if entity.schema.name == "UnknownLink" and {MAKES, PART_OF} & set(roles):
            self.product_link(entity, roles, subject, obj)
            return
        if relation is None:
            relation = next(
                (self.relations[r.casefold()] for r in roles if r.casefold() in self.relations),
                None,
            )
            if relation is None:
                self.outcome.left_out["links whose role is none of the relations"] += 1
                return
        if subject is None or obj is None or subject[0] != "organizations":
            self.outcome.left_out["links with an end that is not an organization here"] += 1
            return
        public_id, own = self.public_id(entity, "link")
        status = next(
            (
                self.statuses[s.casefold()]
                for s in entity.get("status", quiet=True)
                if s.casefold() in self.statuses
            ),
            "",
        )
        values = {
            "id": public_id,
            "subject_id": subject[1],
            "relation": relation,
            "object_id": obj[1] if obj[0] == "organizations" else "",
            "product_id": obj[1] if obj[0] == "products" else self.product_named(entity),
            "status": status,
            "start": _first(entity, "startDate", "date")[:10],
            "end": _first(entity, "endDate")[:10],
            "share": _first(entity, "percentage"),
            "amount": _first(entity, "amount"),
            "currency": _first(entity, "currency").upper(),
            "summary": "\n\n".join(entity.get("summary")),
        }
        columns = {
            "subject_id": subject_prop,
            "object_id": object_prop,
            "relation": "role",
            "status": "status",
            "start": "startDate",
            "end": "endDate",
            "share": "percentage",
            "product_id": "description",
        }
        self.row("links", entity, values, own, columns=columns)
        self.ids[entity.id] = ("links", public_id)
        self.cite(entity)
        self.status_changes(entity, public_id, own)

    def status_changes(self, entity: EntityProxy, link_id: str, own: bool) -> None:
        """The link's status history, which the export writes in its description
        (ftm.STATUS_CHANGE): rows of the bundle's link_status_events."""
        changes = [m for m in map(ftm.STATUS_CHANGE.match, entity.get("description")) if m]
        for match in sorted(changes, key=lambda m: int(m.group(1))):
            number, recorded, old, new, effective, note = match.groups()
            old_status = self.statuses.get((old or "").casefold(), "")
            new_status = self.statuses.get(new.casefold())
            if new_status is None or (old and not old_status):
                self.outcome.left_out["status changes to a status this site does not have"] += 1
                continue
            values = {
                "id": f"{link_id}:{number}",
                "link_id": link_id,
                "old_status": old_status,
                "new_status": new_status,
                "effective": effective or "",
                "note": note,
                "recorded_at": f"{recorded}+00:00",  # the export writes UTC
            }
            columns = dict.fromkeys(values, "description")
            self.row("link_status_events", entity, values, own, columns=columns)

    def reply(self, entity: EntityProxy) -> None:
        """An organization's published reply (a Note marked ftm.REPLY_KEYWORD): to its profile,
        or to the link its summary names."""
        org = self.resolve(_first(entity, "entity"))
        if org is None or org[0] != "organizations":
            self.outcome.left_out["replies of no organization here"] += 1
            return
        link = None
        for summary in entity.get("summary"):
            named = ftm.REPLY_TO_LINK.search(summary)
            if named:
                link = self.resolve(named.group(1), (("link", "links"),))
                if link is None:
                    self.outcome.left_out["replies to a link that is not here"] += 1
                    return
        public_id, own = self.public_id(entity, "reply")
        channel = next(
            (
                self.channels[k.casefold()]
                for k in entity.get("keywords")
                if k.casefold() in self.channels
            ),
            "",
        )
        urls = entity.get("sourceUrl")
        values = {
            "id": public_id,
            "organization_id": org[1],
            "link_id": link[1] if link else "",
            "received_on": _first(entity, "createdAt")[:10],
            "channel": channel or ResponseChannel.OTHER,
            "text": "\n\n".join(entity.get("description")),
            "original_url": next((u for u in urls if not u.startswith(self.media)), ""),
            "document_url": next((u for u in urls if u.startswith(self.media)), ""),
        }
        columns = {"organization_id": "entity", "link_id": "summary", "received_on": "createdAt"}
        columns |= {"channel": "keywords", "text": "description", "original_url": "sourceUrl"}
        columns |= {"document_url": "sourceUrl"}
        keep = frozenset() if channel else frozenset({"channel"})
        self.row("responses", entity, values, own, columns=columns, keep=keep)

    def product_named(self, link: EntityProxy) -> str:
        """The product a link between organizations concerns: the export writes it in the
        description ("supplies components to: KX-40 rotor blade")."""
        for text in link.get("description"):
            _label, sep, name = text.partition(": ")
            if not sep or ftm.STATUS_CHANGE.match(text):
                continue
            if name in self.product_names:
                return self.product_names[name]
            found = list(Product.objects.alive().filter(name=name).values_list("public_id")[:2])
            if len(found) == 1:
                return found[0][0]
        return ""

    def product_link(self, entity, roles, subject, obj) -> None:
        """The export's "makes" and "is part of": a product's maker and whole."""
        found = None  # (the product's row id, its column, the value, the FtM property)
        if MAKES in roles and subject and obj and subject[0] == "organizations":
            found = (obj[1], "maker_id", subject[1], "subject")
        elif PART_OF in roles and subject and obj and obj[0] == "products":
            found = (subject[1], "part_of_id", obj[1], "object")
        product = self.products.get(found[0]) if found else None
        if product is None:
            self.outcome.left_out["product links naming no product of the file"] += 1
            return
        _id, column, value, prop = found
        product.values[column] = value
        product.columns[column] = prop

    # --- evidence ------------------------------------------------------------------------------
    def cite(self, entity: EntityProxy) -> None:
        """Note the entity's evidence; citations() turns it into sources and citations."""
        proof = entity.get("proof", quiet=True)
        if proof:
            self.cited[entity.id].extend(f"doc:{p}" for p in proof)
        else:
            self.cited[entity.id].extend(f"url:{u}" for u in entity.get("sourceUrl"))

    def citations(self, documents: dict[str, EntityProxy]) -> None:
        source_ids: dict[str, str] = {}
        for entity_id, evidence in self.cited.items():
            table, target = self.ids.get(entity_id, ("", ""))
            if not table:
                continue
            entity = self.reader.entities[entity_id]
            for key in dict.fromkeys(evidence):
                if key not in source_ids:
                    source = self.source(key, documents, entity)
                    if source is None:
                        continue
                    source_ids[key] = source
                citation = {
                    "id": derived_public_id(f"ftm-citation:{entity_id}|{key}"),
                    "source_id": source_ids[key],
                    "organization_id": "",
                    "site_id": "",
                    "product_id": "",
                    "link_id": "",
                    "quote": "",
                    "locator": WHOLE,
                    "note": "",
                }
                column = {"organizations": "organization_id", "sites": "site_id"}.get(table)
                citation[column or f"{table[:-1]}_id"] = target
                columns = {"source_id": "proof" if key.startswith("doc:") else "sourceUrl"}
                keep = frozenset({"locator"})
                self.row("citations", entity, citation, False, columns=columns, keep=keep)

    def source(self, key: str, documents: dict[str, EntityProxy], cited: EntityProxy):
        """The row id of the source a key ("doc:<FtM id>", "url:<address>") stands for: a row
        of this import, or a source of the record with that address."""
        kind, _sep, ref = key.partition(":")
        if kind == "url":
            existing = Source.objects.alive().filter(url=ref).values_list("public_id").first()
            if existing:
                return existing[0]
            values = {"id": derived_public_id(f"ftm-url:{ref}"), "title": ref[:500]}
            values |= {"kind": SourceKind.OTHER, "original_url": ref}
            keep = frozenset({"title", "kind"})
            self.row(
                "sources", cited, values, False, columns={"original_url": "sourceUrl"}, keep=keep
            )
            return values["id"]
        document = documents.get(ref)
        if document is None:
            head = f"{self.own}source-"
            if ref.startswith(head):
                return ref[len(head) :]  # in the record, not in the file
            self.outcome.left_out["proofs naming no document of the file"] += 1
            return None
        self.used_documents.add(ref)
        public_id, own = self.public_id(document, "source")
        url = _first(document, "sourceUrl")
        if not own and url:
            existing = Source.objects.alive().filter(url=url).values_list("public_id").first()
            if existing:
                return existing[0]
        kind = next(
            (
                self.source_kinds[s.casefold()]
                for s in document.get("summary")
                if s.casefold() in self.source_kinds
            ),
            "",
        )
        archive = next(
            (
                d[len(ftm.ARCHIVED) :]
                for d in document.get("description")
                if d.startswith(ftm.ARCHIVED)
            ),
            "",
        )
        language = _first(document, "language")
        values = {
            "id": public_id,
            "title": (_first(document, "title", "name", "fileName") or url or ref)[:500],
            "publisher": _first(document, "publisher"),
            "kind": kind or SourceKind.OTHER,
            "published_on": _first(document, "publishedAt", "date")[:10],
            "language": self.languages.get(language, language),
            "original_url": url,
            "archive_url": archive,
            "retrieved_on": _first(document, "retrievedAt")[:10],
        }
        columns = {"kind": "summary", "published_on": "publishedAt", "original_url": "sourceUrl"}
        columns |= {"retrieved_on": "retrievedAt"}
        keep = frozenset() if kind else frozenset({"kind"})
        self.row("sources", document, values, False, columns=columns, keep=keep)
        return public_id


def import_ftm(
    path, *, actor=None, dry_run: bool = False, name: str = "", in_chunks: bool = False
) -> FtmOutcome:
    """Import the entities of a FollowTheMoney JSON lines file (see the module docstring).
    Nothing is written when anything has a problem, nor in a dry run."""
    path = Path(path)
    outcome = FtmOutcome(file=name or path.name, dry_run=dry_run)
    reader = _Reader(path, outcome)
    if not outcome.ok:
        return outcome
    rows = _Translation(reader, outcome).run()
    if not outcome.ok:
        return outcome
    for table, found in rows.items():
        outcome.tables[table] = bundle_import.TableCounts(rows=len(found))
    return bundle_import.apply_rows(
        rows, outcome, actor=actor, sha256=sha256_file(path), kind="ftm", in_chunks=in_chunks
    )
