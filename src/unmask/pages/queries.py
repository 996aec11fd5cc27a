"""Reading the editable pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from unmask.pages.models import Page, PageSlug, PageText
from unmask.texts import reading_language


def builtin(slug: str, language: str | None = None) -> PageText:
    """The site's own text of a page, in the reader's language through the interface's
    catalogues: what readers see until an editor writes the page, and what the demo data and
    a new page start from."""
    language = reading_language(language)
    with translation.override(language):
        title = {
            PageSlug.HOME: _("Who supplies the drone program?"),
            PageSlug.METHODOLOGY: _("Methodology"),
        }[PageSlug(slug)]
        body = render_to_string(f"pages/builtin/{slug}.md").strip() + "\n"
    return PageText(language=language, title=title, body=body)


def text(slug: str) -> tuple[Page | None, PageText]:
    """The page `slug` and its text in the reader's language (or as written, which the page
    then says); without a page in the database, (None, its built-in text)."""
    page = Page.objects.filter(slug=slug).prefetch_related("texts").first()
    if page is None:
        return None, builtin(slug)
    return page, page.text()
