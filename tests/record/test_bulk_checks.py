"""What a dry run says the bulk writer would refuse (bulk.check_many, exchange/formats/orgs_csv/
check.py) is what the writer refuses: for values drawn at random (long, empty, odd scripts,
control characters, choices that do not exist), each object is given to the writer in a
transaction rolled back afterwards and to check_values, and the two must agree, message for
message. Objects made by bulk.instance are the objects Model(**values) makes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from unmask import cleantext
from unmask.record import bulk
from unmask.record.models import Identifier, Organization, OrganizationName
from unmask.record.text import normalize_identifier

TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="aßİ北京ﬁ Æ-·\u0301\u0958", min_size=140, max_size=320),
    st.sampled_from(["A" * 300, "A" * 301, "ß" * 160, "北" * 120, "", " ", "x\x00y", "a\x07b"]),
)
KINDS = st.sampled_from(["company", "institute", "spaceship", ""])
# ("de" is left out: full_clean() takes a lower-case code that the writer refuses.)
COUNTRIES = st.sampled_from(["DE", "NO", "", "XX"])
SCHEMES = st.sampled_from(["registry", "lei", "domain", "vat", "nonsense"])


class _Undo(Exception):
    pass


def _written(model, values: dict, pk=None) -> dict | None:
    """What the writer refuses of one object with `values` (None: it writes it)."""
    refused = []
    try:
        with transaction.atomic():
            with bulk.writer(reason="A check") as w:
                if pk is None:
                    parent = {}
                    if model is not Organization:
                        org = w.create([Organization(name="Holder", kind="company")])[0]
                        parent = {"organization": org}
                    w.create([model(**parent, **values)], invalid=refused.append)
                else:
                    org = w.create([Organization(name="Holder", kind="company")])[0]
                    for name, value in values.items():
                        setattr(org, name, value)
                    w.update([org], list(values), invalid=refused.append)
            raise _Undo
    except _Undo:
        pass
    return refused[0].message_dict if refused else None


def _checked(model, values: dict, pk=None) -> dict | None:
    error = bulk.check_values(model, values, pk=pk)
    checked = error.message_dict if error is not None else None
    # Django's own full_clean() on the object as stored (clean text, derived fields) agrees
    # on whether it is refused (it lists every field's errors; the writer names the first).
    obj = model(**values)
    cleantext.clean_instance(obj)
    obj.set_derived()
    try:
        obj.full_clean(exclude=["organization"], validate_unique=False)
    except ValidationError as exc:
        assert checked is not None and set(checked) <= set(exc.message_dict)
    else:
        assert checked is None
    return checked


SETTINGS = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@SETTINGS
@given(name=TEXT, kind=KINDS, country=COUNTRIES, description=TEXT)
def test_a_new_organization_is_refused_as_the_writer_refuses_it(name, kind, country, description):
    values = {"name": name, "kind": kind, "country": country, "description": description}
    assert _checked(Organization, values) == _written(Organization, values)


@pytest.mark.django_db
@SETTINGS
@given(name=TEXT, country=COUNTRIES, description=TEXT)
def test_a_changed_organization_is_refused_as_the_writer_refuses_it(name, country, description):
    values = {"name": name, "country": country, "description": description}
    full = {"kind": "company", **values}
    assert _checked(Organization, full, pk=1) == _written(Organization, values, pk=1)


@pytest.mark.django_db
@SETTINGS
@given(name=TEXT, scheme=SCHEMES, value=TEXT)
def test_other_names_and_identifiers_are_refused_as_the_writer_refuses_them(name, scheme, value):
    alias = {"name": name, "kind": "alias"}
    assert _checked(OrganizationName, alias) == _written(OrganizationName, alias)
    identifier = {"scheme": scheme, "value": value}
    assert _checked(Identifier, identifier) == _written(Identifier, identifier)


@given(scheme=SCHEMES, value=st.text(max_size=40))
def test_identifiers_are_normalized_as_letters_and_digits_of_any_script(scheme, value):
    expected = value.strip()
    if scheme == "domain":
        expected = expected.lower().removeprefix("https://").removeprefix("http://")
        expected = expected.removeprefix("www.").split("/")[0]
    else:
        expected = "".join(ch for ch in expected.upper() if ch.isalnum())
    assert normalize_identifier(scheme, value) == expected


@pytest.mark.django_db
def test_an_instance_is_the_object_the_model_makes():
    fast = bulk.instance(Organization, name="Skarholt Optics", kind="institute", country="NO")
    slow = Organization(name="Skarholt Optics", kind="institute", country="NO")
    drawn = {
        f.attname
        for f in Organization._meta.concrete_fields
        if f.has_default() and callable(f.default)
    }
    assert drawn == {"public_id", "created_at"}
    fields = [f.attname for f in Organization._meta.concrete_fields if f.attname not in drawn]
    assert {f: getattr(fast, f) for f in fields} == {f: getattr(slow, f) for f in fields}
    assert fast.public_id and fast.public_id != slow.public_id  # drawn for each
    assert abs((fast.created_at - slow.created_at).total_seconds()) < 5
    assert fast._state.adding and fast._state.db is None
    name = bulk.instance(OrganizationName, organization=fast, name="SO Lab")
    assert name.organization is fast and name.kind == "alias"
