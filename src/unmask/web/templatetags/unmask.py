from urllib.parse import unquote, urlsplit, urlunsplit

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
    """This page in another language (i18n URL prefix), keeping its query string. A page asks
    for each language three times (the alternates in its head and the two language menus): the
    page's path is resolved once and each language's URL reversed once, per request."""
    request = context["request"]
    urls = getattr(request, "_unmask_translated_urls", None)
    if urls is None:
        urls = request._unmask_translated_urls = _TranslatedUrls(request)
    return urls[language]


class _TranslatedUrls(dict):
    """django.urls.translate_url's answers for one request's path, by language: the path
    resolved once (in the page's own language), each language's reverse() on first use."""

    def __init__(self, request) -> None:
        super().__init__()
        from django.urls import Resolver404, resolve
        from django.utils import translation

        self.url = request.get_full_path()
        self.parsed = urlsplit(self.url)
        with translation.override(request.LANGUAGE_CODE):  # resolve in the page's own language
            try:
                self.match = resolve(unquote(self.parsed.path))
            except Resolver404:
                self.match = None

    def __missing__(self, language: str) -> str:
        from django.urls import NoReverseMatch, reverse
        from django.utils import translation

        url, match = self.url, self.match
        if match is not None:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            with translation.override(language):
                try:
                    path = reverse(name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    pass
                else:
                    p = self.parsed
                    url = urlunsplit((p.scheme, p.netloc, path, p.query, p.fragment))
        self[language] = url
        return url
