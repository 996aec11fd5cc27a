"""Control characters never break an output. Text typed into a form, the admin or an import is
stored clean (cleantext.clean); text stored before that rule is dropped from the XML and the
iCalendar the site writes. Every output is read back with its reference parser: Atom with a
strict XML parser and feedparser, the ICS with icalendar, GraphML with networkx, FtM with
followthemoney."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import time

import feedparser
import icalendar
import networkx
import pytest
from django.test import Client
from followthemoney import model as ftm_model
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from unmask.campaign import services as campaign
from unmask.campaign.models import Action, ActionStatus
from unmask.campaign.services import When
from unmask.cleantext import clean
from unmask.exchange import intake
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.record.models import Link, Organization, Response, Source

from .campaign.dates import SOON
from .campaign.test_submit import quick_pow, solved, typed  # noqa: F401 (a fixture)
from .record.test_admin import _inline, _link_form, _org_form

# What XML 1.0 and RFC 5545 text cannot carry, and what clean() removes besides.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r\ud800-\udfff\ufffe\uffff]")
ANSI = "Roses are \x1b[0;31mred\x1b[0m,\x0b violets\x7f are \x85blue\x0c"


def outputs(client, org: Organization, action: Action) -> dict[str, bytes]:
    urls = {
        "atom": "/feeds/actions.atom",
        "calls": "/feeds/calls.atom",
        "changes": "/feeds/changes/",
        "org-feed": f"/org/{org.public_id}/{org.slug}/feed/",
        "opml": "/feeds.opml",
        "ics": "/calendar/actions.ics",
        "action-ics": f"/actions/{action.public_id}.ics",
        "graphml": "/graph/network.graphml",
        "part-graphml": "/data/part.graphml",
        "ftm": "/data/part.ftm",
    }
    bodies = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        bodies[name] = b"".join(response) if response.streaming else response.content
    return bodies


def assert_readable(bodies: dict[str, bytes]) -> None:
    for name in ("atom", "calls", "changes", "org-feed"):
        ET.fromstring(bodies[name])  # strict: raises on a character XML forbids
        feed = feedparser.parse(bodies[name])
        assert not feed.bozo, (name, feed.bozo_exception)
    ET.fromstring(bodies["opml"])
    for name in ("ics", "action-ics"):
        text = bodies[name].decode()
        assert not ILLEGAL.search(text), name
        assert icalendar.Calendar.from_ical(text).walk("VEVENT")
    for name in ("graphml", "part-graphml"):
        graph = networkx.read_graphml(io.BytesIO(bodies[name]))
        assert graph.number_of_nodes() > 0
    lines = bodies["ftm"].decode().splitlines()
    assert lines
    for line in lines:
        ftm_model.get_proxy(json.loads(line))


def announce(moderator, **fields) -> Action:
    values = {"title": "Vigil at the Korvex gate", "kind": "vigil", "city": "Kassel"}
    values["country"] = "DE"
    when = When(SOON, time(18), SOON, time(19, 30), "Europe/Berlin", "")
    action = campaign.submit_action(when, **values)[0]
    return campaign.publish_action(action, actor=moderator)


@pytest.fixture
def record(network, moderator):
    org = network["orgs"]["engines"]
    return org, announce(moderator)


def test_control_characters_stored_before_the_fix_break_no_output(client, record, moderator):
    """Text stored before clean() existed (written here with update(), which skips save()), in
    an organization's name and an action's title, place and reason (no NUL: PostgreSQL never
    stored one): every feed, calendar and graph still parses."""
    org, action = record
    Organization.objects.filter(pk=org.pk).update(name=f"Korvex {ANSI}")
    Action.objects.filter(pk=action.pk).update(
        title=ANSI, description=f"Line\x01 one\x1f\r\n{ANSI}", city="Kassel\x08"
    )
    org.refresh_from_db()
    assert_readable(outputs(client, org, action))
    Action.objects.filter(pk=action.pk).update(
        status=ActionStatus.CANCELLED, status_reason=f"Cancelled \x1b[1m{ANSI}"
    )
    assert_readable(outputs(client, org, action))


def test_typed_and_imported_text_loses_its_control_characters(
    client, editor, moderator, network, tmp_path
):
    """The submission form, the reply form, the admin and the CSV import all store clean
    text."""
    response = client.post(
        "/submit/", typed(title=ANSI, description="a\r\nb\x00c") | {"altcha": solved(client)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = Action.objects.get(title__startswith="Roses")
    assert action.title == "Roses are [0;31mred[0m, violets are blue"
    assert action.description == "a\nbc"

    org = network["orgs"]["engines"]
    response = client.post(
        f"/org/{org.public_id}/{org.slug}/reply/",
        {"text": f"We never supplied {ANSI} to anyone.", "contact_email": "a@example.org"},
    )
    assert response.status_code == 302
    assert Response.objects.get().text == f"We never supplied {clean(ANSI)} to anyone."

    client.force_login(editor)
    response = client.post("/admin/record/organization/add/", _org_form(name="\x1b\x07"))
    assert response.status_code == 200  # a name of control characters alone is an empty name
    response = client.post(
        "/admin/record/organization/add/",
        _org_form(name="Brask\x1b Avionics\u0301", description=ANSI, country="NO"),
    )
    assert response.status_code == 302
    added = Organization.objects.get(name__startswith="Brask")
    assert added.name == "Brask Avionic\u015b"  # NFC: s and a combining accent made one
    assert added.description == clean(ANSI) and not UNWANTED.search(added.description)
    # Text stored before with "\r\n", sent back unchanged by the browser, is no change to
    # explain: saving without a reason still works.
    Organization.objects.filter(pk=added.pk).update(description="One\r\ntwo")
    url = f"/admin/record/organization/{added.pk}/change/"
    unchanged = _org_form(name=added.name, description="One\r\ntwo", country="NO")
    response = client.post(url, unchanged)
    assert response.status_code == 302, response.content.decode()[:3000]

    path = tmp_path / "orgs.csv"
    path.write_text(f'name,kind,country,description\nVelmar\x1b Systems,company,FI,"{ANSI}"\n')
    outcome = orgs_csv.import_file(path, actor=editor)
    assert outcome.ok, str(outcome)
    imported = Organization.objects.get(name__startswith="Velmar")
    assert imported.name == "Velmar Systems"
    assert imported.description == clean(ANSI)

    company = {"id": "x-1", "schema": "Company", "properties": {"name": ["Skarvik\x1b Marine"]}}
    path = tmp_path / "foreign.ftm.jsonl"
    path.write_text(json.dumps(company) + "\n")  # the control character JSON-escaped
    outcome = intake.import_any(path)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert Organization.objects.filter(name="Skarvik Marine").exists()


# Any text but lone surrogates, which no request can carry (UTF-8 cannot encode them), with
# the characters that broke the outputs drawn often.
TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from("\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85\x9f\r\n\t\ufffe\uffff\u0301"),
    ),
    max_size=40,
)
ADDRESSES = (f"10.15.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def _change_form(obj, stored: str, blank: str = "", **fields) -> dict:
    """The admin change form of `obj` as the page sends it: the fields named in `stored` as
    stored (in text; a foreign key as its id), those in `blank` empty, no change reason, then
    `fields`."""
    data = {name: str(getattr(obj, obj._meta.get_field(name).attname)) for name in stored.split()}
    return data | dict.fromkeys(blank.split(), "") | {"change_reason": ""} | fields


SITE_FIELDS = "organization name role address city country latitude longitude precision"
SOURCE_FIELDS = "title publisher kind url published_on language"


def _admin_post(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])


@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
def test_any_text_through_every_form_leaves_every_output_readable(
    client, record, network, reviewer, moderator, source, settings, text
):
    """Arbitrary Unicode, control characters included, typed into the submission form, the
    reply form and each text field of the admin's record forms: nothing stored keeps a control
    character, and every feed, calendar, graph and FtM export still reads."""
    settings.SUBMIT_LIMIT = 1000
    org = Organization.objects.get(pk=record[0].pk)  # as the examples before left it
    address = next(ADDRESSES)

    response = client.post(
        "/submit/",
        typed(
            title=f"Vigil {text}",
            description=text,
            address=f"Gate {text}",
            city=f"Kassel {text}",
            group_name=f"Circle {text}",
        )
        | {"altcha": solved(client)},
        REMOTE_ADDR=address,
    )
    assert response.status_code in (200, 302), response.status_code
    event(f"submission answered {response.status_code}")
    for submitted in Action.objects.filter(status=ActionStatus.SUBMITTED):
        campaign.publish_action(submitted, actor=moderator)

    response = client.post(
        f"/org/{org.public_id}/{org.slug}/reply/",
        {"text": f"Our reply, long enough: {text}", "contact_email": "press@example.org"},
        REMOTE_ADDR=address,
    )
    assert response.status_code in (200, 302), response.status_code
    event(f"reply answered {response.status_code}")

    staff = Client()
    staff.force_login(reviewer)
    reason = {"change_reason": f"Checked again {text}"}
    _admin_post(
        staff,
        f"/admin/record/organization/{org.pk}/change/",
        _org_form(name=f"Korvex {text}", description=text, confirm_not_duplicate="on") | reason,
    )
    link = network["links"]["engine"]
    _admin_post(
        staff, f"/admin/record/link/{link.pk}/change/", _link_form(link, summary=text) | reason
    )
    product = network["chain"][1]
    product_form = {"name": f"KX-40 {text}", "kind": product.kind, "maker": product.maker_id}
    _admin_post(
        staff,
        f"/admin/record/product/{product.pk}/change/",
        product_form
        | {"part_of": product.part_of_id, "description": text}
        | _inline("citations")
        | reason,
    )
    site = network["sites"]["engines"]
    _admin_post(
        staff,
        f"/admin/record/site/{site.pk}/change/",
        _change_form(site, SITE_FIELDS, name=text, address=text, city=f"Kassel {text}")
        | _inline("citations")
        | reason,
    )
    _admin_post(
        staff,
        f"/admin/record/source/{source.pk}/change/",
        _change_form(
            source,
            SOURCE_FIELDS,
            "archive_url retrieved_on notes",
            title=f"Report {text}",
            publisher=text,
            notes=text,
        )
        | reason,
    )

    for model, fields in [
        (Action, ("title", "description", "address", "city")),
        (Response, ("text",)),
        (Organization, ("name", "description")),
        (Link, ("summary",)),
        (Source, ("title", "publisher", "notes")),
    ]:
        for values in model.objects.values_list(*fields):
            assert not any(UNWANTED.search(v) for v in values), (model, values)
    org.refresh_from_db()
    assert_readable(outputs(client, org, Action.objects.order_by("pk").last()))
