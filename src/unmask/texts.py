"""Texts in several languages that share one identity.

A call to action, an organization's description and an editable page (the home text, the
methodology) are each written in one language, their original, and may have translations: rows
of their own table (CallText, OrganizationText, PageText), one per language. What the
translations share (a call's targets and actions, an organization's links) stays on the one
record. A reader gets the text in their language when there is one, else the original, and the
page says so (docs/architecture.md, "Translations: a table of our own").

These helpers are the one rule for picking a text and for listing the missing languages; the
models call them with their own original and their (prefetched) translations. The translations'
tables share one abstract model, Translation (TitledTranslation for those with a title and a
body): the language, the time of the last change, the order, one text per language, the check
that a translation is not in the original's language, and the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


def one_per_language(original: str, name: str) -> models.UniqueConstraint:
    """The constraint each translations' table declares: one text per original and language."""
    return models.UniqueConstraint(fields=[original, "language"], name=name)


class Translation(models.Model):
    """A text in another language than its original's (a call, an organization, a page), one row
    per language. A concrete table adds the foreign key named by `original_field`, its text
    fields, and a Meta that inherits this one's (`class Meta(Translation.Meta)`) with its
    `one_per_language` constraint."""

    original_field: ClassVar[str]  # the foreign key to the original: "call", "page"...
    original_language_field: ClassVar[str] = "language"  # the original's language, on it
    same_language_error: ClassVar[str]  # why a text in the original's language is refused

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self.label()} ({self.language})"

    def label(self) -> str:
        return str(getattr(self, f"{self.original_field}_id"))

    def original_language(self) -> str:
        return getattr(getattr(self, self.original_field), self.original_language_field)

    @property
    def translated(self) -> bool:
        """Whether this is a translation (not the original as written)."""
        return self.language != self.original_language()

    def clean(self):
        super().clean()
        if getattr(self, f"{self.original_field}_id") and not self.translated:
            raise ValidationError({"language": self.same_language_error})


class TitledTranslation(Translation):
    """A translation with a title and a Markdown body (a call, a page)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown. Rendered and sanitized."))

    class Meta(Translation.Meta):
        abstract = True

    def label(self) -> str:
        return self.title
