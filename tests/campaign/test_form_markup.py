"""The action form's long lists (countries, languages) are rendered in Python (web/widgets.py),
not through a template per option: the markup is Django's own all the same, bound or not,
with choices kept and errors marked."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

from unmask.campaign.forms import ActionForm

from ..markup import same

# The list items as the form's template wrote them before, through Django's own widgets.
ITEM = (
    '<li><label for="{{ box.id_for_label }}">{{ box.tag }} <span lang="{{ box.data.value }}">'
    "{{ box.choice_label }}</span></label></li>"
)
LANGUAGES = {
    site: Template(
        "{% for box in form.languages %}"
        f"{{% if box.data.value {test} form.site_languages %}}{ITEM}{{% endif %}}{{% endfor %}}"
    )
    for site, test in ((True, "in"), (False, "not in"))
}


@pytest.fixture(params=["unbound", "bound with an error"])
def form(request, db):
    if request.param == "unbound":
        return ActionForm(initial={"country": "TR", "languages": ["tr", "ku"]})
    form = ActionForm(data={"country": "DE", "languages": ["de", "yo", "xx"], "title": ""})
    form.is_valid()  # the title is missing; an unknown language too
    return form


def test_the_country_list_is_djangos_select(form):
    quick = str(form["country"])
    assert quick.count("<option") > 240 and " selected>" in quick
    field = form.fields["country"]
    field.widget = forms.Select(choices=field.choices)
    form._bound_fields_cache.clear()
    assert same(quick, str(form["country"]))


@pytest.mark.parametrize("site", [True, False], ids=["site languages", "more languages"])
def test_the_language_checkboxes_are_djangos(form, site):
    quick = form.site_language_items if site else form.other_language_items
    assert quick.count('type="checkbox"') > (5 if site else 50)
    assert " checked" in quick or not site  # a site language is chosen in both forms
    assert same(quick, LANGUAGES[site].render(Context({"form": form})))
