"""A call to action's printable fact sheet (/calls/<id>/sheet.pdf), read back with pypdf; and a
fact sheet for every organization and call of the demo."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pypdf
import pytest
from django.core.management import call_command

from unmask.campaign import services
from unmask.campaign.models import Call
from unmask.campaign.services import When
from unmask.demo import record as record_demo
from unmask.record import version
from unmask.record.models import Organization
from unmask.web import pdf

from .dates import SOON

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def read(response) -> pypdf.PdfReader:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def text_of(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def size_of(reader: pypdf.PdfReader) -> tuple[float, float]:
    box = reader.pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def sheet_url(call: Call, prefix: str = "") -> str:
    return f"{prefix}/calls/{call.public_id}/sheet.pdf"


@pytest.fixture
def call(db, network, moderator):
    item = Call.objects.create(
        title="Stop the Korvex drone",
        body=(
            "## Why\n\nThey **supply** the engine of the [Talvik-9](https://example.org/talvik)."
            "\n\n<script>alert(1)</script>"
        ),
        language="en",
        starts_on=date(2031, 5, 1),
        ends_on=date(2031, 6, 30),
    )
    services.write_targets(item, [network["orgs"]["engines"], network["chain"][0]])
    services.publish_call(item, actor=moderator)
    return item


def announce(call, moderator, title="Vigil at the Korvex gate", day=SOON):
    when = When(day, time(18), day, time(19, 30), "Europe/Berlin", "")
    action = services.submit_action(
        when, title=title, kind="vigil", city="Kassel", country="DE", call=call
    )[0]
    services.publish_action(action, actor=moderator)
    return action


def test_the_sheet_holds_the_call_its_targets_and_its_next_actions(client, call, moderator):
    announce(call, moderator)
    response = client.get(sheet_url(call))
    reader = read(response)
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Stop the Korvex drone" in text and "CALL TO ACTION" in text
    assert "From May 1, 2031 to June 30, 2031" in text
    assert "They supply the engine" in text  # the markdown, rendered
    assert "(https://example.org/talvik)" in text  # a link's address is printed after it
    assert "alert(1)" in text and "<script>" in text  # raw HTML stays text, as on the site
    assert "Korvex Aerodynamics (Company, Germany)" in text
    assert "Talvik-9 program" in text
    assert "0 of 2 sourced links confirmed" in text  # Korvex's two links as supplier
    assert "Vigil at the Korvex gate" in text and "Kassel, Germany" in text
    assert f"http://testserver/calls/{call.public_id}/stop-the-korvex-drone/" in text
    assert "Printed on" in text
    assert (
        response["Content-Disposition"] == 'inline; filename="stop-the-korvex-drone-fact-sheet.pdf"'
    )
    assert not response.cookies

    page = client.get(call.get_absolute_url()).content.decode()
    assert f'href="{sheet_url(call)}"' in page and f'href="{sheet_url(call)}?paper=letter"' in page


def test_a4_or_letter(client, call):
    assert size_of(read(client.get(sheet_url(call)))) == A4
    assert size_of(read(client.get(sheet_url(call) + "?paper=letter"))) == LETTER


def test_a_long_call_is_cut_to_one_page(client, call, moderator):
    call.body = "\n\n".join(f"Paragraph {n}: " + "words of the call " * 40 for n in range(30))
    call.save()
    for n in range(8):
        announce(call, moderator, title=f"Action number {n}", day=SOON + timedelta(days=n))
    reader = read(client.get(sheet_url(call) + "?paper=letter"))
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Paragraph 0" in text and "Paragraph 29" not in text
    assert "The whole text is on the call's page." in text
    assert "Action number 0" in text and "Action number 7" not in text


def test_only_published_calls_have_a_sheet(client, call, moderator):
    draft = Call.objects.create(title="Not yet", body="Draft", language="en")
    assert client.get(sheet_url(draft)).status_code == 404
    assert client.get("/calls/zzzzzzzz/sheet.pdf").status_code == 404


def test_cached_per_campaign_and_record_version(client, call, moderator, make_org, monkeypatch):
    renders = []
    real = pdf.render
    monkeypatch.setattr(pdf, "render", lambda *a, **k: renders.append(1) or real(*a, **k))
    first = client.get(sheet_url(call))
    assert client.get(sheet_url(call)).content == first.content and len(renders) == 1
    unchanged = client.get(sheet_url(call), HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and len(renders) == 1

    announce(call, moderator, title="A new vigil")  # the campaign changes
    assert "A new vigil" in text_of(read(client.get(sheet_url(call)))) and len(renders) == 2
    client.get(sheet_url(call))
    assert len(renders) == 2

    before = version.current(version.RECORD)
    make_org("Neuwerk Antriebe")  # the record changes: the targets' evidence may have
    assert version.current(version.RECORD) > before
    assert client.get(sheet_url(call), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert len(renders) == 3


def test_the_german_address(client, call):
    text = text_of(read(client.get(sheet_url(call, "/de"))))
    assert f"http://testserver/de/calls/{call.public_id}/stop-the-korvex-drone/" in text
    assert "Deutschland" in text  # the targets' country, translated by django-countries


# --- every organization and call of the demo -----------------------------------------------


@pytest.mark.django_db
def test_every_demo_organization_and_call_has_a_one_page_sheet(client):
    record_demo.load_demo(seed=5, orgs=14, sites=18, links=40, sources=10, responses=3)
    call_command("demo_campaign", stdout=io.StringIO())
    orgs = list(Organization.objects.public())
    calls = list(Call.objects.filter(published_at__isnull=False))
    assert len(orgs) == 14 and len(calls) == 1  # one call, its texts in every language
    scripts = set()
    for org in orgs:
        reader = read(client.get(f"/org/{org.public_id}/{org.slug}/sheet.pdf"))
        assert len(reader.pages) == 1, org.name
        # The name in its own script (Chinese, Cyrillic, ...): the machine's fonts have it.
        assert " ".join(org.name.split()) in text_of(reader), org.name
        scripts.add(org.name.isascii())
    assert scripts == {True, False}  # the demo names some organizations in other scripts
    for item in calls:
        for paper in ("", "?paper=letter"):
            reader = read(client.get(sheet_url(item) + paper))
            assert len(reader.pages) == 1, item.title
            assert item.title.split()[0] in text_of(reader)
        url = sheet_url(item)
        for text in item.texts.all():  # the sheet in each language the call is written in
            reader = read(client.get(f"/{text.language}{url}"))
            assert len(reader.pages) == 1, text.language
            assert " ".join(text.title.split()[:2]) in " ".join(text_of(reader).split())
