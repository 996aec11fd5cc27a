"""Fixtures shared by the campaign's tests."""

from __future__ import annotations

import pytest

from unmask.campaign import services
from unmask.campaign.models import Call


@pytest.fixture
def call(db, network, moderator):
    """A published call against the program, an organization and a site of the network."""
    item = Call.objects.create(title="Stop the Talvik-9", body="They build it.", language="en")
    services.write_targets(
        item, [network["chain"][0], network["orgs"]["engines"], network["sites"]["bank"]]
    )
    services.publish_call(item, actor=moderator)
    return item
