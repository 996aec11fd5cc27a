"""The FtM export builds its many entities without EntityProxy (for speed): every value it stores
is the one EntityProxy.add would store, awkward text included."""

from __future__ import annotations

import pytest
from followthemoney import model

from unmask.exchange.formats.ftm.write import _Entity, _Values

VALUES = [
    ("Company", "name", '  "Korvex"   Aerodynamics  GmbH '),
    ("Company", "name", "Lindqvist\u00a0Composites\u200b AB"),  # no-break and zero-width space
    ("Company", "name", "Cafe\u0301 Ostmark"),  # decomposed: NFC makes it one character
    ("Company", "alias", ["ТОО «Лесатер»", "ТОО «Лесатер»", "", None, "\x07Bell"]),
    ("Company", "country", "de"),
    ("Company", "country", "XX"),  # no country: dropped
    ("Company", "modifiedAt", "2024-03-01"),
    ("Address", "full", "Industriepark 5\n34123 Kassel,, Germany"),
    ("Address", "latitude", "51.31234"),
    ("Ownership", "startDate", "2019-05"),
    ("Ownership", "startDate", "someday"),  # not a date: dropped
    ("Ownership", "owner", "unmask-org-ab12cd34"),
    ("Ownership", "owner", "not an id!"),  # dropped
    ("Document", "language", "en"),
]


@pytest.mark.parametrize(("schema", "prop", "value"), VALUES)
def test_a_value_is_stored_as_entityproxy_add_stores_it(schema, prop, value):
    proxy = model.make_entity(schema)
    proxy.id = "unmask-test-1"
    proxy.add(prop, value)
    for remembered in (False, True):  # cleaned anew, and remembered from a row before
        values = _Values()
        if remembered and type(value) is str:
            values.known(_Entity(schema, "unmask-test-0"), prop, value)
        entity = _Entity(schema, "unmask-test-1")
        (values.known if remembered and type(value) is str else values.add)(entity, prop, value)
        assert entity.properties.get(prop, []) == proxy.get(prop)
