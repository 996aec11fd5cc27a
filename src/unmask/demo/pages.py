"""The demo's home text and methodology: written in English and translated into every other
language the site offers, as editors and translators would in the admin. Their words are the
site's built-in texts (pages/templates/pages/builtin/), which the interface catalogues already
translate, so the demo shows how a page and its translations are kept, not new claims."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from unmask.pages.models import Page, PageSlug, PageText
from unmask.pages.queries import builtin

MARK = (
    "Fictional demo data"  # the reason of every history row the demo writes, as in demo/record.py
)


def _save(obj) -> None:
    obj._change_reason = MARK
    obj.full_clean()
    obj.save()


@transaction.atomic
def load() -> dict[str, int]:
    """Write the pages that are not written yet; a page an editor wrote is left alone."""
    counts = {"pages": 0, "translations": 0}
    for slug in PageSlug.values:
        if Page.objects.filter(slug=slug).exists():
            continue
        original = builtin(slug, settings.LANGUAGE_CODE)
        page = Page(slug=slug, language=original.language, title=original.title, body=original.body)
        _save(page)
        counts["pages"] += 1
        for code, _name in settings.LANGUAGES:
            if code != page.language:
                text = builtin(slug, code)
                _save(PageText(page=page, language=code, title=text.title, body=text.body))
                counts["translations"] += 1
    return counts


@transaction.atomic
def remove() -> int:
    """Delete the pages the demo wrote, with their translations and history, leaving no trace;
    a page an editor has changed since is kept."""
    removed = 0
    for page in Page.objects.all():
        if set(page.history.values_list("history_change_reason", flat=True)) != {MARK}:
            continue
        pk = page.pk
        page.delete()
        PageText.history.filter(page_id=pk).delete()
        Page.history.filter(id=pk).delete()
        removed += 1
    return removed
