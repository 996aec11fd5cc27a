from django import template

from unmask.web import markdown

register = template.Library()


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
