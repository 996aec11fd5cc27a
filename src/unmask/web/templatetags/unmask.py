from django import template
from django.utils.translation import get_language_info

from unmask.web import markdown

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    """A language's own name, or the code itself when Django does not know it (codes typed in
    the admin, or a call without a language), never an error page."""
    if not code:
        return ""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


@register.filter(name="markdown")
def markdown_filter(text: str):
    return markdown.render(text)


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """This page in another language (i18n URL prefix), keeping its query string."""
    from django.urls import translate_url
    from django.utils import translation

    request = context["request"]
    with translation.override(request.LANGUAGE_CODE):  # resolve in the page's own language
        return translate_url(request.get_full_path(), language)
