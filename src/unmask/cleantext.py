"""Text as it may be stored, and as XML may carry it.

clean() is the one rule for text entering the site (forms, the admin, every model's save,
the importers' readers): NFC, line ends as \\n, no control character but tab and newline, no
lone surrogate, no noncharacter U+FFFE/U+FFFF. xml_text() makes text stored before that rule
safe for the writers of XML and iCalendar: it drops what XML 1.0 and RFC 5545 forbid."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.db import models
from django.utils import feedgenerator
from django.utils.functional import Promise

# C0 controls but tab, newline and carriage return; DEL and C1; lone surrogates; U+FFFE, U+FFFF.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_UNWANTED = re.compile(f"[{CONTROLS}]|\r\n?")
_ILLEGAL = re.compile(f"[{CONTROLS}]")


def clean(text: str) -> str:
    """`text` as the site stores it: NFC, "\\n" line ends, no control character but tab and
    newline, no lone surrogate or noncharacter."""
    if _UNWANTED.search(text):
        text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 and iCalendar text cannot carry (controls, lone
    surrogates, U+FFFE/U+FFFF), for writers of what was stored before clean() existed."""
    return _ILLEGAL.sub("", text)


def clean_value(value):
    """clean() applied to a string, or to the strings in a list, tuple or mapping (a JSON
    document as read)."""
    if isinstance(value, str):
        return clean(value)
    if type(value) in (list, tuple):
        return type(value)(clean_value(v) for v in value)
    if isinstance(value, Mapping):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value


def clean_instance(instance: models.Model) -> None:
    """clean() on every text field of a model instance, in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                cleaned = clean(value)
                if cleaned is not value:
                    setattr(instance, field.attname, cleaned)


def clean_before_save(sender, instance, **kwargs) -> None:
    """pre_save receiver (web/apps.py connects it): every model of unmask stores clean text,
    whether it comes through a form, the admin, a service or an importer."""
    if sender.__module__.startswith("unmask."):
        clean_instance(instance)


def clean_data(data):
    """A form's submitted data (a QueryDict or a dict) with every string clean()."""
    if hasattr(data, "lists"):
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [clean(v) if isinstance(v, str) else v for v in values])
        return copy
    return {k: clean(v) if isinstance(v, str) else v for k, v in data.items()}


class CleanTextMixin:
    """For forms: what was submitted is clean() before any field validates it, so a required
    field made only of control characters is refused as empty, and lengths count clean text.
    The initial values are compared clean too: text stored with "\\r\\n" is not a change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = clean_data(self.data)
        self.initial = clean_data(self.initial)


def _xml_value(value):
    if isinstance(value, str | Promise):
        return xml_text(str(value))
    if type(value) in (list, tuple):
        return type(value)(_xml_value(v) for v in value)
    return value


class Atom1Feed(feedgenerator.Atom1Feed):
    """Django's Atom1Feed, which answers 500 on a control character, with every text passed
    through xml_text()."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(_xml_value(a) for a in args), **{k: _xml_value(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(_xml_value(a) for a in args), **{k: _xml_value(v) for k, v in kwargs.items()}
        )
