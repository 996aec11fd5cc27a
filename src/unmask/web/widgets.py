"""Form widgets rendered in Python rather than through a template per option: the same markup as
Django's own, for lists of hundreds of choices on pages rendered for every visitor (the action
form's countries and languages). Django's template renderer costs about 0.1 ms an option there.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")  # a constant
CHECKED = mark_safe(" checked")  # a constant


class QuickSelect(forms.Select):
    """A <select> of flat choices (no groups), as forms.Select renders it."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's own
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            ((v, SELECTED if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), options)


def checkbox_items(field: forms.BoundField, keep, template: str) -> SafeString:
    """The checkboxes of a CheckboxSelectMultiple field whose value `keep(value)` accepts, each
    filled into `template` ({id}, {input}, {value}, {label}), with the ids and attributes
    Django gives them (id_<name>_<index> over all choices, aria-invalid with errors)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    chosen = {str(v) for v in field.value() or ()}
    parts = []
    for index, (value, label) in enumerate(field.field.choices):
        if not keep(value):
            continue
        box_id = f"{field.auto_id}_{index}" if field.auto_id else ""
        box = format_html(
            '<input type="checkbox" name="{}" value="{}"{}{}>',
            field.html_name,
            value,
            flatatt({**widget.attrs, **attrs, **({"id": box_id} if box_id else {})}),
            CHECKED if str(value) in chosen else "",
        )
        parts.append(format_html(template, id=box_id, input=box, value=value, label=label))
    return mark_safe("".join(parts))  # each part made by format_html
