"""The demo's plan: one `random.Random(seed)` draws every organization, product, site, link,
source and reply as plain dataclasses, without touching the database, so the same seed gives
the same data, public ids included. `record.py` writes the plan."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from anyascii import anyascii
from stdnum.iso7064 import mod_97_10

from unmask.demo.world import (
    ADDRESSES,
    AVOID,
    COMPANY,
    COMPANY_NAMES,
    COUNTRIES,
    FINANCIAL,
    INSTITUTE,
    KIND_WEIGHTS,
    NATIVE_PRIMARY,
    OTHER_NAMES,
    PRECISIONS,
    PRODUCTS,
    PROGRAM,
    PUBLIC_BODY,
    RELATION_SHAPES,
    RELATION_WEIGHTS,
    REPLIES,
    ROLES_BY_KIND,
    SCRIPT_COLUMN,
    SITE_LABELS,
    STATUS_NOTES,
    STATUS_WEIGHTS,
    STATUSES,
    SYLLABLES,
    TODAY,
    TREE_RELATION,
    UNIT,
    Country,
    Root,
)
from unmask.record.models import (
    IdentifierScheme,
    LinkStatus,
    NameKind,
    ProductKind,
    Relation,
    ResponseChannel,
    SiteRole,
    SourceKind,
)
from unmask.record.text import make_slug, name_key

PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # as text.new_public_id


# --- the plan ------------------------------------------------------------------------------------


@dataclass(slots=True)
class CitePlan:
    public_id: str
    source: int
    quote: str
    locator: str


@dataclass(slots=True)
class OrgPlan:
    public_id: str
    name: str
    kind: str
    country: Country
    root: Root
    names: list[tuple[str, str, str]]  # name, NameKind, language
    identifiers: list[tuple[str, str]]  # scheme, value
    citations: list[CitePlan] = field(default_factory=list)
    published: bool = True


@dataclass(slots=True)
class ProductPlan:
    public_id: str
    name: str
    kind: str
    maker: int | None
    part_of: int | None
    depth: int
    citations: list[CitePlan] = field(default_factory=list)
    published: bool = True


@dataclass(slots=True)
class SitePlan:
    public_id: str
    org: int
    name: str
    role: str
    address: str
    city: str
    country: str
    latitude: float
    longitude: float
    precision: str
    citations: list[CitePlan] = field(default_factory=list)
    published: bool = True


@dataclass(slots=True)
class LinkPlan:
    public_id: str
    subject: int
    relation: str
    object: int | None
    product: int | None
    start: str
    end: str
    share: Decimal | None
    amount: Decimal | None
    currency: str
    summary: str
    steps: list[tuple[str, str, str]]  # status, effective date, note (after "reported")
    citations: list[CitePlan] = field(default_factory=list)
    published: bool = True
    deleted: bool = False


@dataclass(slots=True)
class SourcePlan:
    public_id: str
    title: str
    publisher: str
    url: str
    kind: str
    published_on: str
    language: str
    archive_url: str
    retrieved_on: date


@dataclass(slots=True)
class ResponsePlan:
    public_id: str
    org: int
    link: int | None
    received_on: date
    channel: str
    text: str
    url: str


@dataclass
class Plan:
    sources: list[SourcePlan] = field(default_factory=list)
    orgs: list[OrgPlan] = field(default_factory=list)
    products: list[ProductPlan] = field(default_factory=list)
    sites: list[SitePlan] = field(default_factory=list)
    links: list[LinkPlan] = field(default_factory=list)
    responses: list[ResponsePlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        cited = [*self.orgs, *self.products, *self.sites, *self.links]
        return {
            "organizations": len(self.orgs),
            "other_names": sum(len(o.names) for o in self.orgs),
            "identifiers": sum(len(o.identifiers) for o in self.orgs),
            "products": len(self.products),
            "sites": len(self.sites),
            "links": len(self.links),
            "status_events": sum(1 + len(link.steps) for link in self.links),
            "sources": len(self.sources),
            "citations": sum(len(x.citations) for x in cited),
            "responses": len(self.responses),
            "drafts": sum(not x.published for x in cited),
            "deleted": sum(link.deleted for link in self.links),
        }


class Planner:
    """Draws the whole demo from one seeded random generator. No database access."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 (repeatable on purpose, not a secret)
        self.ids = random.Random(f"unmask-demo-public-ids-{seed}")  # noqa: S311
        self.used_ids: set[str] = set()
        self.used_roots: set[str] = set()
        self.pools: dict[tuple, list[int]] = {}
        self.used_keys: set[str] = set()
        self.plan = Plan()
        self.labels = {relation: str(relation.label) for relation in Relation}

    # helpers

    def public_id(self) -> str:
        while True:
            value = "".join(self.ids.choices(PUBLIC_ID_ALPHABET, k=8))
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def root(self, unique: bool = True) -> Root:
        """An invented root; a unique one is never drawn again (for organizations' names)."""
        rng = self.rng
        while True:
            length = rng.choices((2, 3, 4), weights=(35, 50, 15))[0]
            syllables = tuple(rng.randrange(len(SYLLABLES)) for _ in range(length))
            # Two bare syllables too often spell a real word ("Moda"): give them a final.
            root = Root(syllables, rng.choice((1, 2, 3, 4, 5) if length == 2 else (0, 0, 1, 2, 3)))
            text = root.latin.lower()
            if any(name in text for name in AVOID) or (unique and text in self.used_roots):
                continue
            if unique:
                self.used_roots.add(text)
            return root

    def partial_date(self, year: int) -> str:
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        return self.rng.choice((f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"))

    def cite(self, quote: str) -> list[CitePlan]:
        rng = self.rng
        citations = []
        for _ in range(2 if rng.random() < 0.2 else 1):
            style = rng.random()
            locator = rng.choice(
                ("p. {n}", "para. {n}", "row {n}", "Annex B, item {n}", "fol. {n}")
            )
            citations.append(
                CitePlan(
                    self.public_id(),
                    rng.randrange(len(self.plan.sources)),
                    quote if style < 0.7 else "",
                    locator.format(n=rng.randint(1, 240)) if style > 0.4 else "",
                )
            )
        return citations

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # organizations

    def org(self, kind: str, country: Country) -> OrgPlan:
        rng = self.rng
        while True:
            root = self.root()
            name, names, english = self.org_names(kind, country, root)
            keys = [name_key(n) for n in [name, *(n for n, _k, _l in names)]]
            if not any(k in self.used_keys for k in keys):
                self.used_keys.update(keys)
                break
        if rng.random() < 0.12:
            former, _names, _english = self.org_names(kind, country, self.root())
            self.used_keys.add(name_key(former))
            names.append((former, NameKind.FORMER, country.lang))
        if rng.random() < 0.15:
            initials = "".join(word[0] for word in english.split()[1:3] if word[0].isalpha())
            names.append((root.latin[:3].upper() + initials.upper(), NameKind.ABBREVIATION, ""))
        identifiers = [(IdentifierScheme.DOMAIN, f"{root.latin.lower()}.example.com")]
        if kind == COMPANY:
            number = f"DEMO-{country.code}-{rng.randrange(10**6, 10**7)}"
            identifiers.append((IdentifierScheme.REGISTRY, number))
        if kind == FINANCIAL or (kind == COMPANY and rng.random() < 0.3):
            body = "DEMO00" + "".join(
                rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(12)
            )
            # Valid check digits (ISO 17442): the record refuses an LEI its FtM export would.
            identifiers.append((IdentifierScheme.LEI, body + mod_97_10.calc_check_digits(body)))
        return OrgPlan(self.public_id(), name, kind, country, root, names, identifiers)

    def org_names(self, kind: str, country: Country, root: Root):
        """The organization's name, its other names (name, kind, language), its English name."""
        rng, lang = self.rng, country.lang
        table = COMPANY_NAMES if kind == COMPANY else OTHER_NAMES[kind]
        pattern_lang = lang if lang in table else "en"
        local, english = rng.choice(table[pattern_lang])
        legal, legal_en = rng.choice(country.legal) if kind == COMPANY else ("", "")
        local_name = local.format(root=root.local(pattern_lang))
        english_name = (english or local).format(root=root.latin)
        if legal:
            if pattern_lang in ("ru", "bg") and kind == COMPANY:
                local_name = f"{legal} «{local_name}»"
            elif pattern_lang in ("zh", "ja"):
                local_name += legal
            else:
                local_name = f"{local_name} {legal}"
            english_name = f"{english_name} {legal_en}"
        names: list[tuple[str, str, str]] = []
        if pattern_lang in NATIVE_PRIMARY:
            name = local_name
            names.append((english_name, NameKind.ALIAS, "en"))
            if pattern_lang in ("ru", "bg", "el"):
                latin = anyascii(local_name).replace("<<", '"').replace(">>", '"')
                names.append((latin, NameKind.TRANSLITERATION, f"{pattern_lang}-Latn"))
        elif pattern_lang in SCRIPT_COLUMN:  # Hebrew, Arabic: Latin name, local-script alias
            name = english_name
            names.append((local_name, NameKind.LOCAL, pattern_lang))
        else:
            name = local_name
            if english and rng.random() < 0.4:
                names.append((english_name, NameKind.ALIAS, "en"))
            if lang in SCRIPT_COLUMN:  # an English pattern for a country with its own script
                names.append((root.local(lang), NameKind.LOCAL, lang))
        return name, names, english_name

    # the plan

    def make(self, orgs, sites, links, sources, responses) -> Plan:
        rng, plan = self.rng, self.plan
        org_kinds = [PUBLIC_BODY, COMPANY, *KIND_WEIGHTS]  # program office, prime
        for i in range(orgs):
            kind = org_kinds[i] if i < len(org_kinds) else self.weighted(KIND_WEIGHTS)
            country = COUNTRIES[i % len(COUNTRIES)] if i < len(COUNTRIES) else rng.choice(COUNTRIES)
            plan.orgs.append(self.org(kind, country))
        # Sources come after the organizations they are about, but before anything cites them.
        for i in range(sources):
            plan.sources.append(self.source(i))
        for org in plan.orgs:
            org.citations = self.cite(f"…{org.root.latin} is registered as {org.name}…")
        self.products()
        self.sites(sites)
        self.links(links)
        self.drafts()
        self.responses(responses)
        return plan

    def source(self, i: int) -> SourcePlan:
        rng, plan = self.rng, self.plan
        kind = list(SourceKind)[i % len(SourceKind)]
        org = rng.choice(plan.orgs)
        other = rng.choice(plan.orgs)
        year = rng.randint(2014, 2025)
        outlet = self.root(unique=False).latin
        language = "en"
        if kind == SourceKind.NEWS:
            title = rng.choice(
                (
                    f"{org.root.latin} wins order for {PROGRAM} parts",
                    f"Shipments traced from {org.root.latin} to drone maker",
                    f"{org.root.latin} expands output at its {org.country.cities[0][0]} plant",
                    f"Questions over {org.root.latin}'s role in the {PROGRAM} program",
                )
            )
            publisher = f"The {outlet} {rng.choice(('Courier', 'Ledger', 'Observer', 'Herald'))}"
        elif kind == SourceKind.COMPANY:
            title, publisher, language = f"Annual report {year}", org.name, org.country.lang
        elif kind == SourceKind.REGISTRY:
            title, publisher = f"Business register extract: {org.name}", "Demo business register"
            language = org.country.lang
        elif kind == SourceKind.COURT:
            case = f"{rng.randint(10, 999)}/{year % 100:02d}"
            title = f"Judgment in case {case}: {org.name} v. {other.name}"
            publisher = f"{outlet} Commercial Court (fictional)"
        elif kind == SourceKind.CUSTOMS:
            code = rng.choice(("8407", "8526", "8803", "8542"))
            title = f"Customs declarations, HS code {code}, {year}"
            publisher = "Demo trade data service"
        elif kind == SourceKind.GOVERNMENT:
            title = f"Answer to a parliamentary question on export licences ({year})"
            publisher = f"{outlet} Ministry of Economy (fictional)"
        elif kind == SourceKind.LEAK:
            title, publisher = f"Internal delivery schedule for the {PROGRAM}A", ""
        elif kind == SourceKind.RESEARCH:
            title = f"Mapping the {PROGRAM} supply chain, part {i // len(SourceKind) + 1}"
            publisher = "Unmask demo research team"
        else:
            title, publisher = f"Exhibitor list {year}: {outlet} Unmanned Systems Expo", ""
        tld = ("org", "com", "net")[i % 3]
        slug = make_slug(title, "source")[:60]
        retrieved = date(min(year + 1, 2025), rng.randint(1, 12), rng.randint(1, 28))
        return SourcePlan(
            self.public_id(),
            title,
            publisher,
            f"https://example.{tld}/{kind}/{slug}-{i + 1}",
            kind,
            self.partial_date(year),
            language,
            f"https://example.net/archive/{year}/{slug}-{i + 1}" if rng.random() < 0.3 else "",
            min(retrieved, TODAY),
        )

    def products(self) -> None:
        rng, plan = self.rng, self.plan
        companies = [i for i, o in enumerate(plan.orgs) if o.kind == COMPANY]
        index: dict[str, int] = {}
        for key, parent, kind, name in PRODUCTS:
            if key == "program":
                maker = 0  # the program office
            elif kind == ProductKind.PLATFORM:
                maker = 1  # the prime contractor
            else:
                maker = rng.choice(companies)
            depth = 0 if parent is None else plan.products[index[parent]].depth + 1
            product = ProductPlan(
                self.public_id(),
                name,
                kind,
                maker,
                index.get(parent),
                depth,
                self.cite(f"…the {name} (see the technical annex)…"),
            )
            index[key] = len(plan.products)
            plan.products.append(product)

    def sites(self, count: int) -> None:
        rng, plan = self.rng, self.plan
        counter: dict[tuple[int, str], int] = {}
        for i in range(count):
            org_index = i if i < len(plan.orgs) else rng.randrange(len(plan.orgs))
            plan.sites.append(self.site(org_index, i < len(plan.orgs), counter))

    def site(self, org_index: int, head_office: bool, counter: dict) -> SitePlan:
        rng = self.rng
        org = self.plan.orgs[org_index]
        kind_roles = ROLES_BY_KIND[org.kind]
        if not head_office:
            role = rng.choice(kind_roles)
        elif org.kind in (COMPANY, INSTITUTE, FINANCIAL):
            role = SiteRole.HEADQUARTERS
        else:  # a unit's first site is its base, a fair's its grounds, an authority's its office
            role = kind_roles[0]
        abroad = not head_office and rng.random() < 0.15
        country = rng.choice(COUNTRIES) if abroad else org.country
        city, lat, lon = rng.choice(country.cities)
        precision, _w, jitter, decimals = rng.choices(PRECISIONS, [p[1] for p in PRECISIONS])[0]
        if jitter is None:
            lat, lon = country.center
        else:
            lat, lon = lat + rng.uniform(-jitter, jitter), lon + rng.uniform(-jitter, jitter)
        number = counter[org_index, role] = counter.get((org_index, role), 0) + 1
        label = SITE_LABELS[role] + (f" {number}" if number > 1 or role == SiteRole.FACTORY else "")
        park = self.root(unique=False).local(country.lang)
        address = ADDRESSES.get(country.lang, ADDRESSES["en"]).format(
            park=park, n=rng.randint(1, 40)
        )
        return SitePlan(
            self.public_id(),
            org_index,
            f"{org.root.latin} {label}",
            role,
            f"{address}, {city}",
            city,
            country.code,
            round(lat, decimals),
            round(lon, decimals),
            precision,
            self.cite(f"…our {label.lower()} in {city}…"),
        )

    def links(self, count: int) -> None:
        """The supply tree first (each product's maker supplies the maker of what it is part
        of), then links drawn at random; the first of those go through every relation."""
        plan = self.plan
        for index, p in enumerate(plan.products[1:], start=1):
            if len(plan.links) >= count:
                return
            parent = plan.products[p.part_of]
            obj = parent.maker if parent.maker != p.maker else None
            relation = TREE_RELATION.get(p.kind, Relation.SUPPLIES_COMPONENT)
            if p.kind == ProductKind.SERVICE:
                obj = self.pick((UNIT,), exclude=p.maker)
            elif p.kind == ProductKind.PLATFORM:
                obj = None  # the prime contractor integrates the platform
            elif obj is None:
                relation = Relation.MANUFACTURES
            plan.links.append(self.link(p.maker, relation, obj, index))
        relations, drawn = list(Relation), 0
        while len(plan.links) < count:
            relation = (
                relations[drawn] if drawn < len(relations) else self.weighted(RELATION_WEIGHTS)
            )
            drawn += 1
            subject_kinds, object_kinds, product_kinds = RELATION_SHAPES[relation]
            subject = self.pick(subject_kinds)
            obj = self.pick(object_kinds, exclude=subject) if object_kinds else None
            product = None
            if product_kinds and (obj is None or self.rng.random() < 0.7):
                product = self.rng.choice(
                    [i for i, p in enumerate(plan.products) if p.kind in product_kinds]
                )
            plan.links.append(self.link(subject, relation, obj, product))

    def pick(self, kinds: tuple, exclude: int | None = None) -> int:
        """An organization of one of these kinds, other than `exclude` (any kind if need be)."""
        if kinds not in self.pools:
            self.pools[kinds] = [i for i, o in enumerate(self.plan.orgs) if o.kind in kinds]
        pool = self.pools[kinds]
        if not pool or pool == [exclude]:
            pool = range(len(self.plan.orgs))
        while True:
            choice = self.rng.choice(pool)
            if choice != exclude:
                return choice

    def link(self, subject: int, relation: str, obj: int | None, product: int | None) -> LinkPlan:
        rng, plan = self.rng, self.plan
        n = len(plan.links)
        status = STATUSES[n] if n < len(STATUSES) else self.weighted(STATUS_WEIGHTS)
        year = rng.randint(2012, 2024)
        start = self.partial_date(year)
        end = ""
        steps = []
        checked = min(year + 1, 2025)
        effective = self.partial_date(checked)
        if status == LinkStatus.ENDED:
            end_year = min(checked + rng.randint(0, 3), 2025)
            end = self.partial_date(end_year) if end_year > checked else str(end_year)
            steps = [
                (LinkStatus.CONFIRMED, effective, STATUS_NOTES[LinkStatus.CONFIRMED]),
                (LinkStatus.ENDED, end, STATUS_NOTES[LinkStatus.ENDED]),
            ]
        elif status == LinkStatus.DISPUTED and rng.random() < 0.5:
            steps = [
                (LinkStatus.CONFIRMED, effective, STATUS_NOTES[LinkStatus.CONFIRMED]),
                (LinkStatus.DISPUTED, str(min(checked + 2, 2025)), STATUS_NOTES[status]),
            ]
        elif status != LinkStatus.REPORTED:
            steps = [(status, effective, STATUS_NOTES[status])]
        share = amount = None
        currency = ""
        if relation == Relation.OWNS:
            share = (
                rng.choice((Decimal(100), Decimal(51), Decimal("24.9")))
                if rng.random() < 0.3
                else Decimal(f"{rng.uniform(1, 99):.3f}")
            )
        if (
            relation in (Relation.FINANCES, Relation.INSURES, Relation.SUPPLIES_COMPONENT)
            and rng.random() < 0.4
        ):
            amount = Decimal(rng.randrange(50, 90_000)) * 1000
            currency = plan.orgs[subject].country.currency
        label = self.labels[relation]
        subject_org, object_org = plan.orgs[subject], plan.orgs[obj] if obj is not None else None
        product_name = plan.products[product].name if product is not None else ""
        if object_org is None:
            summary = f"{subject_org.name} {label} the {product_name}"
        else:
            summary = f"{subject_org.name} {label} {object_org.name}"
            summary += f" ({product_name})" if product_name else ""
        # a sentence's full stop, unless a name ends it with its own ("… Ltd.", "… a.s.")
        summary += "" if summary.endswith(".") else "."
        quote = f"…{subject_org.root.latin} {label}"
        quote += f" {object_org.root.latin}…" if object_org else f" the {product_name}…"
        return LinkPlan(
            self.public_id(),
            subject,
            relation,
            obj,
            product,
            start,
            end,
            share,
            amount,
            currency,
            summary,
            steps,
            self.cite(quote),
        )

    def drafts(self) -> None:
        """An organization awaiting review, a site, a product, two links; a withdrawn link."""
        rng, plan = self.rng, self.plan
        companies = [i for i, o in enumerate(plan.orgs) if o.kind == COMPANY]
        draft_org = self.org(COMPANY, rng.choice(COUNTRIES))
        draft_org.citations = self.cite(f"…{draft_org.root.latin} was founded in 2021…")
        draft_org.published = False
        plan.orgs.append(draft_org)
        site = self.site(len(plan.orgs) - 1, True, {})
        site.published, site.citations = False, []
        plan.sites.append(site)
        platform = next(i for i, p in enumerate(plan.products) if p.kind == ProductKind.PLATFORM)
        plan.products.append(
            ProductPlan(
                self.public_id(),
                f"{PROGRAM} swarm controller (prototype)",
                ProductKind.ELECTRONICS,
                rng.choice(companies),
                platform,
                2,
                [],
                published=False,
            )
        )
        first, second = rng.sample(companies, 2)
        cited = self.link(len(plan.orgs) - 1, Relation.SUPPLIES_COMPONENT, first, None)
        uncited = self.link(second, Relation.MANUFACTURES, None, len(plan.products) - 1)
        uncited.citations = []
        cited.published = uncited.published = False
        withdrawn = self.link(first, Relation.DISTRIBUTES, second, None)
        withdrawn.deleted = True
        plan.links += [cited, uncited, withdrawn]

    def responses(self, count: int) -> None:
        rng, plan = self.rng, self.plan
        answered = [
            i
            for i, link in enumerate(plan.links)
            if link.published
            and not link.deleted
            and link.steps
            and link.steps[-1][0] in (LinkStatus.DENIED, LinkStatus.DISPUTED, LinkStatus.ENDED)
        ]
        public_orgs = [i for i, o in enumerate(plan.orgs) if o.published]
        channels = list(ResponseChannel)
        for n in range(count):
            link_index = answered[n] if n < min(3, len(answered)) else None
            if link_index is not None:
                link = plan.links[link_index]
                org = link.subject if link.object is None or rng.random() < 0.7 else link.object
            else:
                org = rng.choice(public_orgs)
            year = rng.randint(2019, 2024)
            text = REPLIES[n % len(REPLIES)].format(org=plan.orgs[org].name, year=year)
            received = TODAY - timedelta(days=rng.randint(20, 900))
            channel = channels[n % len(channels)]
            url = (
                f"https://example.com/statements/{self.public_id()}"
                if channel == ResponseChannel.STATEMENT
                else ""
            )
            plan.responses.append(
                ResponsePlan(self.public_id(), org, link_index, received, channel, text, url)
            )


def make_plan(seed=7, orgs=80, sites=150, links=250, sources=100, responses=5) -> Plan:
    if orgs < 8 or sources < 1:
        raise ValueError("The demo needs at least 8 organizations and 1 source.")
    return Planner(seed).make(orgs, sites, links, sources, responses)
