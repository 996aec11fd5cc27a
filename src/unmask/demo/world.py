"""The invented world the demo is drawn from: name roots and their syllables in eight scripts,
countries with real cities (names and coordinates only), name patterns, the program's product
tree, the shapes of links, site roles and addresses, replies and descriptions. Data only; see
record.py for what is invented and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation

from unmask.record.models import (
    LinkStatus,
    Organization,
    OrganizationKind,
    OrganizationText,
    Precision,
    ProductKind,
    Relation,
    SiteRole,
)

PROGRAM = "Talvik-9"
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
