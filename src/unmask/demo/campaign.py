"""Fictional campaign content for `make demo`: calls to action, local groups and actions, all
invented, dated from today so the calendar always has something upcoming."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from unmask.campaign import services
from unmask.campaign.models import Call, CallText, LocalGroup
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


# The demo call in every language the site offers: one call, several texts (invented).
CALL_TEXTS = {
    "ku": (
        "Rojên çalakiyê li dijî zincîra dabînkirinê ya dronê",
        "Banga çalakiyê ya demoyê ya xeyalî.\n\n## Em çi dixwazin\n\nLi cihekî dabînkerekî "
        "bernameyê çalakiyeke **giştî û aştiyane** li dar bixe û li ser vê malperê ji me re "
        "behs bike.",
    ),
    "ckb": (
        "ڕۆژانی چالاکی دژی زنجیرەی دابینکردنی درۆنەکە",
        "بانگەوازێکی نموونەیی خەیاڵی.\n\n## داوای چی دەکەین\n\nچالاکییەکی **گشتی و ئاشتیانە** "
        "لە بنکەی یەکێک لە دابینکەرانی بەرنامەکە ڕێکبخە و لەم ماڵپەڕەدا پێمان بڵێ.",
    ),
    "tr": (
        "İHA'nın tedarik zincirine karşı eylem günleri",
        "Kurgusal örnek çağrı.\n\n## Ne istiyoruz\n\nProgramın bir tedarikçisinin tesisinde "
        "**kamuya açık, barışçıl** bir eylem düzenleyin ve bu sitede bize bildirin.",
    ),
    "ar": (
        "أيام تحرّك ضد سلسلة توريد الطائرة المسيّرة",
        "دعوة تجريبية وهمية.\n\n## ما نطلبه\n\nنظّموا فعالية **علنية وسلمية** عند منشأة لأحد "
        "مورّدي البرنامج، وأخبرونا عنها على هذا الموقع.",
    ),
    "de": (
        "Aktionstage gegen die Lieferkette der Drohne",
        "Fiktiver Demo-Aufruf.\n\n## Was wir fordern\n\nHalte eine **öffentliche, friedliche** "
        "Aktion an einem Standort eines Zulieferers des Programms ab und erzähl uns hier davon.",
    ),
    "fr": (
        "Journées d’action contre la chaîne d’approvisionnement du drone",
        "Appel fictif de démonstration.\n\n## Ce que nous demandons\n\nOrganisez une action "
        "**publique et pacifique** sur un site d’un fournisseur du programme, et racontez-la-nous "
        "sur ce site.",
    ),
    "es": (
        "Jornadas de acción contra la cadena de suministro del dron",
        "Llamamiento ficticio de demostración.\n\n## Lo que pedimos\n\nOrganiza una acción "
        "**pública y pacífica** en una instalación de un proveedor del programa y cuéntanosla "
        "en este sitio.",
    ),
    "it": (
        "Giornate di azione contro la filiera del drone",
        "Appello fittizio di prova.\n\n## Cosa chiediamo\n\nOrganizza un'azione **pubblica e "
        "pacifica** presso una sede di un fornitore del programma e raccontacela su questo sito.",
    ),
}


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
    for language, (title, body) in CALL_TEXTS.items():
        CallText.objects.create(call=call, language=language, title=title, body=body)
    groups = []
    for name, city, country, *_rest in GROUPS:
        group = LocalGroup(name=name, city=city, country=country, trusted=False)
        group._change_reason = "Demo data"  # as the services' own saves mark their reason
        group.save()
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
    return {"calls": 1, "groups": len(groups), "actions": count}


def _site_in(country: str) -> Site | None:
    """A public demo site with a point in `country`, the same one every time."""
    return (
        Site.objects.public()
        .filter(country=country, latitude__isnull=False)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
