"""Romanizations the public labelled set holds only a few of, generated here for every record
name in Cyrillic, Japanese, Korean or Chinese: the same kinds of variant as its `translit`
queries (README of ../shared/data/screening/), other rows. bench_screening.py measures the
matcher's recall on them, as a check for the issue's "the same within 0.02 on unseen queries"
that does not depend on the public queries: each system is written here from its published
table, not from the matcher's rules.

Cyrillic: ISO 9, BGN/PCGN, the Russian passport (ICAO), Ukraine's national system (for UA),
Bulgaria's streamlined system (for BG), German (Duden); the legal form romanized, translated to
English or dropped. Japanese: Hepburn, Kunrei-shiki, wāpuro. Korean: Revised Romanization and
McCune-Reischauer (simplified: no breves or apostrophes, as lists write it). Chinese: pinyin,
two syllables a word, the form in pinyin or English. Hebrew and Arabic have no one reading
(their vowels are not written): not generated.
"""

from __future__ import annotations

import random
import re

_COMMON = dict(
    zip(
        "абвгдезийклмнопрстуфхцчшщъыьэюяёієїґ",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "z",
            "i",
            "j",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "c",
            "č",
            "š",
            "ŝ",
            "ʺ",
            "y",
            "ʹ",
            "è",
            "û",
            "â",
            "ë",
            "ì",
            "ê",
            "ï",
            "g̀",
        ],
        strict=True,
    )
)
ISO9 = {**_COMMON, "ж": "ž"}
BGN = {
    **ISO9,
    "ж": "zh",
    "й": "y",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ё": "yo",
    "і": "i",
    "є": "ye",
    "ї": "yi",
    "ґ": "g",
}
PASSPORT = {**BGN, "й": "i", "ъ": "ie", "ю": "iu", "я": "ia", "ё": "e"}
UKRAINIAN = {
    **BGN,
    "г": "h",
    "ґ": "g",
    "и": "y",
    "й": "i",
    "є": "ie",
    "ї": "i",
    "ю": "iu",
    "я": "ia",
}
BULGARIAN = {**BGN, "х": "h", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya"}
GERMAN = {
    **BGN,
    "в": "w",
    "ж": "sch",
    "з": "s",
    "й": "i",
    "х": "ch",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ю": "ju",
    "я": "ja",
    "ё": "jo",
    "ы": "y",
    "є": "je",
    "ї": "ji",
}
CYRILLIC_FORMS = {
    "ООО": "LLC",
    "АО": "JSC",
    "ПАО": "PJSC",
    "ЗАО": "CJSC",
    "ОАО": "OJSC",
    "ТОВ": "LLC",
    "ПрАТ": "PrJSC",
    "ПАТ": "PJSC",
    "АТ": "JSC",
    "ЕООД": "Single-member LLC",
    "ООД": "LLC",
    "ЕАД": "Single-member JSC",
    "АД": "JSC",
}
_QUOTES = re.compile(r"[«»„“”\"]")
_CYRILLIC = re.compile(r"[а-яёієїґ]", re.IGNORECASE)


def _letters(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            value = table[low]
            out.append(value.capitalize() if ch != low and value else value)
        else:
            out.append(ch)
    return "".join(out)


def _form_and_body(name: str, forms: dict[str, str]) -> tuple[str, str, bool]:
    """(the form as written, the name without it, whether the form came first)."""
    words = _QUOTES.sub(" ", name).split()
    if words and words[0] in forms:
        return words[0], " ".join(words[1:]), True
    if words and words[-1] in forms:
        return words[-1], " ".join(words[:-1]), False
    return "", " ".join(words), False


def cyrillic(name: str, country: str, rng: random.Random) -> list[tuple[str, str]]:
    systems = {"ISO 9": ISO9, "German": GERMAN}  # every language; the others by country
    if country in ("RU", "UA", ""):
        systems.update({"BGN/PCGN": BGN, "passport": PASSPORT})
    if country == "UA":
        systems["Ukrainian national"] = UKRAINIAN
    if country == "BG":
        systems["Bulgarian streamlined"] = BULGARIAN
    form, body, first = _form_and_body(name, CYRILLIC_FORMS)
    out = []
    for label, table in systems.items():
        latin = _letters(body, table)
        how = rng.choice(["romanized", "English", "dropped"]) if form else "dropped"
        written = {"romanized": _letters(form, table), "English": CYRILLIC_FORMS.get(form, "")}
        shown = written.get(how, "")
        quoted = f'"{latin}"' if rng.random() < 0.3 else latin
        text = f"{shown} {quoted}" if first and shown else f"{quoted} {shown}".strip()
        out.append((f"Cyrillic, {label}", text.strip()))
    return out


# Japanese: the record's kana and kanji read by pykakasi (its "hepburn" is wāpuro-like: ou, uu).
JAPANESE_FORMS = {
    "株式会社": ("Kabushiki Kaisha", "Kabusiki Kaisya", "Co., Ltd."),
    "有限会社": ("Yugen Kaisha", "Yuugen Kaisya", "Ltd."),
}
_KUNREI = [("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("fu", "hu"), ("ji", "zi")]


def _kunrei(word: str) -> str:
    for a, b in _KUNREI:
        word = word.replace(a, b)
    word = re.sub(r"sh(?=[aou])", "sy", word)
    word = re.sub(r"ch(?=[aou])", "ty", word)
    return re.sub(r"j(?=[aou])", "zy", word)


def japanese(name: str, rng: random.Random) -> list[tuple[str, str]]:
    from pykakasi import kakasi

    form = next((f for f in JAPANESE_FORMS if f in name), "")
    body = name.replace(form, " ").strip() if form else name
    parts = [p["hepburn"] for p in kakasi().convert(body) if p["hepburn"].strip()]
    hepburn = [re.sub(r"ou", "o", re.sub(r"uu", "u", p)) for p in parts]
    systems = {
        "Hepburn": (hepburn, 0),
        "Kunrei-shiki": ([_kunrei(p) for p in hepburn], 1),
        "wapuro": (parts, 0),
    }
    out = []
    for label, (words, style) in systems.items():
        text = " ".join(w.capitalize() for w in words)
        if form:
            choice = rng.choice([JAPANESE_FORMS[form][style], JAPANESE_FORMS[form][2], ""])
            text = f"{text} {choice}".strip() if rng.random() < 0.5 else f"{choice} {text}".strip()
        out.append((f"Japanese, {label}", text))
    return out


KOREAN_FORMS = {
    "주식회사": ("Jusik Hoesa", "Chusik Hoesa", "Co., Ltd."),
    "(주)": ("", "", "Co., Ltd."),
}


def _mccune(word: str) -> str:
    word = word.replace("eo", "o").replace("eu", "u").replace("j", "ch")
    word = re.sub(r"^g", "k", re.sub(r"^d", "t", re.sub(r"^b", "p", word)))
    return word.replace("si", "shi")


def korean(name: str, rng: random.Random) -> list[tuple[str, str]]:
    from anyascii import anyascii

    form = next((f for f in KOREAN_FORMS if f in name), "")
    body = name.replace(form, " ").strip() if form else name
    words = ["".join(anyascii(ch) for ch in w).lower() for w in body.split()]
    out = []
    for label, style, spelled in (
        ("Revised", 0, words),
        ("McCune-Reischauer", 1, [_mccune(w) for w in words]),
    ):
        text = " ".join(w.capitalize() for w in spelled)
        if form:
            choice = rng.choice([KOREAN_FORMS[form][style], KOREAN_FORMS[form][2], ""])
            text = f"{text} {choice}".strip()
        out.append((f"Korean, {label}", text))
    return out


CHINESE_FORMS = {
    "有限公司": ("Youxian Gongsi", "Co., Ltd."),
    "股份有限公司": ("Gufen Youxian Gongsi", "Co., Ltd."),
}


def chinese(name: str, rng: random.Random) -> list[tuple[str, str]]:
    from pypinyin import lazy_pinyin

    form = next((f for f in sorted(CHINESE_FORMS, key=len, reverse=True) if name.endswith(f)), "")
    body = name[: -len(form)] if form else name
    parts = body.split("市", 1) if "市" in body else [body]  # the city, then the name
    pairs = []
    for part in parts:
        syllables = lazy_pinyin(part)
        pairs += ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
    text = " ".join(p.capitalize() for p in pairs)
    if form:
        text = f"{text} {rng.choice(CHINESE_FORMS[form])}"
    return [("Chinese, pinyin", text)]


def variants(record: list[dict], seed: int = 11) -> list[tuple[str, str, str, str]]:
    """(system, query name, country or "", expected id) for every record name in these
    scripts; a query gives its country half the time."""
    rng = random.Random(seed)
    out = []
    for org in record:
        name, country = org["name"], org["country"]
        if _CYRILLIC.search(name):
            made = cyrillic(name, country, rng)
        elif re.search(r"[\u3040-\u30ff]", name):
            made = japanese(name, rng)
        elif re.search(r"[\uac00-\ud7af]", name):
            made = korean(name, rng)
        elif re.search(r"[\u4e00-\u9fff]", name):
            made = chinese(name, rng)
        else:
            continue
        for system, text in made:
            out.append((system, text, country if rng.random() < 0.5 else "", org["id"]))
    return out


def slips(record: list[dict], count: int = 600, seed: int = 13) -> list[tuple[str, str, str, str]]:
    """One or two slips (a letter changed, left out, added, or two swapped) in the name of a
    Latin-script organization's first two words (its stem and sector word, where the public
    set's `typo` queries have them): that kind, other rows."""
    rng = random.Random(seed)
    latin = [
        o for o in record if re.fullmatch(r"[\w\s.,&'\"()-]+", o["name"]) and o["name"].isascii()
    ]
    out = []
    for org in rng.sample(latin, min(count, len(latin))):
        words = org["name"].split()
        if len(words) < 2:
            continue
        n = rng.choice([1, 2])
        label = f"slips, {n}"
        for _ in range(n):
            i = rng.randrange(min(2, len(words) - 1))  # the stem or the sector word
            w = words[i]
            if len(w) < 4:
                continue
            j = rng.randrange(1, len(w) - 1)
            how = rng.choice(["change", "drop", "add", "swap"])
            letter = rng.choice("aeioulnrstkm")
            if how == "change":
                w = w[:j] + letter + w[j + 1 :]
            elif how == "drop":
                w = w[:j] + w[j + 1 :]
            elif how == "add":
                w = w[:j] + letter + w[j:]
            else:
                w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
            words[i] = w
        out.append(
            (label, " ".join(words), org["country"] if rng.random() < 0.5 else "", org["id"])
        )
    return out
