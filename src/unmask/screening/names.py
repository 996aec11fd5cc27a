"""Company names made comparable: in Latin letters, folded, cut from their legal form, and
reduced to keys that survive transliteration.

- **Words** (`words`): NFKC, then every script in ASCII (anyascii, as the directory folds
  names; Japanese through pykakasi, which reads kanji as Japanese rather than as Chinese),
  lower case, punctuation gone, initials joined ("A.Ş." → "as", "s.r.o." → "sro").
- **East Asian names** are written without spaces and end or begin with their form
  (有限公司, 株式会社, 주식회사): the form is cut off in its own script first, and the city
  marker 市 dropped ("苏州市…" and "(苏州)…" are the same company).
- **Keys** (`skeleton`): what stays the same across the ways a name is written in Latin
  letters: the digraphs of transliteration systems (shch, sch, zh, kh, ts, tz…) and letters
  they swap (y/j/i, w/v, c/k/s, voiced and voiceless consonants) made one, vowel pairs and
  doubled letters made single, h dropped. A key is never shown: it only tells two
  spellings of one name apart from two names.
- **Consonants** (`consonants`): a key without vowels, for names from scripts that write
  few of them (Arabic, Hebrew).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from unmask.screening import legal_forms

# Forms written in East Asian scripts, cut off before transliterating (longest first).
_CJK_FORMS = sorted(
    (
        s
        for f in legal_forms.FORMS
        for s in f.spellings
        if re.search(r"[\u3040-\u9fff\uac00-\ud7af]", s)
    ),
    key=len,
    reverse=True,
)
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_ARABIC_HEBREW = re.compile(r"[\u0590-\u06ff]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Marks inside a word (a soft sign's ʹ, an apostrophe, a quote in Shev"yek): dropped, never a
# word break, so that every romanization of one word stays one word.
_IN_WORD = re.compile(r"(?<=\w)['’ʹʼ\"″ʺ`´]+(?=\w)")

# Abbreviations that stand for a word of a name (not a legal form): written out.
ABBREVIATIONS = {"san": "sanayi", "tic": "ticaret", "muh": "muhendislik", "mfg": "manufacturing"}
# Words that join others ("Optik und Präzisionstechnik"), the city marker of a Chinese name in
# pinyin (Guiyang Shi), and the "Sanayi ve Ticaret" (industry and trade) of Turkish names, which
# lists write, shorten (San. ve Tic.) or leave out: none of them tells companies apart.
CONNECTORS = frozenset(
    {"ve", "and", "und", "u", "et", "y", "i", "e", "en", "och", "a", "shi", "sanayi", "ticaret"}
)


# Hebrew letters that mostly write vowels inside a word (ו as o or u, י as i) or none (א, ע):
# read as vowels there, so that ביטחון compares with Bitachon (anyascii reads them v, y, ').
_HEBREW_VOWEL_LETTERS = re.compile(r"(?<=[\u05d0-\u05ea])[וי](?!ו)|[אע]")
_HEBREW_VOWELS = {"ו": "o", "י": "i"}
# A word's last ה (Hebrew) or ة (Arabic) writes a final vowel: אלקטרוניקה is Elektronika.
_FINAL_VOWEL_LETTER = re.compile(
    r"(?<=[\u05d0-\u05ea\u0620-\u064a])[הة](?![\u05d0-\u05ea\u0620-\u064a])"
)


@lru_cache(maxsize=65536)
def _japanese(text: str) -> str:
    """Japanese in Hepburn, word by word (pykakasi)."""
    return " ".join(part["hepburn"] for part in _kakasi().convert(text))


def _pinyin(text: str) -> list[str]:
    """Chinese in pinyin without tones, a syllable a word (pypinyin: its readings of a
    character in a word are the Mandarin ones, where anyascii gives one reading per
    character, sometimes another)."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text)


@lru_cache(maxsize=1)
def _kakasi():
    from pykakasi import kakasi

    return kakasi()


def script_of(text: str) -> str:
    if _KANA.search(text):
        return "japanese"
    if _HANGUL.search(text):
        return "korean"
    if _CJK.search(text):
        return "chinese"
    if _ARABIC_HEBREW.search(text):
        return "semitic"
    return "other"


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """The name's words in folded ASCII, initials joined."""
    text = unicodedata.normalize("NFKC", text or "")
    script = script_of(text)
    if script == "japanese":
        text = _japanese(text)
    elif script == "chinese":
        text = " ".join(_pinyin(text))  # a syllable a word: "上海安德" and "Shanghai Ande"
    elif script == "korean":
        text = " ".join(anyascii(ch) if _HANGUL.match(ch) else ch for ch in text)
    elif script == "semitic":
        text = _FINAL_VOWEL_LETTER.sub("a", text)
        text = _HEBREW_VOWEL_LETTERS.sub(lambda m: _HEBREW_VOWELS.get(m.group(), ""), text)
    # ъ: a vowel in Bulgarian (ă), as its systems write it; ŝ: щ in ISO 9 (shch, sht)
    text = text.replace("ъ", "a").replace("Ъ", "A").replace("ŝ", "shch").replace("Ŝ", "Shch")
    text = _IN_WORD.sub("", anyascii(_IN_WORD.sub("", text)))
    folded = _NOT_WORD.sub(" ", text.lower()).split()
    out: list[str] = []
    initials = False
    for word in folded:
        if len(word) == 1 and word.isalpha() and initials:
            out[-1] += word
        else:
            out.append(word)
            initials = len(word) == 1 and word.isalpha()
    return tuple(out)


def _cut_cjk(text: str) -> tuple[str, str]:
    """(the name without an East Asian form at its start or end, that form or "")."""
    stripped = text.strip()
    for form in _CJK_FORMS:
        if stripped.endswith(form):
            return stripped[: -len(form)], form
        if stripped.startswith(form):
            return stripped[len(form) :], form
    return stripped, ""


_DIGRAPHS = {
    "shch": "s",
    "tsch": "c",
    "sch": "s",
    "dzh": "j",
    "tch": "c",
    "sh": "s",
    "ch": "c",
    "zh": "s",  # ж: zh, ž (ISO 9, Czech), sch (German) and z (Polish ż) alike
    "dz": "j",
    "kh": "k",
    "ts": "c",
    "tz": "c",
    "cz": "c",
    "sz": "s",
    "ph": "f",
    "th": "t",
    "gh": "g",
    "ck": "k",
    "qu": "k",
    "dj": "j",
}
# Vowel pairs, after the letters are made one (so that "oye" and "oe" meet).
_VOWEL_PAIRS = {
    "ae": "a",
    "oe": "o",
    "ue": "u",
    "eo": "o",
    "eu": "u",
    "ou": "o",
    "ei": "i",
    "oo": "u",  # English spellings of Arabic and Hebrew names: Joodbeen for Judbin
    "ee": "i",
}
# One pass each, longest first: what one replacement writes is never read by another.
_DIGRAPH = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
_VOWEL_PAIR = re.compile("|".join(_VOWEL_PAIRS))
_LETTERS = str.maketrans(
    # l and r are one letter in Korean (ㄹ) and Japanese romanizations
    {
        "y": "i",
        "j": "i",
        "w": "v",
        "q": "k",
        "x": "k",
        "z": "s",
        "g": "k",
        "b": "p",
        "d": "t",
        "l": "r",
        "h": None,
    }
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"(.)\1+")
_GLIDE = re.compile(r"i(?=[aeou])")  # ya, yu, ye, yo (я, ю, є, ё) and â, û, ê, ë (ISO 9)
_VOWELS = re.compile(r"[aeiou]")


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str:
    """A word's key (module docstring)."""
    word = _SOFT_C.sub("s", word)
    word = _DIGRAPH.sub(lambda m: _DIGRAPHS[m.group()], word)
    word = _GLIDE.sub("", word.replace("c", "k").translate(_LETTERS))
    word = _VOWEL_PAIR.sub(lambda m: _VOWEL_PAIRS[m.group()], word)
    return _DOUBLE.sub(r"\1", word)


_GUTTURAL = re.compile(r"[ck]h|h")  # ח, ה, خ, ح, ه: written h, ch, kh or not at all
_SIBILANT = re.compile(r"t[sz]")  # צ, ص: written ts, tz, z or s


@lru_cache(maxsize=262144)
def consonants(word: str) -> str:
    """The consonants of a word's key, for names written in Arabic or Hebrew script, whose
    romanizations differ in their vowels and their gutturals (h, ch, kh): left out; b, v, f and
    p (ב, פ) made one."""
    key = skeleton(_SIBILANT.sub("s", _GUTTURAL.sub("", word))).replace("v", "p").replace("f", "p")
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", key))


@dataclass(frozen=True)
class Name:
    """A name ready to compare (matcher.py)."""

    text: str
    script: str
    words: tuple[str, ...]  # folded, without the legal form
    form: legal_forms.Found | None
    keys: tuple[str, ...]  # skeleton() of each word

    @property
    def squashed(self) -> str:
        """The words run together, then keyed (a Korean name's syllables read as one word)."""
        return skeleton("".join(self.words))

    @property
    def sorted_keys(self) -> str:
        return " ".join(sorted(self.keys))

    @property
    def consonants(self) -> str:
        return "".join(consonants(word) for word in self.words)


_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_HYPHEN = re.compile(r"\w[-‐‑–]\w")
_QUOTED = re.compile(r"[«»„“”\"'()]")
# Hepburn to Kunrei-shiki (and Nihon-shiki): shi si, chi ti, tsu tu, fu hu, ji zi, sha sya...
_KUNREI = (
    (re.compile(r"shi"), "si"),
    (re.compile(r"chi"), "ti"),
    (re.compile(r"tsu"), "tu"),
    (re.compile(r"fu"), "hu"),
    (re.compile(r"ji"), "zi"),
    (re.compile(r"sh(?=[aou])"), "sy"),
    (re.compile(r"ch(?=[aou])"), "ty"),
    (re.compile(r"j(?=[aou])"), "zy"),
)


def _kunrei(word: str) -> str:
    for pattern, replacement in _KUNREI:
        word = pattern.sub(replacement, word)
    return word


# Cyrillic as other systems than anyascii's (English-like: kh, ts, ch, zh, shch, ya) spell it,
# each from its published table: the letters that differ from it.
# ISO 9 (1995), as lists print it without its diacritics (and the legal forms' table reads its
# Cyrillic spellings so)
ISO9 = {
    "х": "h",
    "ц": "c",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ж": "z",
    "й": "j",
    "ю": "u",
    "я": "a",
    "ё": "e",
    "є": "e",
    "ї": "i",
    "э": "e",
    "ъ": "",
    "ь": "",
}
_CYRILLIC_SYSTEMS = {
    "iso9": ISO9,
    # German (Duden)
    "german": {
        "в": "w",
        "ж": "sch",
        "з": "s",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ю": "ju",
        "я": "ja",
        "ё": "jo",
        "й": "i",
        "ъ": "",
        "ь": "",
    },
}
_UKRAINIAN_SYSTEM = {
    "г": "h",
    "ґ": "g",
    "и": "y",
    "й": "i",
    "є": "ie",
    "ї": "i",
    "ю": "iu",
    "я": "ia",
    "х": "kh",
    "ь": "",
}
_BULGARIAN_SYSTEM = {"х": "h", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "й": "y"}
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def spelled(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        value = table.get(low)
        if value is None:
            out.append(ch)
        else:
            out.append(value.capitalize() if ch != low else value)
    return "".join(out)


def _reading(text: str, spelled: str, name: Name) -> tuple[str, ...]:
    """The words of a name spelled another way, without its legal form, as prepare() makes
    them (the form as the original has it: ТОВ spelled TOW in German is still the form)."""
    reading = prepare(spelled)
    if reading.form is not None or name.form is None:
        return reading.words
    form = words(name.form.text)
    every = [ABBREVIATIONS.get(w, w) for w in words(spelled)]
    body = every[len(form) :] if words(text)[: len(form)] == form else every[: -len(form)]
    return tuple(w for w in body if w not in CONNECTORS)


def other_readings(text: str, country: str = "") -> list[Name]:
    """The name as other romanizations write it, where what the keys merge misses them:
    Cyrillic as ISO 9 and German spell it, and Ukraine's and Bulgaria's national systems for
    their names (a Ukrainian г is h: Navihatsiia, not Navigatsiya); Japanese in Kunrei-shiki
    (Zyusi for Jushi); Korean in McCune-Reischauer (Chŏngsan for Jeongsan)."""
    name = prepare(text)
    found: list[tuple[str, ...]] = []
    if name.script == "other" and _CYRILLIC_LETTER.search(text):
        tables = list(_CYRILLIC_SYSTEMS.values())
        if country == "UA" or _UKRAINIAN.search(text):
            tables.append(_UKRAINIAN_SYSTEM)
        if country == "BG" or "ъ" in text.lower():
            tables.append(_BULGARIAN_SYSTEM)
        found += [_reading(text, spelled(text, table), name) for table in tables]
    elif name.script == "japanese":
        found.append(tuple(_kunrei(w) for w in name.words))
    elif name.script == "korean":
        found.append(tuple(w.replace("j", "ch") for w in name.words))
    readings = {words: None for words in found if words and words != name.words}
    return [
        Name(text, name.script, words, name.form, tuple(skeleton(w) for w in words))
        for words in readings
    ]


@lru_cache(maxsize=65536)
def prepare(text: str) -> Name:
    script = script_of(unicodedata.normalize("NFKC", text or ""))
    cjk_form = ""
    body = unicodedata.normalize("NFKC", text or "")
    if script in ("chinese", "japanese", "korean"):
        body, cjk_form = _cut_cjk(body)
        body = body.replace("市", " ")
    tokens = list(words(body))
    if script == "other":
        tokens = [ABBREVIATIONS.get(w, w) for w in tokens]
    form = None
    if script not in (
        "chinese",
        "japanese",
        "korean",
    ):  # (a syllable is never a form: 사 is no S.A.)
        ends = _QUOTED.sub("", body).split()
        tokens, form = legal_forms.cut(
            tokens,
            at_end=not (ends and _HYPHEN.search(ends[-1])),
            at_start=not (ends and _HYPHEN.search(ends[0])),
        )
    if cjk_form:
        form = legal_forms.found(words(cjk_form))
        if tokens and not form:  # not in the table after all
            tokens += list(words(cjk_form))
    if script in ("other", "semitic"):  # (a syllable is never a connector: 엔 is no "en")
        tokens = [w for w in tokens if w not in CONNECTORS]
    return Name(text, script, tuple(tokens), form, tuple(skeleton(w) for w in tokens))
