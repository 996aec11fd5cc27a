"""Texts in several languages that share one identity.

A call to action, an organization's description and an editable page (the home text, the
methodology) are each written in one language, their original, and may have translations: rows
of their own table (CallText, OrganizationText, PageText), one per language. What the
translations share (a call's targets and actions, an organization's links) stays on the one
record. A reader gets the text in their language when there is one, else the original, and the
page says so (docs/architecture.md, "Translations: a table of our own").

These helpers are the one rule for picking a text and for listing the missing languages; the
models call them with their own original and their (prefetched) translations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.conf import settings
from django.utils.translation import get_language


class Text(Protocol):
    language: str


T = TypeVar("T", bound=Text)


def reading_language(language: str | None = None) -> str:
    """`language`, or the page's; the base code ("de" for "de-at")."""
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def pick(original: T, translations: Iterable[T], language: str | None = None) -> T:
    """The text in `language` (the page's by default) among `translations`, else `original`.
    A caller tells which it got by comparing the text's language with the one asked for."""
    wanted = reading_language(language)
    if wanted != original.language:
        for text in translations:
            if text.language == wanted:
                return text
    return original


def missing(original_language: str, translations: Iterable[Text]) -> list[str]:
    """The languages the site offers that have neither the original nor a translation."""
    have = {original_language, *(t.language for t in translations)}
    return [code for code, _name in settings.LANGUAGES if code not in have]


def languages(original_language: str, translations: Iterable[Text]) -> list[str]:
    """The languages a text can be read in: its original first, then its translations."""
    return [
        original_language,
        *(t.language for t in translations if t.language != original_language),
    ]
