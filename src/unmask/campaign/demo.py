"""Fictional campaign content for `make demo`: calls to action, local groups and actions, all
invented, dated from today so the calendar always has something upcoming."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from unmask.campaign import services
from unmask.campaign.models import Call, LocalGroup
from unmask.campaign.services import When
from unmask.record.models import Organization, Product, Site

GROUPS = [
    ("Harbourside Peace Collective", "Rotterdam", "NL", "Europe/Amsterdam", 51.9225, 4.47917),
    ("Kassel Drone Watch", "Kassel", "DE", "Europe/Berlin", 51.3127, 9.4797),
    ("Lyon sans drones", "Lyon", "FR", "Europe/Paris", 45.764, 4.8357),
    ("Rio Grande Vigil Group", "Porto Alegre", "BR", "America/Sao_Paulo", -30.0346, -51.2177),
]
ACTIONS = [
    # group index, title, kind, days from today, start hour, hours, rule
    (1, "Weekly vigil at the factory gate", "vigil", 2, 18, 1, "FREQ=WEEKLY;COUNT=26"),
    (0, "Info stand at the market", "info_stand", 5, 10, 4, ""),
    (2, "Rally: no parts for the drone program", "rally", 12, 14, 3, ""),
    (3, "Talk and film: who builds the drones?", "talk", 9, 19, 2, ""),
    (1, "Demonstration at the trade fair", "demonstration", 20, 11, 4, ""),
    (0, "Online letter-writing evening", "online", 7, 20, 2, ""),
]


class _System:
    """The demo loader, acting as organizer and moderator; no user account, no history user."""

    is_authenticated = False
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True


SYSTEM = _System()


@transaction.atomic
def load(actor) -> dict[str, int]:
    """Write the demo campaign through the services, as an organizer and moderators would."""
    program = Product.objects.public().filter(kind="program").order_by("pk").first()
    targets = list(Organization.objects.public().order_by("pk")[:3])
    call = Call.objects.create(
        title="Days of action against the drone's supply chain",
        body=(
            "Fictional demo call.\n\n## What we ask\n\nHold a **public, peaceful** action at a "
            "site of a supplier of the program, and tell us about it on this site."
        ),
        language="en",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=60),
    )
    services.write_targets(call, ([program] if program else []) + targets, actor=actor)
    services.publish_call(call, actor=actor)
    german = Call.objects.create(
        title="Aktionstage gegen die Lieferkette der Drohne",
        body="Fiktiver Demo-Aufruf.\n\nEine **öffentliche, friedliche** Aktion an einem Standort.",
        language="de",
        translation_of=call,
    )
    services.publish_call(german, actor=actor)
    groups = []
    for name, city, country, *_rest in GROUPS:
        group = LocalGroup(name=name, city=city, country=country, trusted=False)
        services._save(group, actor, "Demo data")
        groups.append(group)
    today = timezone.localdate()
    count = 0
    for index, title, kind, offset, hour, hours, rule in ACTIONS:
        _name, city, country, zone, lat, lon = GROUPS[index]
        day = today + timedelta(days=offset)
        online = kind == "online"
        # Each action is aimed at what the record holds: a demo site in its country (the
        # meeting point is at its gate), or the program and the call's targets.
        site = None if online else _site_in(country)
        address = "Main square"
        if site is not None:
            address = f"In front of {site.organization.name}"
            if site.precision in ("exact", "street"):
                lat, lon = site.latitude, site.longitude
        aimed = [site] if site is not None else ([program] if program else []) + targets[:1]
        action, _token = services.submit_action(
            When(day, time(hour), day, time(hour + hours), zone, rule),
            targets=aimed,
            title=title,
            kind=kind,
            description="Fictional demo action. Bring friends, banners and warm clothes.",
            city="" if online else city,
            country=country,
            address="" if online else address,
            latitude=None if online else lat,
            longitude=None if online else lon,
            online=online,
            online_url="https://meet.example.org/demo" if online else "",
            call=call,
            group=groups[index],
            languages="en",
        )
        services.publish_action(action, actor=actor)
        count += 1
    return {"calls": 2, "groups": len(groups), "actions": count}


def _site_in(country: str) -> Site | None:
    """A public demo site with a point in `country`, the same one every time."""
    return (
        Site.objects.public()
        .filter(country=country, latitude__isnull=False)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
