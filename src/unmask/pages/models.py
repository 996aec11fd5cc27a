"""The site's own texts that editors write, not translators: the home page's introduction and
the methodology. Each page is written in one language and may have translations (unmask/texts.py),
like a call to action. Without a page in the database the site shows its built-in text, which
the interface catalogues translate (pages/templates/pages/home.html, methodology.html)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unmask import texts


class PageSlug(models.TextChoices):
    HOME = "home", _("Home page introduction")
    METHODOLOGY = "methodology", _("Methodology")


class Page(models.Model):
    slug = models.CharField(_("page"), max_length=20, choices=PageSlug.choices, unique=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language it is written in; its translations are below."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown. Rendered and sanitized."))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(PageSlug(self.slug).label)

    def get_absolute_url(self) -> str:
        return reverse("pages:home" if self.slug == PageSlug.HOME else "pages:methodology")

    def text(self, language: str | None = None) -> PageText:
        """The page in `language` (the reader's by default) when translated, else as written."""
        original = PageText(page=self, language=self.language, title=self.title, body=self.body)
        return texts.pick(original, self.texts.all(), language)

    def languages(self) -> list[str]:
        return texts.languages(self.language, self.texts.all())

    def missing_languages(self) -> list[str]:
        return texts.missing(self.language, self.texts.all())


class PageText(texts.TitledTranslation):
    """A page in another language."""

    original_field = "page"
    same_language_error = _("The page is written in this language: edit the page itself.")

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="texts"
    )

    class Meta(texts.TitledTranslation.Meta):
        verbose_name = _("translation of a page")
        verbose_name_plural = _("translations of the page")
        constraints = [texts.one_per_language("page", "page_text_one_per_language")]
