"""Fictional demo data: one invented drone program and the invented organizations around it.

Everything here is made up. Organization, site, product and publisher names are built from
invented syllables ("Korimo", "Vetashi"...) rendered in the script of the organization's country,
so the demo shows Turkish, German, Polish, Cyrillic, Greek, Arabic, Hebrew, Chinese, Japanese and
Korean names without naming anyone real (`AVOID` keeps out known names the syllables could
spell by accident).
Places are real cities with jitter (so the map looks plausible), but every site name and address
is invented and business-like. URLs are on example.org / example.com / example.net only.

The same seed gives the same data, public ids included: one `random.Random(seed)` draws a *plan*
(plain dataclasses), and one of two writers stores it.

- The service path (the default size) writes every object through `services`: duplicate check,
  validation, citations, publication, status changes with notes, responses. The demo therefore
  exercises the rules it shows.
- The bulk path (for benchmarks: thousands of organizations, 100,000 sites and links) stores the
  same plan, row for row, with `bulk_create_with_history`, so history rows still exist. Every
  object still runs `full_clean()` (field validation and the model's `clean()`), minus the checks
  that cost a query or a long scan per object: foreign keys (they point at rows just created),
  uniqueness (public ids are unique by construction, and the database enforces it), check
  constraints (enforced by the database too); fields with choices are checked once per distinct
  value (django-countries' check alone took a third of the load when run per object). Measured
  on a 2-core machine for 10,000 organizations, 100,000 sites and 100,000 links: about 120 s in
  all, of which validation 6 s, planning 8 s and writing history rows 52 s; so validation stays.
  Skipped on this path: the duplicate-organization check (quadratic; the plan's names are unique
  by construction). Status changes become the same `LinkStatusEvent` rows that
  `services.change_status` writes, and replies still go through the services.

Counts are of *public* records: `orgs=80` gives 80 public organizations. A few drafts (an
organization awaiting review, a site, a product and two links) and one soft-deleted link come on
top, so the difference between the public record and the editors' view is visible.

Every object the demo creates has a first history row whose reason is `MARK`; `remove_demo()`
deletes those objects, the rows that hang on them (citations, names, status events) and their
history, and nothing else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from anyascii import anyascii
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from unmask.record import services, visibility
from unmask.record.models import (
    Citation,
    DemoDataset,
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
)
from unmask.record.text import make_slug, name_key
from unmask.web.context_processors import DEMO_CACHE_KEY

MARK = "Fictional demo data"  # reason of every demo object's first history row
PROGRAM = "Talvik-9"
BULK_ABOVE = 1000  # organizations + sites + links above which the bulk path is used
BATCH = 2000
PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # as text.new_public_id
TODAY = date(2025, 6, 30)  # fixed, so the data does not depend on the day it is loaded

# --- invented names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """An invented name root: syllables (indexes into SYLLABLES) and an optional final."""

    syllables: tuple[int, ...]
    final: int

    def render(self, column: int) -> str:
        text = "".join(SYLLABLES[i][column] for i in self.syllables) + FINALS[self.final][column]
        return text[:1].upper() + text[1:] if column in (0, 1, 2) else text

    @property
    def latin(self) -> str:
        return self.render(0)

    def local(self, lang: str) -> str:
        """The root as the language writes it: in its script, or in Latin with its letters."""
        if lang in SCRIPT_COLUMN:
            return self.render(SCRIPT_COLUMN[lang])
        body = self.latin.lower()
        rest = body[1:]
        for old, new in TWEAKS.get(lang, ()):
            rest = rest.replace(old, new)
        return (body[:1] + rest).capitalize()


@dataclass(frozen=True)
class Country:
    code: str
    lang: str
    currency: str
    center: tuple[float, float]
    cities: tuple[tuple[str, float, float], ...]  # real cities: only their names and coordinates
    legal: tuple[tuple[str, str], ...]  # company legal forms: (local, in an English name)


# The tables below are data; they keep their hand-made layout.
# fmt: off

# Syllables of invented roots: Latin, Cyrillic, Greek, Hebrew, Arabic, Japanese, Chinese, Korean.
# Each Latin syllable has one vowel, so two different roots never spell the same word.
SYLLABLES = (
    ("ka", "ка", "κα", "קא", "كا", "カ", "卡", "카"),
    ("ko", "ко", "κο", "קו", "كو", "コ", "科", "코"),
    ("ri", "ри", "ρι", "רי", "ري", "リ", "里", "리"),
    ("ro", "ро", "ρο", "רו", "رو", "ロ", "罗", "로"),
    ("ve", "ве", "βε", "וה", "ڤي", "ヴェ", "维", "베"),
    ("va", "ва", "βα", "ווא", "ڤا", "ヴァ", "瓦", "바"),
    ("le", "ле", "λε", "לה", "لي", "レ", "勒", "레"),
    ("ta", "та", "τα", "טא", "تا", "タ", "塔", "타"),
    ("to", "то", "το", "טו", "تو", "ト", "托", "토"),
    ("ne", "не", "νε", "נה", "ني", "ネ", "内", "네"),
    ("mi", "ми", "μι", "מי", "مي", "ミ", "米", "미"),
    ("mo", "мо", "μο", "מו", "مو", "モ", "莫", "모"),
    ("sa", "са", "σα", "סא", "سا", "サ", "萨", "사"),
    ("da", "да", "ντα", "דא", "دا", "ダ", "达", "다"),
    ("zu", "зу", "ζου", "זו", "زو", "ズ", "祖", "주"),
    ("ga", "га", "γκα", "גא", "غا", "ガ", "加", "가"),
    ("shi", "ши", "σι", "שי", "شي", "シ", "希", "시"),
    ("lu", "лу", "λου", "לו", "لو", "ル", "卢", "루"),
    ("vi", "ви", "βι", "ווי", "ڤي", "ヴィ", "维", "비"),
    ("pe", "пе", "πε", "פה", "بي", "ペ", "佩", "페"),
    ("te", "те", "τε", "טה", "تي", "テ", "特", "테"),
)
FINALS = (
    ("", "", "", "", "", "", "", ""),
    ("x", "кс", "ξ", "קס", "كس", "クス", "克斯", "크스"),
    ("n", "н", "ν", "ן", "ن", "ン", "恩", "은"),
    ("r", "р", "ρ", "ר", "ر", "ル", "尔", "르"),
    ("l", "л", "λ", "ל", "ل", "ル", "尔", "르"),
    ("t", "т", "τ", "ט", "ت", "ト", "特", "트"),
)
SCRIPT_COLUMN = {"ru": 1, "bg": 1, "el": 2, "he": 3, "ar": 4, "ja": 5, "zh": 6, "ko": 7}
NATIVE_PRIMARY = {"ru", "bg", "el", "zh", "ja", "ko"}  # the name is in local script, not Latin
# Local spelling of the Latin root, so names carry the language's letters (ş, ğ, ü, ł, ř, ö...).
TWEAKS = {
    "tr": (("shi", "şı"), ("ga", "ğa"), ("lu", "lü")),
    "de": (("zu", "zü"), ("lu", "lü"), ("shi", "schi")),
    "pl": (("le", "łe"), ("lu", "łu"), ("shi", "szy"), ("zu", "żu")),
    "cs": (("ri", "ři"), ("shi", "ši")),
    "sv": (("ko", "kö"), ("mo", "mö")),
    "fr": (("ne", "né"),),
    "es": (("na", "ña"), ("ri", "rí")),
    "pt": (("sa", "sã"),),
}
# Known names (and a few unfortunate words) the syllables could spell by accident. A root that
# contains one is drawn again.
AVOID = (
    "shit", "kaka",
    "sako", "tata", "vega", "luna", "nato", "kato", "koda", "nami", "lada", "zala", "kamaz",
    "mazda", "toyota", "sanyo", "ricoh", "saab", "rotax", "baykar", "aselsan", "roketsan",
    "havelsan", "tusas", "elbit", "rafael", "thales", "safran", "leonardo", "hensoldt",
    "rheinmetall", "diehl", "kongsberg", "hanwha", "norinco", "shahed", "limbach", "kalashnikov",
    "zenit", "orion", "almaz", "irkut", "kamov", "sukhoi", "tupolev", "mitsubishi", "kawasaki",
    "toshiba", "samsung", "hitachi", "denso", "murata", "kyocera", "garmin", "moog", "textron",
    "embraer", "airbus", "boeing", "siemens", "bosch", "zeiss", "tesla", "sony", "canon",
)

COUNTRIES = (
    Country("TR", "tr", "TRY", (39.0, 35.2),
            (("Ankara", 39.93, 32.86), ("İzmir", 38.42, 27.14), ("Eskişehir", 39.78, 30.52)),
            (("A.Ş.", "Inc."), ("Ltd. Şti.", "Ltd."))),
    Country("DE", "de", "EUR", (51.2, 10.4),
            (("Stuttgart", 48.78, 9.18), ("München", 48.14, 11.58), ("Bremen", 53.08, 8.80)),
            (("GmbH", "GmbH"), ("AG", "AG"), ("GmbH & Co. KG", "KG"))),
    Country("PL", "pl", "PLN", (52.0, 19.4),
            (("Rzeszów", 50.04, 22.00), ("Łódź", 51.76, 19.46), ("Wrocław", 51.11, 17.03)),
            (("Sp. z o.o.", "Ltd."), ("S.A.", "S.A."))),
    Country("CZ", "cs", "CZK", (49.8, 15.5),
            (("Brno", 49.20, 16.61), ("Plzeň", 49.74, 13.38)),
            (("s.r.o.", "Ltd."), ("a.s.", "JSC"))),
    Country("FR", "fr", "EUR", (46.6, 2.4),
            (("Toulouse", 43.60, 1.44), ("Bordeaux", 44.84, -0.58)),
            (("SAS", "SAS"), ("SA", "SA"))),
    Country("IT", "it", "EUR", (42.8, 12.5),
            (("Torino", 45.07, 7.69), ("Varese", 45.82, 8.83)),
            (("S.p.A.", "S.p.A."), ("S.r.l.", "S.r.l."))),
    Country("ES", "es", "EUR", (40.2, -3.6),
            (("Sevilla", 37.39, -5.98), ("Getafe", 40.31, -3.73)),
            (("S.L.", "S.L."), ("S.A.", "S.A."))),
    Country("SE", "sv", "SEK", (59.5, 15.0),
            (("Linköping", 58.41, 15.62), ("Göteborg", 57.71, 11.97)),
            (("AB", "AB"),)),
    Country("GB", "en", "GBP", (53.0, -1.5),
            (("Bristol", 51.45, -2.59), ("Derby", 52.92, -1.48)),
            (("Ltd", "Ltd"), ("plc", "plc"))),
    Country("US", "en", "USD", (39.8, -98.6),
            (("Wichita", 37.69, -97.34), ("Huntsville", 34.73, -86.59),
             ("San Diego", 32.72, -117.16)),
            (("Inc.", "Inc."), ("LLC", "LLC"))),
    Country("IN", "en", "INR", (22.0, 79.0),
            (("Bengaluru", 12.97, 77.59), ("Hyderabad", 17.39, 78.49)),
            (("Pvt. Ltd.", "Pvt. Ltd."),)),
    Country("ZA", "en", "ZAR", (-29.0, 25.1),
            (("Pretoria", -25.75, 28.19), ("Cape Town", -33.92, 18.42)),
            (("(Pty) Ltd", "(Pty) Ltd"),)),
    Country("BR", "pt", "BRL", (-10.8, -52.9),
            (("São José dos Campos", -23.18, -45.89), ("Curitiba", -25.43, -49.27)),
            (("Ltda.", "Ltda."), ("S.A.", "S.A."))),
    Country("RU", "ru", "RUB", (55.5, 45.0),
            (("Казань", 55.79, 49.12), ("Екатеринбург", 56.84, 60.61)),
            (("АО", "JSC"), ("ООО", "LLC"))),
    Country("BG", "bg", "BGN", (42.7, 25.5),
            (("Пловдив", 42.14, 24.75), ("София", 42.70, 23.32)),
            (("ЕООД", "Ltd."), ("АД", "JSC"))),
    Country("GR", "el", "EUR", (39.1, 22.0),
            (("Αθήνα", 37.98, 23.73), ("Θεσσαλονίκη", 40.64, 22.94)),
            (("Α.Ε.", "S.A."), ("Ε.Π.Ε.", "Ltd."))),
    Country("AE", "ar", "AED", (23.9, 54.2),
            (("Abu Dhabi", 24.45, 54.38), ("Dubai", 25.20, 55.27)),
            (("ذ.م.م", "LLC"),)),
    Country("EG", "ar", "EGP", (26.8, 30.8),
            (("القاهرة", 30.04, 31.24), ("الإسكندرية", 31.20, 29.92)),
            (("ش.م.م", "S.A.E."),)),
    Country("IL", "he", "ILS", (31.4, 35.0),
            (("חיפה", 32.79, 34.99), ("תל אביב", 32.08, 34.78)),
            (("בע״מ", "Ltd."),)),
    Country("CN", "zh", "CNY", (35.0, 103.0),
            (("西安", 34.34, 108.94), ("成都", 30.57, 104.07), ("深圳", 22.54, 114.06)),
            (("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."))),
    Country("JP", "ja", "JPY", (36.2, 138.3),
            (("名古屋", 35.18, 136.91), ("横浜", 35.44, 139.64)),
            (("株式会社", "Co., Ltd."),)),
    Country("KR", "ko", "KRW", (36.4, 127.9),
            (("창원", 35.23, 128.68), ("대전", 36.35, 127.38)),
            (("주식회사", "Co., Ltd."),)),
)

COMPANY, INSTITUTE, FINANCIAL = "company", "institute", "financial"
UNIT, FAIR, PUBLIC_BODY = "military_unit", "trade_fair", "public_body"

# Name patterns by organization kind and language: (local pattern, English pattern). "{root}" is
# the invented root in the local script or spelling (in Latin in the English pattern).
COMPANY_NAMES = {
    "en": [(p, None) for p in (
        "{root} Aerosystems", "{root} Precision Castings", "{root} Composite Structures",
        "{root} Avionics", "{root} Propulsion", "{root} Microwave Devices",
        "{root} Advanced Materials", "{root} Flight Controls", "{root} Power Systems",
    )],
    "de": [("{root} Präzisionsteile", "{root} Precision Parts"),
           ("{root} Antriebstechnik", "{root} Propulsion Technology"),
           ("{root} Leichtmetallgießerei", "{root} Light Alloy Foundry"),
           ("{root} Flugsystemtechnik", "{root} Flight Systems"),
           ("{root} Prüftechnik", "{root} Test Engineering")],
    "tr": [("{root} Havacılık", "{root} Aviation"),
           ("{root} Savunma Sanayi", "{root} Defence Industries"),
           ("{root} Ağır Sanayi", "{root} Heavy Industries"),
           ("{root} Soğutma Sistemleri", "{root} Cooling Systems"),
           ("{root} Mühendislik", "{root} Engineering"),
           ("{root} Hassas Döküm", "{root} Precision Casting")],
    "pl": [("Zakłady Mechaniczne {root}", "{root} Mechanical Works"),
           ("{root} Elektronika", "{root} Electronics"),
           ("Zakład Źródeł Zasilania {root}", "{root} Power Sources"),
           ("{root} Technologie Lotnicze", "{root} Aviation Technologies"),
           ("Przedsiębiorstwo Kompozytów {root}", "{root} Composites")],
    "cs": [("{root} Strojírny", "{root} Engineering Works"),
           ("{root} Letecké součásti", "{root} Aircraft Parts"),
           ("{root} Přesné obrábění", "{root} Precision Machining")],
    "fr": [("{root} Aéronautique", "{root} Aeronautics"),
           ("{root} Électronique de Défense", "{root} Defence Electronics"),
           ("{root} Systèmes Embarqués", "{root} Embedded Systems"),
           ("Mécanique de Précision {root}", "{root} Precision Engineering")],
    "it": [("{root} Meccanica di Precisione", "{root} Precision Engineering"),
           ("{root} Elettronica", "{root} Electronics"),
           ("{root} Compositi Avanzati", "{root} Advanced Composites")],
    "es": [("{root} Ingeniería Aeronáutica", "{root} Aeronautical Engineering"),
           ("{root} Electrónica", "{root} Electronics"),
           ("{root} Materiales Compuestos", "{root} Composites")],
    "sv": [("{root} Flygteknik", "{root} Aviation Technology"),
           ("{root} Försvarselektronik", "{root} Defence Electronics"),
           ("{root} Precisionsmekanik", "{root} Precision Mechanics")],
    "pt": [("{root} Aeronáutica", "{root} Aeronautics"),
           ("{root} Eletrônica", "{root} Electronics"),
           ("{root} Usinagem de Precisão", "{root} Precision Machining")],
    "ru": [("{root}-Авиасистемы", "{root} Aviation Systems"),
           ("{root}-Приборостроение", "{root} Instrument Works"),
           ("{root}-Композит", "{root} Composite"),
           ("{root}-Двигатель", "{root} Engines")],
    "bg": [("{root} Прецизна механика", "{root} Precision Engineering"),
           ("{root} Електроника", "{root} Electronics"),
           ("{root} Авиационни системи", "{root} Aviation Systems")],
    "el": [("{root} Αεροναυπηγική", "{root} Aeronautics"),
           ("{root} Ηλεκτρονικά Συστήματα", "{root} Electronic Systems"),
           ("{root} Μηχανουργική", "{root} Engineering")],
    "ar": [("{root} للصناعات المتقدمة", "{root} Advanced Industries"),
           ("{root} للأنظمة الإلكترونية", "{root} Electronic Systems"),
           ("{root} للصناعات الهندسية", "{root} Engineering Industries")],
    "he": [("{root} מערכות", "{root} Systems"),
           ("{root} אלקטרו-אופטיקה", "{root} Electro-Optics"),
           ("{root} תעשיות", "{root} Industries")],
    "zh": [("{root}航空科技", "{root} Aviation Technology"),
           ("{root}精密机械", "{root} Precision Machinery"),
           ("{root}电子", "{root} Electronics"),
           ("{root}新材料", "{root} New Materials")],
    "ja": [("{root}航空工業", "{root} Aero Industries"),
           ("{root}精機", "{root} Precision Instruments"),
           ("{root}電子", "{root} Electronics")],
    "ko": [("{root}항공", "{root} Aerospace"),
           ("{root}정밀", "{root} Precision"),
           ("{root}전자", "{root} Electronics")],
}
OTHER_NAMES = {
    INSTITUTE: {
        "en": [("{root} Institute of Aerodynamics", None), ("{root} Technical University", None),
               ("{root} Centre for Autonomous Systems", None)],
        "de": [("Institut für Flugmechanik {root}", "{root} Institute of Flight Mechanics")],
        "tr": [("{root} Teknik Üniversitesi", "{root} Technical University")],
        "pl": [("Politechnika {root}", "{root} University of Technology")],
        "ru": [("НИИ «{root}»", "{root} Research Institute")],
        "zh": [("{root}航空研究院", "{root} Aeronautics Research Institute")],
        "ja": [("{root}工業大学", "{root} Institute of Technology")],
    },
    FINANCIAL: {
        "en": [("{root} Capital Partners", None), ("{root} Defence Growth Fund", None),
               ("{root} Merchant Bank", None), ("{root} Aviation Insurance", None)],
        "de": [("{root} Versicherung AG", "{root} Insurance"),
               ("{root} Beteiligungsgesellschaft mbH", "{root} Holdings")],
        "tr": [("{root} Sigorta A.Ş.", "{root} Insurance"),
               ("{root} Yatırım Bankası", "{root} Investment Bank")],
        "fr": [("{root} Assurances", "{root} Insurance"), ("Banque {root}", "{root} Bank")],
        "zh": [("{root}投资基金", "{root} Investment Fund")],
        "ar": [("صندوق {root} للاستثمار", "{root} Investment Fund")],
    },
    PUBLIC_BODY: {
        "en": [("{root} Defence Procurement Office", None),
               ("{root} Agency for Unmanned Systems", None)],
        "de": [("Beschaffungsamt {root}", "{root} Procurement Office")],
        "tr": [("{root} Savunma Tedarik Başkanlığı", "{root} Defence Procurement Directorate")],
        "ru": [("Управление закупок «{root}»", "{root} Procurement Directorate")],
        "el": [("Διεύθυνση Προμηθειών {root}", "{root} Procurement Directorate")],
    },
    UNIT: {
        "en": [("{root} Unmanned Aviation Wing", None), ("{root} Drone Test Squadron", None),
               ("{root} Aerial Reconnaissance Group", None)],
        "de": [("Drohnengeschwader {root}", "{root} Drone Wing")],
        "tr": [("{root} İnsansız Hava Aracı Filosu", "{root} UAV Squadron")],
        "ru": [("Авиаотряд БПЛА «{root}»", "{root} UAV Detachment")],
        "he": [("טייסת {root}", "{root} Squadron")],
    },
    FAIR: {
        "en": [("{root} Unmanned Systems Expo", None), ("{root} Defence & Aerospace Fair", None)],
        "de": [("{root} Luftfahrtmesse", "{root} Aviation Fair")],
        "tr": [("{root} Savunma Fuarı", "{root} Defence Fair")],
        "pl": [("Międzynarodowe Targi {root}", "{root} International Fair")],
        "ar": [("معرض {root} للدفاع", "{root} Defence Exhibition")],
        "zh": [("{root}国际航空展", "{root} International Air Show")],
    },
}
KIND_WEIGHTS = {COMPANY: 70, INSTITUTE: 8, FINANCIAL: 9, PUBLIC_BODY: 4, UNIT: 5, FAIR: 4}

# --- products: the program's part_of tree (key, parent key, kind, name) --------------------------

P = ProductKind
PRODUCTS = (
    ("program", None, P.PROGRAM, f"{PROGRAM} strike drone program"),
    ("p_a", "program", P.PLATFORM, f"{PROGRAM}A long-range strike drone"),
    ("p_b", "program", P.PLATFORM, f"{PROGRAM}B loitering munition"),
    ("p_r", "program", P.PLATFORM, f"{PROGRAM}R reconnaissance drone"),
    ("training", "program", P.SERVICE, f"{PROGRAM} operator training"),
    ("engine", "p_a", P.ENGINE, "TV-240 two-stroke piston engine"),
    ("motor", "p_b", P.ENGINE, "TV-60 electric motor"),
    ("fcu", "p_a", P.ELECTRONICS, "Talvik flight control unit"),
    ("airframe", "p_a", P.COMPONENT, f"{PROGRAM}A airframe"),
    ("datalink", "p_a", P.ELECTRONICS, "Talvik line-of-sight datalink"),
    ("software", "p_a", P.SOFTWARE, "Talvik mission planning software"),
    ("warhead", "p_b", P.MUNITION, f"{PROGRAM}B warhead section"),
    ("gimbal", "p_r", P.ELECTRONICS, "Talvik EO/IR sensor gimbal"),
    ("cylinder", "engine", P.COMPONENT, "TV-240 cylinder head"),
    ("pump", "engine", P.COMPONENT, "TV-240 fuel injection pump"),
    ("ignition", "engine", P.ELECTRONICS, "TV-240 ignition control module"),
    ("cells", "motor", P.COMPONENT, "Lithium-polymer cell pack"),
    ("imu", "fcu", P.ELECTRONICS, "MEMS inertial measurement unit"),
    ("gnss", "fcu", P.ELECTRONICS, "GNSS receiver module"),
    ("fpga", "fcu", P.ELECTRONICS, "FPGA processing board"),
    ("spar", "airframe", P.COMPONENT, "Carbon-fibre wing spar"),
    ("servo", "airframe", P.COMPONENT, "Servo actuator"),
    ("propeller", "airframe", P.COMPONENT, "Composite propeller"),
    ("amplifier", "datalink", P.ELECTRONICS, "RF power amplifier"),
    ("thermal", "gimbal", P.ELECTRONICS, "Thermal camera core"),
    ("aluminium", "cylinder", P.MATERIAL, "Aluminium alloy plate (7075)"),
    ("titanium", "pump", P.MATERIAL, "Titanium alloy bar"),
    ("lithium", "cells", P.MATERIAL, "Battery-grade lithium carbonate"),
    ("silicon", "fpga", P.MATERIAL, "Silicon wafers"),
    ("prepreg", "spar", P.MATERIAL, "Carbon-fibre prepreg"),
    ("magnets", "servo", P.MATERIAL, "Neodymium magnet blanks"),
    ("epoxy", "propeller", P.MATERIAL, "Epoxy resin system"),
    ("gan", "amplifier", P.MATERIAL, "Gallium nitride wafers"),
    ("germanium", "thermal", P.MATERIAL, "Germanium lens blanks"),
)
# What a product's maker does for the maker of the product it is part of.
TREE_RELATION = {
    P.MATERIAL: Relation.SUPPLIES_MATERIAL,
    P.SOFTWARE: Relation.LICENSES_TECHNOLOGY,
    P.PLATFORM: Relation.INTEGRATES,
    P.SERVICE: Relation.SERVICES,
}

# --- links: who can be subject and object of each relation, and what product it concerns ---------

PARTS = (P.COMPONENT, P.ELECTRONICS, P.ENGINE)
RELATION_SHAPES = {  # relation: (subject kinds, object kinds or None, product kinds or None)
    Relation.SUPPLIES_COMPONENT: ((COMPANY,), (COMPANY,), PARTS),
    Relation.SUPPLIES_MATERIAL: ((COMPANY,), (COMPANY,), (P.MATERIAL,)),
    Relation.LICENSES_TECHNOLOGY: ((COMPANY, INSTITUTE), (COMPANY,), (P.SOFTWARE, P.ELECTRONICS)),
    Relation.MANUFACTURES: ((COMPANY,), None, (*PARTS, P.MATERIAL, P.MUNITION)),
    Relation.INTEGRATES: ((COMPANY,), (COMPANY,), (P.PLATFORM, P.ENGINE)),
    Relation.SERVICES: ((COMPANY,), (UNIT,), (P.PLATFORM,)),
    Relation.OWNS: ((FINANCIAL, COMPANY), (COMPANY,), None),
    Relation.FINANCES: ((FINANCIAL,), (COMPANY,), None),
    Relation.INSURES: ((FINANCIAL,), (COMPANY,), None),
    Relation.RESEARCH_PARTNER: ((INSTITUTE,), (COMPANY,), PARTS),
    Relation.DISTRIBUTES: ((COMPANY,), (COMPANY,), PARTS),
    Relation.EXHIBITS_AT: ((COMPANY,), (FAIR,), (P.PLATFORM,)),
    Relation.OPERATES: ((UNIT,), None, (P.PLATFORM,)),
}
RELATION_WEIGHTS = {
    Relation.SUPPLIES_COMPONENT: 30, Relation.SUPPLIES_MATERIAL: 12, Relation.MANUFACTURES: 8,
    Relation.LICENSES_TECHNOLOGY: 5, Relation.INTEGRATES: 4, Relation.SERVICES: 4,
    Relation.OWNS: 9, Relation.FINANCES: 6, Relation.INSURES: 4, Relation.RESEARCH_PARTNER: 5,
    Relation.DISTRIBUTES: 6, Relation.EXHIBITS_AT: 5, Relation.OPERATES: 2,
}
STATUSES = list(LinkStatus)
STATUS_WEIGHTS = {
    LinkStatus.REPORTED: 35, LinkStatus.CONFIRMED: 35, LinkStatus.DISPUTED: 10,
    LinkStatus.DENIED: 8, LinkStatus.ENDED: 12,
}
STATUS_NOTES = {
    LinkStatus.CONFIRMED: "Confirmed by a second, independent source.",
    LinkStatus.DISPUTED: "The company disputes the delivery dates; both accounts are shown.",
    LinkStatus.DENIED: "The company denies the relationship in writing.",
    LinkStatus.ENDED: "The contract ran out, according to the annual report.",
}

# --- sites ---------------------------------------------------------------------------------------

R = SiteRole
ROLES_BY_KIND = {
    COMPANY: (R.FACTORY, R.FACTORY, R.RESEARCH, R.OFFICE, R.WAREHOUSE, R.TEST_RANGE, R.PORT),
    INSTITUTE: (R.RESEARCH, R.TEST_RANGE, R.OFFICE),
    FINANCIAL: (R.OFFICE,),
    PUBLIC_BODY: (R.OFFICE,),
    UNIT: (R.BASE, R.TEST_RANGE),
    FAIR: (R.OTHER,),
}
SITE_LABELS = {
    R.HEADQUARTERS: "Head Office", R.FACTORY: "Plant", R.RESEARCH: "R&D Centre",
    R.OFFICE: "Liaison Office", R.WAREHOUSE: "Logistics Centre", R.TEST_RANGE: "Flight Test Range",
    R.PORT: "Airfield Hangar", R.BASE: "Air Base", R.OTHER: "Exhibition Grounds",
}
ADDRESSES = {  # invented business parks: "{park}" is an invented root
    "en": "Unit {n}, {park} Technology Park",
    "de": "Gewerbepark {park}, Halle {n}",
    "tr": "{park} Organize Sanayi Bölgesi, {n}. Cadde",
    "pl": "Strefa Przemysłowa {park}, hala {n}",
    "cs": "Průmyslová zóna {park}, hala {n}",
    "fr": "Zone d’activités {park}, bâtiment {n}",
    "it": "Zona industriale {park}, capannone {n}",
    "es": "Polígono Industrial {park}, nave {n}",
    "sv": "{park} industriområde, hus {n}",
    "pt": "Distrito Industrial {park}, galpão {n}",
    "ru": "Промзона «{park}», корпус {n}",
    "bg": "Индустриална зона {park}, сграда {n}",
    "el": "Βιομηχανική Περιοχή {park}, κτίριο {n}",
    "ar": "المنطقة الصناعية {park}، مبنى {n}",
    "he": "פארק התעשייה {park}, מבנה {n}",
    "zh": "{park}工业园{n}号楼",
    "ja": "{park}工業団地{n}号棟",
    "ko": "{park}산업단지 {n}동",
}
PRECISIONS = (  # precision, weight, jitter in degrees (None: the country's centre), decimals kept
    (Precision.EXACT, 20, 0.08, 5),
    (Precision.STREET, 30, 0.08, 4),
    (Precision.CITY, 35, 0.0, 2),
    (Precision.REGION, 10, 0.5, 1),
    (Precision.COUNTRY, 5, None, 1),
)

# --- sources and replies -------------------------------------------------------------------------

REPLIES = (
    "We reject this claim. {org} has never supplied parts for any military drone program.",
    "The components in question were sold to a civilian distributor in {year}; we have no control "
    "over their later use.",
    "Our contract with the buyer ended in {year}. Nothing has been delivered since.",
    "We are reviewing the report and will comment once our internal audit is finished.",
    "The shareholding mentioned was sold in {year}. We hold no stake any more.",
)
DESCRIPTION = (
    "*Fictional demo organization.* An invented {kind} in the supply chain of the invented "
    "{program} drone program. It does not exist; any likeness to a real organization is "
    "accidental."
)
# The description in every other language the site offers, as the demo's translations (an
# organization's name is never translated). {kind} is the kind's label in that language.
DESCRIPTION_TEXTS = {
    "ku": "*Rêxistineke xeyalî ya demoyê.* Rêxistineke çêkirî ({kind}) di zincîra peydakirinê ya "
    "bernameya dronan a {program} de, ku ew jî çêkirî ye. Ew tune ye; her wekheviyeke bi "
    "rêxistineke rastîn re tenê tesadufek e.",
    "ckb": "*ڕێکخراوێکی خەیاڵیی نموونەیی.* ڕێکخراوێکی دروستکراو ({kind}) لە زنجیرەی دابینکردنی "
    "پرۆگرامی درۆنی {program}، کە ئەویش دروستکراوە. لە ڕاستیدا بوونی نییە؛ هەر لێکچوونێک "
    "لەگەڵ ڕێکخراوێکی ڕاستەقینە تەنیا ڕێکەوتە.",
    "tr": "*Kurgusal demo kuruluşu.* Uydurma bir kuruluş ({kind}); yine uydurma olan {program} İHA "
    "programının tedarik zincirinde yer alıyor. Gerçekte yoktur; gerçek bir kuruluşla "
    "benzerliği tamamen tesadüftür.",
    "ar": "*منظمة وهمية للعرض التجريبي.* جهة مختلَقة ({kind}) في سلسلة توريد برنامج الطائرات "
    "المسيّرة {program}، المختلَق هو الآخر. لا وجود لها في الواقع، وأي تشابه مع منظمة حقيقية "
    "محض مصادفة.",
    "de": "*Fiktive Demo-Organisation.* Frei erfunden ({kind}), Teil der Lieferkette des ebenso "
    "erfundenen Drohnenprogramms {program}. Es gibt sie nicht; Ähnlichkeiten mit real "
    "existierenden Organisationen sind zufällig.",
    "fr": "*Organisation fictive de démonstration.* Inventée de toutes pièces ({kind}), elle fait "
    "partie de la chaîne d’approvisionnement du programme de drones {program}, tout aussi "
    "inventé. Elle n’existe pas ; toute ressemblance avec une organisation réelle serait "
    "fortuite.",
    "es": "*Organización ficticia de demostración.* Inventada ({kind}), forma parte de la cadena de "
    "suministro del programa de drones {program}, también inventado. No existe; cualquier "
    "parecido con una organización real es pura coincidencia.",
    "it": "*Organizzazione fittizia dimostrativa.* Inventata ({kind}), fa parte della catena di "
    "fornitura del programma di droni {program}, anch’esso inventato. Non esiste; ogni "
    "somiglianza con organizzazioni reali è puramente casuale.",
}


def description_texts(org: Organization) -> list[OrganizationText]:
    """The demo organization's description in every other language the site offers."""
    out = []
    for code, _name in settings.LANGUAGES:
        if code in DESCRIPTION_TEXTS and code != org.description_language:
            with translation.override(code):
                kind = str(OrganizationKind(org.kind).label)
            text = DESCRIPTION_TEXTS[code].format(kind=kind, program=PROGRAM)
            out.append(OrganizationText(organization=org, language=code, description=text))
    return out

# fmt: on


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
            body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(12))
            identifiers.append((IdentifierScheme.LEI, f"DEMO00{body}{rng.randrange(10, 100)}"))
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
            summary = f"{subject_org.name} {label} the {product_name}."
        else:
            summary = f"{subject_org.name} {label} {object_org.name}"
            summary += f" ({product_name})." if product_name else "."
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


# --- loading -------------------------------------------------------------------------------------


def uses_bulk(orgs: int, sites: int, links: int) -> bool:
    return orgs + sites + links > BULK_ABOVE


def load_demo(
    seed=7, orgs=80, sites=150, links=250, sources=100, responses=5, actor=None, bulk=None
) -> dict[str, int]:
    """Load the fictional demo record; return how many rows of each kind were created.

    `bulk=None` picks the path by size (see `uses_bulk`). Refuses to load twice.
    """
    if DemoDataset.objects.exists():
        raise ValueError("The demo data is already loaded; remove it first.")
    plan = make_plan(seed, orgs, sites, links, sources, responses)
    if bulk is None:
        bulk = uses_bulk(orgs, sites, links)
    with transaction.atomic():
        if bulk:
            _write_in_bulk(plan, actor)
            visibility.refresh_search_text()  # what save() and the services keep up to date
            visibility.refresh_all()
        else:
            _write_with_services(plan, actor)
        DemoDataset.objects.create(seed=seed, organizations=len(plan.orgs))
    cache.delete(DEMO_CACHE_KEY)
    return plan.counts()


def _write_with_services(plan: Plan, actor) -> None:
    sources = [
        services.create_source(
            actor=actor,
            reason=MARK,
            public_id=s.public_id,
            title=s.title,
            publisher=s.publisher,
            url=s.url,
            kind=s.kind,
            published_on=s.published_on,
            language=s.language,
            archive_url=s.archive_url,
            retrieved_on=s.retrieved_on,
        )
        for s in plan.sources
    ]

    def cite_and_publish(obj, item) -> None:
        for c in item.citations:
            services.add_citation(
                obj,
                sources[c.source],
                actor=actor,
                reason=MARK,
                public_id=c.public_id,
                quote=c.quote,
                locator=c.locator,
            )
        if item.published:
            services.publish(obj, actor=actor)

    orgs = []
    for p in plan.orgs:
        org = services.create_organization(
            actor=actor,
            reason=MARK,
            identifiers=p.identifiers,
            public_id=p.public_id,
            name=p.name,
            kind=p.kind,
            country=p.country.code,
            description=DESCRIPTION.format(
                kind=OrganizationKind(p.kind).label.lower(), program=PROGRAM
            ),
        )
        for name, kind, language in p.names:  # create_organization's names carry no language
            alias = OrganizationName(organization=org, name=name, kind=kind, language=language)
            services.save_record(alias, actor=actor, reason=MARK)
        for text in description_texts(org):
            services.save_record(text, actor=actor, reason=MARK)
        cite_and_publish(org, p)
        orgs.append(org)
    products: list[Product] = []
    for p in plan.products:
        product = _product(p, orgs, products)
        services.save_record(product, actor=actor, reason=MARK)
        cite_and_publish(product, p)
        products.append(product)
    for p in plan.sites:
        site = _site(p, orgs)
        services.save_record(site, actor=actor, reason=MARK)
        cite_and_publish(site, p)
    links = []
    for p in plan.links:
        link = services.create_link(actor=actor, reason=MARK, **_link_fields(p, orgs, products))
        for status, effective, note in p.steps:
            services.change_status(link, status, note=note, effective=effective, actor=actor)
        cite_and_publish(link, p)
        if p.deleted:
            services.soft_delete(link, actor=actor, reason="Withdrawn: the source was misread.")
        links.append(link)
    for p in plan.responses:
        response = services.record_response(
            actor=actor, reason=MARK, **_response_fields(p, orgs, links)
        )
        services.publish_response(response, actor=actor)


def _product(p: ProductPlan, orgs, products) -> Product:
    return Product(
        public_id=p.public_id,
        name=p.name,
        kind=p.kind,
        maker=orgs[p.maker] if p.maker is not None else None,
        part_of=products[p.part_of] if p.part_of is not None else None,
        description=f"*Fictional demo product* of the invented {PROGRAM} program.",
    )


def _site(p: SitePlan, orgs) -> Site:
    return Site(
        public_id=p.public_id,
        organization=orgs[p.org],
        name=p.name,
        role=p.role,
        address=p.address,
        city=p.city,
        country=p.country,
        latitude=p.latitude,
        longitude=p.longitude,
        precision=p.precision,
    )


def _link_fields(p: LinkPlan, orgs, products) -> dict:
    return {
        "public_id": p.public_id,
        "subject": orgs[p.subject],
        "relation": p.relation,
        "object": orgs[p.object] if p.object is not None else None,
        "product": products[p.product] if p.product is not None else None,
        "start": p.start,
        "end": p.end,
        "share": p.share,
        "amount": p.amount,
        "currency": p.currency,
        "summary": p.summary,
    }


def _response_fields(p: ResponsePlan, orgs, links) -> dict:
    return {
        "public_id": p.public_id,
        "organization": orgs[p.org],
        "link": links[p.link] if p.link is not None else None,
        "received_on": p.received_on,
        "channel": p.channel,
        "text": p.text,
        "url": p.url,
    }


# --- the bulk path -------------------------------------------------------------------------------


def _validate(model: type[models.Model], objs: list) -> None:
    """What `full_clean()` checks, without the per-object queries (see the module docstring).
    A field with choices is checked once per distinct value: checking a country code against the
    list of countries object by object would take a third of the bulk load."""
    fields = [f for f in model._meta.fields if f.choices and not f.is_relation]
    for f in fields:
        for value in {obj.__dict__[f.attname] for obj in objs}:
            if not (f.blank and value in f.empty_values):
                f.clean(value, objs[0])
    exclude = {f.name for f in model._meta.fields if f.is_relation} | {f.name for f in fields}
    for obj in objs:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _bulk(model: type[models.Model], objs: list) -> list:
    """Validate, insert in batches and, for models with history, write their history rows."""
    for obj in objs:
        if hasattr(obj, "set_derived"):
            obj.set_derived()  # slug, name keys, normalized identifiers: what save() would set
    _validate(model, objs)
    if not hasattr(model, "history"):
        return model.objects.bulk_create(objs, batch_size=BATCH)
    return bulk_create_with_history(objs, model, batch_size=BATCH, default_change_reason=MARK)


def _citations(pairs, sources) -> list[Citation]:
    """Citation objects for (saved object, plan item) pairs."""
    return [
        Citation(
            public_id=c.public_id,
            source=sources[c.source],
            quote=c.quote,
            locator=c.locator,
            **{obj.citation_field: obj},
        )
        for obj, item in pairs
        for c in item.citations
    ]


def _write_in_bulk(plan: Plan, actor) -> None:
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None

    def published(obj, item):
        if item.published:
            obj.published_at, obj.published_by = now, user
        return obj

    sources = _bulk(
        Source,
        [
            Source(
                public_id=s.public_id,
                title=s.title,
                publisher=s.publisher,
                url=s.url,
                kind=s.kind,
                published_on=s.published_on,
                language=s.language,
                archive_url=s.archive_url,
                retrieved_on=s.retrieved_on,
            )
            for s in plan.sources
        ],
    )
    orgs = []
    for p in plan.orgs:
        org = Organization(
            public_id=p.public_id,
            name=p.name,
            kind=p.kind,
            country=p.country.code,
            description=DESCRIPTION.format(
                kind=OrganizationKind(p.kind).label.lower(), program=PROGRAM
            ),
        )
        orgs.append(published(org, p))
    orgs = _bulk(Organization, orgs)
    _bulk(OrganizationText, [text for org in orgs for text in description_texts(org)])
    _bulk(
        OrganizationName,
        [
            OrganizationName(organization=org, name=name, kind=kind, language=language)
            for org, p in zip(orgs, plan.orgs, strict=True)
            for name, kind, language in p.names
        ],
    )
    _bulk(
        Identifier,
        [
            Identifier(organization=org, scheme=scheme, value=value)
            for org, p in zip(orgs, plan.orgs, strict=True)
            for scheme, value in p.identifiers
        ],
    )
    _bulk(Citation, _citations(zip(orgs, plan.orgs, strict=True), sources))

    products: dict[int, Product] = {}
    for depth in sorted({p.depth for p in plan.products}):  # parents before their parts
        tier = [(i, p) for i, p in enumerate(plan.products) if p.depth == depth]
        objs = []
        for i, p in tier:
            product = _product(p, orgs, products)
            products[i] = published(product, p)
            objs.append(products[i])
        _bulk(Product, objs)
        _bulk(Citation, _citations([(products[i], p) for i, p in tier], sources))

    for start in range(0, len(plan.sites), 10 * BATCH):
        chunk = plan.sites[start : start + 10 * BATCH]
        sites = _bulk(Site, [published(_site(p, orgs), p) for p in chunk])
        _bulk(Citation, _citations(zip(sites, chunk, strict=True), sources))

    for start in range(0, len(plan.links), 10 * BATCH):
        chunk = plan.links[start : start + 10 * BATCH]
        objs = []
        for p in chunk:
            link = published(Link(**_link_fields(p, orgs, products)), p)
            link.status = p.steps[-1][0] if p.steps else LinkStatus.REPORTED
            if p.deleted:
                link.deleted_at = now
            objs.append(link)
        links = _bulk(Link, objs)
        _bulk(Citation, _citations(zip(links, chunk, strict=True), sources))
        events = []
        for link, p in zip(links, chunk, strict=True):
            events.append(
                LinkStatusEvent(
                    link=link,
                    old_status="",
                    new_status=LinkStatus.REPORTED,
                    effective=p.start,
                    note=MARK,
                    created_by=user,
                )
            )
            old = LinkStatus.REPORTED
            for status, effective, note in p.steps:
                events.append(
                    LinkStatusEvent(
                        link=link,
                        old_status=old,
                        new_status=status,
                        effective=effective,
                        note=note,
                        created_by=user,
                    )
                )
                old = status
        _bulk(LinkStatusEvent, events)

    # A handful of replies: through the services, as on the small path.
    answered = {
        p.link: Link.objects.get(public_id=plan.links[p.link].public_id)
        for p in plan.responses
        if p.link is not None
    }
    for p in plan.responses:
        response = services.record_response(
            actor=actor, reason=MARK, **_response_fields(p, orgs, answered)
        )
        services.publish_response(response, actor=actor)


# --- removal -------------------------------------------------------------------------------------


def remove_demo() -> dict[str, int]:
    """Delete every object the demo created (found by the reason of its first history row), the
    rows that depend on them, their history and the DemoDataset marker.

    Rows are deleted with plain DELETE statements (`_raw_delete`), without per-object signals, so
    removing 200,000 demo rows takes seconds and leaves no "deleted" history rows behind: the demo
    leaves no trace. If a record someone added refers to demo data (a link to a demo organization,
    say), the database refuses and nothing is removed.
    """

    def created_by_demo(model):
        return model.history.filter(history_type="+", history_change_reason=MARK).values("id")

    orgs, links = created_by_demo(Organization), created_by_demo(Link)
    sites, products = created_by_demo(Site), created_by_demo(Product)
    targets = (
        models.Q(organization__in=orgs)
        | models.Q(site__in=sites)
        | models.Q(product__in=products)
        | models.Q(link__in=links)
    )
    steps = [
        ("status_events", LinkStatusEvent.objects.filter(link__in=links)),
        (
            "responses",
            Response.objects.filter(models.Q(organization__in=orgs) | models.Q(link__in=links)),
        ),
        (
            "citations",
            Citation.objects.filter(models.Q(id__in=created_by_demo(Citation)) | targets),
        ),
        ("other_names", OrganizationName.objects.filter(organization__in=orgs)),
        ("translations", OrganizationText.objects.filter(organization__in=orgs)),
        ("identifiers", Identifier.objects.filter(organization__in=orgs)),
        ("links", Link.objects.filter(id__in=links)),
        ("sites", Site.objects.filter(id__in=sites)),
        ("products", Product.objects.filter(id__in=products)),
        ("organizations", Organization.objects.filter(id__in=orgs)),
        ("sources", Source.objects.filter(id__in=created_by_demo(Source))),
    ]
    counts = {}
    with transaction.atomic():
        for label, queryset in steps:
            counts[label] = queryset._raw_delete(queryset.db)
        history = 0
        for model in (
            Response,
            Citation,
            OrganizationName,
            OrganizationText,
            Identifier,
            Link,
            Site,
            Product,
            Organization,
            Source,
        ):
            history += model.history.filter(id__in=created_by_demo(model)).delete()[0]
        counts["history"] = history
        DemoDataset.objects.all().delete()
    cache.delete(DEMO_CACHE_KEY)
    return counts
