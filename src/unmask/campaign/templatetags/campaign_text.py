"""{{ code|language_label }}: a language's own name, or the code itself when Django does not know
it (codes typed in the admin, or a call without a language), never an error page."""

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    if not code:
        return ""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code
