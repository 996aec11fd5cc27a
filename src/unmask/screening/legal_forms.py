"""Legal forms of companies, recognized in a name and compared as forms, not as words.

A form is written many ways: "GmbH" and "Gesellschaft mit beschränkter Haftung", "A.Ş." and
"Anonim Şirketi", "ООО", "OOO" and "Общество с ограниченной ответственностью", and in English
("LLC", "JSC", "Co., Ltd."). Each local form has a code, the countries it is registered in and
its kind (what it is: a limited liability company, a joint-stock company...); an English
rendering names the kinds it may translate. Two names' forms fit when:

- either name has none (a dropped form fits any);
- they share a code (the same form however it is spelled);
- one is an English rendering of the other's kind (LLC for ООО, GmbH, s.r.o.; JSC for A.Ş. or
  АО; Co., Ltd. for 有限公司 or 株式会社).

A form of another jurisdiction (a GmbH against an A.Ş.) or of another kind in the same one (АО
against ООО, SAS against SARL) names another company.

Spellings are written here as they are printed (any script); `spellings()` folds them as names
are folded (names.words), so a form is matched the same way in every script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Kinds: what a form is, for the English renderings.
LLC = "llc"  # a private company with limited liability (GmbH, ООО, s.r.o., SARL, S.L., 有限公司)
JSC = "jsc"  # a joint-stock company (AG, АО, A.Ş., a.s., S.A., N.V., 株式会社, 주식회사)
PRIVATE = "private"  # the English-law private limited company (Ltd, B.V., AB, (Pty) Ltd, 有限公司)
CORP = "corp"  # the North American corporation (Inc., Corp.)
PLC = "plc"  # a public limited company
SAS = "sas"  # the French simplified joint-stock company
PARTNERSHIP = "partnership"  # KG, GmbH & Co. KG, LLP
FREE_ZONE = "free_zone"  # a free-zone establishment (FZE, FZCO)
STATE = "state"  # a state enterprise


@dataclass(frozen=True)
class Form:
    code: str
    countries: frozenset[str]
    kinds: frozenset[str]
    spellings: tuple[str, ...]  # as printed, in any script


def _form(code: str, countries: str, kind: str, *spellings: str) -> Form:
    return Form(code, frozenset(countries.split()), frozenset(kind.split()), spellings)


# The local forms of the countries a campaign meets most, with their usual abbreviations, their
# full names and their common romanizations.
FORMS: tuple[Form, ...] = (
    # German-speaking countries
    # (and as Russian, Ukrainian or Bulgarian texts spell them: ГмбХ, АГ, КГ)
    _form(
        "gmbh",
        "DE AT CH",
        LLC,
        "GmbH",
        "Gesellschaft mit beschränkter Haftung",
        "Ges.m.b.H.",
        "ГмбХ",
    ),
    _form("ag", "DE AT CH", JSC, "AG", "Aktiengesellschaft", "АГ"),
    _form("gmbh_co_kg", "DE AT", PARTNERSHIP, "GmbH & Co. KG", "GmbH und Co. KG", "GmbH u. Co. KG"),
    _form("kg", "DE AT CH", PARTNERSHIP, "KG", "Kommanditgesellschaft", "КГ"),
    _form("ohg", "DE", PARTNERSHIP, "OHG", "offene Handelsgesellschaft"),
    _form("ug", "DE", LLC, "UG (haftungsbeschränkt)", "UG"),
    # Turkey
    _form("tr_as", "TR", JSC, "A.Ş.", "Anonim Şirketi", "AS"),
    _form("tr_ltd", "TR", LLC, "Ltd. Şti.", "Limited Şirketi", "Ltd Şti", "Limited Şti."),
    # Russia, Ukraine, Bulgaria
    _form("ru_ooo", "RU", LLC, "ООО", "OOO", "Общество с ограниченной ответственностью"),
    _form("ru_ao", "RU", JSC, "АО", "AO", "Акционерное общество"),
    _form("ru_zao", "RU", JSC, "ЗАО", "ZAO", "SAO", "Закрытое акционерное общество"),
    _form("ru_oao", "RU", JSC, "ОАО", "OAO", "Открытое акционерное общество"),
    _form("ru_pao", "RU", JSC, "ПАО", "PAO", "Публичное акционерное общество"),
    _form("ua_tov", "UA", LLC, "ТОВ", "TOV", "TOW", "Товариство з обмеженою відповідальністю"),
    _form("ua_prat", "UA", JSC, "ПрАТ", "PrAT", "Приватне акціонерне товариство"),
    _form("ua_pat", "UA", JSC, "ПАТ", "PAT", "Публічне акціонерне товариство"),
    _form("ua_at", "UA", JSC, "АТ", "AT", "Акціонерне товариство"),
    _form("ua_dp", "UA", STATE, "ДП", "DP", "Державне підприємство"),
    _form("bg_eood", "BG", LLC, "ЕООД", "EOOD", "Еднолично дружество с ограничена отговорност"),
    _form("bg_ood", "BG", LLC, "ООД", "OOD", "Дружество с ограничена отговорност"),
    _form("bg_ad", "BG", JSC, "АД", "AD", "Акционерно дружество"),
    _form("bg_ead", "BG", JSC, "ЕАД", "EAD", "Еднолично акционерно дружество"),
    # Central Europe
    _form("sro", "CZ SK", LLC, "s.r.o.", "spol. s r.o.", "společnost s ručením omezeným"),
    _form("cz_as", "CZ SK", JSC, "a.s.", "akciová společnost"),
    _form(
        "pl_spzoo",
        "PL",
        LLC,
        "Sp. z o.o.",
        "Spółka z o.o.",
        "Spółka z ograniczoną odpowiedzialnością",
    ),
    _form("pl_sa", "PL", JSC, "S.A.", "Spółka Akcyjna"),
    _form("ro_srl", "RO", LLC, "S.R.L.", "Societate cu răspundere limitată"),
    _form("ro_sa", "RO", JSC, "S.A.", "Societate pe acțiuni"),
    # Western Europe
    _form("fr_sarl", "FR", LLC, "SARL", "Société à responsabilité limitée"),
    _form("fr_sas", "FR", SAS, "SAS", "Société par actions simplifiée", "SASU"),
    _form("fr_sa", "FR", JSC, "S.A.", "Société anonyme"),
    _form("es_sl", "ES", LLC, "S.L.", "Sociedad Limitada", "Sociedad de Responsabilidad Limitada"),
    _form("es_sa", "ES", JSC, "S.A.", "Sociedad Anónima"),
    _form("it_srl", "IT", LLC, "S.r.l.", "Società a responsabilità limitata"),
    _form("it_spa", "IT", JSC, "S.p.A.", "Società per azioni"),
    _form("nl_bv", "NL", PRIVATE, "B.V.", "Besloten Vennootschap"),
    _form("nl_nv", "NL", JSC, "N.V.", "Naamloze Vennootschap"),
    _form("se_ab", "SE", f"{PRIVATE} {JSC}", "AB", "Aktiebolag", "AB (publ)"),
    # English-speaking countries, where the local form is itself English
    _form("gb_ltd", "GB", PRIVATE, "Ltd", "Limited"),
    _form("gb_plc", "GB", PLC, "PLC", "Public Limited Company"),
    _form("llp", "GB US IN", PARTNERSHIP, "LLP", "Limited Liability Partnership"),
    _form("us_inc", "US CA", CORP, "Inc.", "Incorporated"),
    _form("us_corp", "US CA", CORP, "Corp.", "Corporation"),
    _form("us_llc", "US AE", LLC, "LLC", "L.L.C.", "Limited Liability Company"),
    _form("in_pvt", "IN", PRIVATE, "Private Limited", "Pvt. Ltd.", "Private Ltd.", "P. Ltd."),
    _form("za_pty", "ZA", PRIVATE, "(Pty) Ltd", "Proprietary Limited", "Pty Ltd"),
    # Israel, the Emirates
    _form("il_ltd", "IL", PRIVATE, 'בע"מ', "בעמ", "Ltd."),
    _form("ae_llc", "AE", LLC, "ذ.م.م", "ش.ذ.م.م", "L.L.C."),
    _form("ae_fze", "AE", FREE_ZONE, "FZE", "Free Zone Establishment"),
    _form("ae_fzco", "AE", FREE_ZONE, "FZCO", "Free Zone Company"),
    _form("ae_fzllc", "AE", FREE_ZONE, "FZ-LLC", "FZ LLC"),
    # East Asia: written without spaces; names.py cuts them off before transliterating
    _form("cn_ltd", "CN", LLC, "有限公司", "有限责任公司", "Youxian Gongsi"),
    _form("cn_gufen", "CN", JSC, "股份有限公司", "Gufen Youxian Gongsi"),
    _form("jp_kk", "JP", JSC, "株式会社", "K.K.", "Kabushiki Kaisha", "Kabushiki Gaisha", "KK"),
    _form("jp_yk", "JP", LLC, "有限会社", "Yugen Kaisha", "Y.K."),
    _form("jp_gk", "JP", LLC, "合同会社", "Godo Kaisha", "G.K."),
    _form(
        "kr_jusik", "KR", JSC, "주식회사", "(주)", "㈜", "Jusik Hoesa", "Jusikhoesa", "Chusik Hoesa"
    ),
    _form("kr_yuhan", "KR", LLC, "유한회사", "(유)", "Yuhan Hoesa"),
)

# English renderings, and the kinds of form each may translate.
ENGLISH: dict[str, frozenset[str]] = {
    "LLC": frozenset({LLC}),
    "L.L.C.": frozenset({LLC}),
    "Limited Liability Company": frozenset({LLC}),
    "Single-member LLC": frozenset({LLC}),
    "JSC": frozenset({JSC}),
    "Joint Stock Company": frozenset({JSC}),
    "Joint-Stock Company": frozenset({JSC}),
    "Stock Company": frozenset({JSC}),
    "CJSC": frozenset({JSC}),
    "Closed Joint Stock Company": frozenset({JSC}),
    "OJSC": frozenset({JSC}),
    "PJSC": frozenset({JSC}),
    "PrJSC": frozenset({JSC}),
    "Single-member JSC": frozenset({JSC}),
    "Public Joint Stock Company": frozenset({JSC}),
    "Private Joint Stock Company": frozenset({JSC}),
    "Ltd": frozenset({PRIVATE, LLC}),
    "Ltd.": frozenset({PRIVATE, LLC}),
    "Лтд.": frozenset({PRIVATE, LLC}),
    "Limited": frozenset({PRIVATE, LLC}),
    "Private Limited Company": frozenset({PRIVATE}),
    "Co., Ltd.": frozenset({LLC, JSC, PRIVATE}),
    "Co. Ltd": frozenset({LLC, JSC, PRIVATE}),
    "Company Limited": frozenset({LLC, JSC, PRIVATE}),
    "Inc.": frozenset({CORP, JSC}),
    "Инк.": frozenset({CORP, JSC}),
    "Incorporated": frozenset({CORP, JSC}),
    "Corp.": frozenset({CORP, JSC}),
    "Corporation": frozenset({CORP, JSC}),
    "PLC": frozenset({PLC, JSC}),
    "Public Limited Company": frozenset({PLC, JSC}),
    "Simplified Joint Stock Company": frozenset({SAS}),
    "Limited Partnership": frozenset({PARTNERSHIP}),
    "Free Zone Establishment": frozenset({FREE_ZONE}),
    "Joint Stock Co., Ltd.": frozenset({JSC}),
    "State Enterprise": frozenset({STATE}),
}


@dataclass(frozen=True)
class Found:
    """A form found in a name: the local forms its spelling names (one, or several where an
    abbreviation is shared: S.A.), and the kinds it may translate when it is English."""

    text: str  # the folded spelling found
    codes: frozenset[str]
    english: frozenset[str]

    def fits(self, theirs: Found | None, country: str = "") -> bool:
        """Whether this form (a query's) fits `theirs` (a record name's, of an organization
        registered in `country`): the same form, or an English rendering of its kind; a local
        form against an English one only where that form is of the record's country."""
        if theirs is None:
            return True
        if self.codes & theirs.codes:
            return True
        if self.english & (_kinds(theirs.codes) | theirs.english):
            return True
        if theirs.english and self.codes:
            return any(
                BY_CODE[code].kinds & theirs.english and country in BY_CODE[code].countries
                for code in self.codes
            )
        return False


def _kinds(codes: frozenset[str]) -> frozenset[str]:
    return frozenset(kind for code in codes for kind in BY_CODE[code].kinds)


BY_CODE = {form.code: form for form in FORMS}


SKELETON_FROM = 6  # letters: a shorter spelling is found as it is folded, a longer by its keys


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def spellings() -> dict[tuple[str, ...], Found]:
    """Every spelling, as the words names.words() makes of it, to what it names; a long one
    also as its keys (so that every romanization of a full form is found: Obshchestvo s
    ogranichennoy otvetstvennostyu), a short one never (ПАО is not 表, biao)."""
    from unmask.screening.names import ISO9, spelled, words

    codes: dict[tuple[str, ...], set[str]] = {}
    english: dict[tuple[str, ...], set[str]] = {}
    shown: dict[tuple[str, ...], str] = {}

    def add(spelling: str, table: dict, value) -> None:
        folded = words(spelling)
        keys = [("=", *folded), ("=", "".join(folded))]  # ذ.م.م and ذمم, Sp. z o.o. and spzoo
        if sum(len(w) for w in folded) >= SKELETON_FROM:
            keys.append(("~", *_key(folded)))
        for key in keys:
            if len(key) > 1:
                table.setdefault(key, set()).update(value)
                shown.setdefault(key, spelling)

    for form in FORMS:
        for spelling in form.spellings:
            add(spelling, codes, {form.code})
            if _CYRILLIC.search(spelling):  # and as ISO 9 spells it (Družestvo s ograničena…)
                add(spelled(spelling, ISO9), codes, {form.code})
    for spelling, kinds in ENGLISH.items():
        add(spelling, english, kinds)
    return {
        key: Found(shown[key], frozenset(codes.get(key, ())), frozenset(english.get(key, ())))
        for key in set(codes) | set(english)
    }


def _lookup(tokens) -> Found | None:
    table = spellings()
    tokens = tuple(tokens)
    return table.get(("=", *tokens)) or table.get(("~", *_key(tokens)))


def _key(tokens) -> tuple[str, ...]:
    from unmask.screening.names import skeleton

    return tuple(skeleton(token) for token in tokens)


@cache
def longest() -> int:
    return max(len(key) - 1 for key in spellings())


def found(tokens) -> Found | None:
    """The form these words spell, if they spell one."""
    return _lookup(tokens)


def cut(
    tokens: list[str], *, at_end: bool = True, at_start: bool = True
) -> tuple[list[str], Found | None]:
    """The name's words without its legal form, and the form: the longest spelling at its end,
    else at its start (ООО «…», 주식회사 …). `at_end`, `at_start`: whether a form may be there
    (not where the name's first or last word is joined to the next by a hyphen: the Ûg of
    "Optika-Ûg" is a word of the name, "south", not the German UG)."""
    for size in range(min(longest(), len(tokens) - 1), 0, -1) if at_end else ():
        found = _lookup(tokens[-size:])
        if found is not None:
            return tokens[:-size], found
    for size in range(min(longest(), len(tokens) - 1), 0, -1) if at_start else ():
        found = _lookup(tokens[:size])
        if found is not None:
            return tokens[size:], found
    return tokens, None
