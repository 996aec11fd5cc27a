"""Screening (issue 18): a name from a list found in the record, or not, for each kind of
variant a list brings. Every name here is invented."""

from __future__ import annotations

import pytest

from unmask.screening import legal_forms, names
from unmask.screening.identifiers import lei_is_valid, normalize_identifier
from unmask.screening.matcher import Entry, Index, Query

RECORD = [
    Entry("korvath", "Korvath Savunma Sanayi ve Ticaret A.Ş.", country="TR"),
    Entry("korvath-optik", "Korvath Optik Sanayi ve Ticaret A.Ş.", country="TR"),
    Entry("korvath-holding", "Korvath Holding A.Ş.", country="TR"),
    Entry("trilex", "ООО «Трилекс-Пласт»", ("Trilex-Plast OOO",), "RU"),
    Entry("trilex-ao", "АО «Трилекс-Металл»", (), "RU"),
    Entry("braeckel", "Bräckel Funktechnik GmbH", ("BFT",), "DE", ("reg:DE-HRB-123456",)),
    Entry("braeckel-ch", "Bräckel Funktechnik AG", (), "CH"),
    Entry(
        "haotian",
        "苏州市昊天船舶科技有限公司",
        ("Suzhou Haotian Marine Technology Co., Ltd.",),
        "CN",
    ),
    Entry("hyeonchan", "주식회사 현찬에너지", ("Hyeonchan Energy Co., Ltd.",), "KR"),
    Entry("nibote", "ニボオテ電子株式会社", (), "JP"),
    Entry("savam", 'סבאם ביטחון בע"מ', ("Savam Defense Ltd.",), "IL"),
    Entry(
        "drondath",
        "Drondath Metalworks Limited",
        (),
        "GB",
        ("lei:213800I6A8MJ51TQ9K37",),
    ),
    Entry("vosturel", "Vosturel Materials Inc.", (), "US"),
    Entry("leckor", "Leckor Software GmbH", (), "DE"),
    Entry(
        "grijner", "Grijner Materialen B.V.", ("Grijner Materials Private Limited Company",), "NL"
    ),
    Entry("zalolax", "Zalólax Inżynieria Sp. z o.o.", (), "PL"),
    Entry("ramgyu", "람규 상사 주식회사", (), "KR"),
    Entry("briland", "Briland Verbundwerkstoffe AG", ("Briland Verbundwerkstoffe",), "DE"),
    Entry("kelted", 'קלטד אלקטרוניקה בע"מ', (), "IL"),
    Entry("mursal", 'מרצל סחר בע"מ', (), "IL"),
    Entry("dashina", "„Дащина Спецтехника“ ЕООД", (), "BG"),
    Entry("zhuvin", 'ООО "Жувин-Энерго"', (), "RU"),
    Entry("navigator", "ПрАТ «Дрюлекс-Навігація»", (), "UA"),
    Entry("joodal", "جودال للهندسة ذ.م.م", ("Judal Engineering L.L.C.",), "AE"),
    Entry("surabo", "株式会社スラボ樹脂", (), "JP"),
    Entry("jeonghan", "(주)정한엔진", (), "KR"),
    Entry("tavros", "АО «Тавров-Оптика-Юг»", (), "RU"),
    Entry("tavros-main", "АО «Тавров-Оптика»", (), "RU"),
    Entry("tadena", "Tadena Automation Limited", (), "GB"),
    Entry("vakar", "Vakar Defence Procurement Office", (), "NO"),
]
# Latin names that share every word but one with the Hebrew names above: the Hebrew ones must
# still be among a query's candidates (retrieved by their consonants).
RECORD += [
    Entry(f"crowd-{i}", f"{stem} Elektronika Sachar Ltd", (), "IL")
    for i, stem in enumerate(["Abor", "Bekel", "Cimor", "Davel", "Efron", "Galor"] * 8)
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(RECORD)


def best(index: Index, name: str, country: str = "", identifier: str = "") -> str:
    found = index.match(Query(name, country, identifier))
    return found[0].entry.id if found and found[0].is_match else ""


@pytest.mark.parametrize(
    ("kind", "query", "country", "expected"),
    [
        ("exact", "Korvath Savunma Sanayi ve Ticaret A.Ş.", "TR", "korvath"),
        ("case and diacritics", "KORVATH SAVUNMA SANAYI VE TICARET A.S.", "", "korvath"),
        ("diacritics spelled out", "Braeckel Funktechnik GmbH", "DE", "braeckel"),
        (
            "legal form written out",
            "Korvath Savunma Sanayi ve Ticaret Anonim Şirketi",
            "",
            "korvath",
        ),
        ("legal form abbreviated", "Korvath Savunma San. ve Tic. A.Ş.", "TR", "korvath"),
        ("legal form in English", "Korvath Savunma Sanayi ve Ticaret JSC", "", "korvath"),
        ("legal form dropped", "Korvath Savunma Sanayi ve Ticaret", "", "korvath"),
        (
            "long form in Latin letters",
            "Obshchestvo s ogranichennoy otvetstvennostyu Trilex-Plast",
            "",
            "trilex",
        ),
        ("Cyrillic romanized", 'OOO "Trileks-Plast"', "RU", "trilex"),
        ("Cyrillic, ISO 9", "OOO Trileks-Plast", "", "trilex"),
        ("Chinese in pinyin", "Suzhou Haotian Chuanbo Keji Youxian Gongsi", "", "haotian"),
        ("Chinese city in brackets", "(苏州)昊天船舶科技有限公司", "CN", "haotian"),
        ("Korean romanized", "Hyeonchan Eneoji Co., Ltd.", "KR", "hyeonchan"),
        ("Korean form as (주)", "(주)현찬에너지", "", "hyeonchan"),
        ("Japanese in Hepburn", "Niboote Denshi Kabushiki Kaisha", "JP", "nibote"),
        ("Hebrew romanized", "Savam Bitachon Ltd", "IL", "savam"),
        ("a slip", "Vosturel Materails Inc.", "", "vosturel"),
        ("two slips", "Vostruel Materials Inc", "US", "vosturel"),
        ("American spelling", "Drondath Metalworks Ltd", "", "drondath"),
        ("word order", "Software Leckor GmbH", "", "leckor"),
        ("punctuation", "Leckor-Software, GmbH", "DE", "leckor"),
        ("other name", "Grijner Materials Private Limited Company", "", "grijner"),
        ("acronym", "B.F.T.", "DE", "braeckel"),
        ("form spelled otherwise", "Zalólax Inżynieria Spółka z o.o.", "PL", "zalolax"),
        ("Korean, a syllable like a form (사, not S.A.)", "Ramgyu Sangsa Corp.", "", "ramgyu"),
        ("other name without its form", "Briland Verbundwerkstoffe", "", "briland"),
        ("Hebrew, other vowels, final ה read a", "Kaltad Electronica Limited", "IL", "kelted"),
        ("Hebrew, צ written z", "Marzel Sachar Ltd.", "IL", "mursal"),
        ("Cyrillic, ISO 9 (щ as ŝ, х as h)", "Daŝina Spectehnika EOOD", "", "dashina"),
        ("Cyrillic, ж as German sch", "OOO Schuwin-Energo", "RU", "zhuvin"),
        ("Cyrillic, ж as ž", "OOO Žuvin-Energo", "", "zhuvin"),
        ("Ukrainian, г as h", '"Driuleks-Navihatsiia" PrAT', "UA", "navigator"),
        ("Ukrainian, г as g", "PrAT Dryuleks-Navigatsiya", "UA", "navigator"),
        ("Arabic in English spelling (oo, ee)", "Joodaal Engineering LLC", "AE", "joodal"),
        ("Japanese in Kunrei-shiki", "Surabo Zyusi Kabushiki Kaisha", "JP", "surabo"),
        ("Korean in McCune-Reischauer", "Chonghan Enchin Co., Ltd.", "KR", "jeonghan"),
        ("Korean, syllables run together", "Jeonghanenjin Co., Ltd.", "", "jeonghan"),
        ("a word joined by a hyphen is no form (Ûg)", "AO Tavrov-Optika-Ûg", "RU", "tavros"),
        ("a slip in a first letter", "aTdena Automation Limited", "", "tadena"),
    ],
)
def test_a_variant_of_a_record_name_finds_its_organization(index, kind, query, country, expected):
    assert best(index, query, country) == expected, kind


@pytest.mark.parametrize(
    ("kind", "query", "country"),
    [
        ("another sector word", "Korvath Çelik Sanayi ve Ticaret A.Ş.", "TR"),
        ("a word added", "Korvath Savunma Sanayi ve Ticaret Anadolu A.Ş.", ""),
        ("a word added: holding", "Leckor Software Holding GmbH", "DE"),
        ("another country", "Bräckel Funktechnik GmbH", "AT"),
        ("another jurisdiction's form", "Grijner Materialen GmbH", ""),
        ("another class of form, same country", "АО «Трилекс-Пласт»", "RU"),
        ("a foreign form against an English one", "Drondath Metalworks GmbH", ""),
        ("a form against an other name without one", "Briland Verbundwerkstoffe s.r.o.", ""),
        ("generic words only", "Software GmbH", "DE"),
        ("unrelated", "Pexalor Robotics Ltd", "GB"),
        ("two slips in one short word: another stem", "Vaval Defence Procurement Office", ""),
    ],
)
def test_another_company_is_not_matched(index, kind, query, country):
    assert best(index, query, country) == "", kind


def test_an_identifier_in_the_record_settles_the_match_and_one_elsewhere_says_nothing(index):
    assert best(index, "Dron. Meta. Limi.", identifier="lei:213800I6A8MJ51TQ9K37") == "drondath"
    assert best(index, "Braeckel", identifier="reg: de-hrb 123456") == "braeckel"
    found = index.match(Query("Leckor Software GmbH", "", "reg:DE-HRB-999999"))
    assert found[0].entry.id == "leckor"  # an identifier the record lacks changes nothing
    assert "identifier" not in found[0].rule


def test_each_match_says_which_name_and_rule_and_what_contradicts(index):
    found = index.match(Query("Trileks-Plast OOO", "RU"))[0]
    assert found.entry.id == "trilex"
    assert found.matched_name in ("ООО «Трилекс-Пласт»", "Trilex-Plast OOO")
    assert found.rule and found.evidence[0].startswith(found.rule)
    assert "country RU" in found.evidence
    elsewhere = index.match(Query("Bräckel Funktechnik GmbH", "AT"))
    assert elsewhere and not elsewhere[0].is_match
    assert any("AT against DE" in fact for fact in elsewhere[0].evidence)


@pytest.mark.parametrize(
    ("ours", "theirs", "country", "fits"),
    [
        ("GmbH", "Gesellschaft mit beschränkter Haftung", "DE", True),
        ("A.Ş.", "Anonim Şirketi", "TR", True),
        ("ООО", "OOO", "RU", True),
        ("LLC", "ООО", "RU", True),
        ("JSC", "A.Ş.", "TR", True),
        ("Co., Ltd.", "有限公司", "CN", True),
        ("Co., Ltd.", "株式会社", "JP", True),
        ("AB", "Aktiebolag", "SE", True),
        ("Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością", "PL", True),
        ("s.r.o.", "společnost s ručením omezeným", "CZ", True),
        ("GmbH", "A.Ş.", "TR", False),
        ("АО", "ООО", "RU", False),
        ("SAS", "SARL", "FR", False),
        ("JSC", "ООО", "RU", False),
        ("GmbH", "Ltd", "GB", False),
        ("Private Limited", "B.V.", "NL", False),
    ],
)
def test_legal_forms_are_compared_as_forms(ours, theirs, country, fits):
    mine = legal_forms.found(names.words(ours))
    other = legal_forms.found(names.words(theirs))
    assert mine is not None and other is not None, (ours, theirs)
    assert mine.fits(other, country) is fits


def test_a_form_is_cut_from_either_end_and_never_from_inside_a_word():
    name = names.prepare("ООО «Трилекс-Пласт»")
    assert name.words == ("trileks", "plast") and name.form is not None
    assert names.prepare("Trilex-Plast OOO").form.codes == name.form.codes
    # 表 (biao) reads like ПАО in keys: a short form is only found as it is spelled
    table = names.prepare("东莞拓达仪器仪表有限公司")
    assert table.words[-1] == "biao" and table.form is not None


def test_identifiers_are_compared_without_their_spacing_and_an_lei_checks_its_digits():
    assert normalize_identifier("lei: 2138 00I6-A8MJ51TQ9K37") == "LEI:213800I6A8MJ51TQ9K37"
    assert normalize_identifier("REG:de-hrb-123456") == normalize_identifier("reg:DE HRB 123456")
    assert lei_is_valid("213800I6A8MJ51TQ9K37")
    assert not lei_is_valid("213800I6A8MJ51TQ9K38")
