"""Sharing: every public link has a permalink page, the API points at it, and the pages of
organizations, claims, calls and actions name a preview image drawn here (web/cards.py)."""

from __future__ import annotations

import io
import re
import time
from html import unescape

import pytest
from django.core.management import call_command
from PIL import Image

from unmask.campaign.models import Action, Call
from unmask.demo import record as record_demo
from unmask.record import services
from unmask.record.models import LinkStatus, Organization, Response, ResponseChannel

OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]+)">')


def meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


def local(url: str) -> str:
    return url.removeprefix("http://testserver")


def read_png(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert not response.cookies
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG"
    return image


@pytest.fixture
def claim(make_org, make_link):
    korvex = make_org("Korvex Aerodynamics")
    talvik = make_org("Talvik Aerosystems", country="TR")
    link = make_link(korvex, talvik, start="2021-03", summary="Korvex delivers the wing spars.")
    services.change_status(link, LinkStatus.DISPUTED, note="Korvex denies a second contract")
    reply = services.record_response(
        organization=korvex,
        link=link,
        received_on="2024-02-01",
        channel=ResponseChannel.EMAIL,
        text="We stopped all deliveries in 2022.",
    )
    services.publish_response(reply)
    return link


def test_claim_page_shows_the_claim_its_evidence_history_and_reply(client, claim):
    url = f"/claim/{claim.public_id}/"
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "Korvex Aerodynamics" in html and "Talvik Aerosystems" in html
    assert "Korvex delivers the wing spars." in html
    assert "…delivers wing spars to…" in html  # the citation's quote
    assert "Annual report 2023 of Korvex Aerodynamics" in html  # its source
    assert "Korvex denies a second contract" in html  # the status history
    assert "We stopped all deliveries in 2022." in html  # the published reply
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert meta(html, "og:url") == f"http://testserver{url}"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert read_png(client.get(local(meta(html, "og:image")))).size == (1200, 630)
    # The organization's page offers the permalink of each claim, with its copy control.
    profile = client.get(claim.subject.get_absolute_url()).content.decode()
    assert f'href="{url}" data-copy-link' in profile


def test_unpublished_or_deleted_claims_are_not_found(client, claim, make_org, make_link):
    draft = make_link(make_org("Lindqvist Composites", country="SE"), claim.object, publish=False)
    assert client.get(f"/claim/{draft.public_id}/").status_code == 404
    assert client.get(f"/claim/{draft.public_id}/card.png").status_code == 404
    services.unpublish(claim, reason="Source withdrawn")
    assert client.get(f"/claim/{claim.public_id}/").status_code == 404
    services.publish(claim)
    assert client.get(f"/claim/{claim.public_id}/").status_code == 200
    services.soft_delete(claim, reason="Duplicate")
    assert client.get(f"/claim/{claim.public_id}/").status_code == 404
    assert client.get("/claim/nosuchid/").status_code == 404


def test_a_merged_organizations_claims_keep_their_permalink(client, claim, make_org):
    keep = make_org("Korvex Group")
    services.merge_organizations(keep, claim.subject, reason="Same company")
    html = client.get(f"/claim/{claim.public_id}/").content.decode()
    assert "Korvex Group" in html and "Talvik Aerosystems" in html


def test_the_api_gives_each_link_its_permalink(client, claim):
    expected = f"http://testserver/claim/{claim.public_id}/"
    body = client.get(f"/api/v1/links/{claim.public_id}").json()
    assert body["url"] == expected
    assert client.get(local(body["url"])).status_code == 200
    listed = client.get("/api/v1/links").json()["results"]
    assert [item["url"] for item in listed] == [expected]
    replies = client.get("/api/v1/responses").json()["results"]
    assert replies[0]["link"]["url"] == expected  # a reference to a link, too


def test_the_card_changes_with_the_record_and_sets_no_cookie(client, claim):
    org = claim.subject
    page = client.get(org.get_absolute_url()).content.decode()
    versioned = local(meta(page, "og:image"))
    assert versioned.startswith(f"/org/{org.public_id}/{org.slug}/card.png?v=")
    assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
    assert meta(page, "og:image:type") == "image/png"
    first = client.get(versioned)
    read_png(first)
    assert "max-age=31536000" in first["Cache-Control"]  # this URL's content never changes
    assert "Cookie" not in first.get("Vary", "")
    unversioned = client.get(f"/org/{org.public_id}/{org.slug}/card.png")
    assert unversioned["ETag"] == first["ETag"] and "max-age=3600" in unversioned["Cache-Control"]
    again = client.get(versioned, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    services.update_record(org, name="Korvex Aerodynamics AG", reason="Renamed")
    org.refresh_from_db()
    changed = client.get(
        f"/org/{org.public_id}/{org.slug}/card.png", headers={"If-None-Match": first["ETag"]}
    )
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.content != first.content
    page = client.get(org.get_absolute_url()).content.decode()
    assert local(meta(page, "og:image")) != versioned  # previews made now fetch the new card


def test_the_card_speaks_the_pages_language(client, claim):
    org = claim.subject
    english = client.get(f"/org/{org.public_id}/{org.slug}/card.png")
    arabic = client.get(f"/ar/org/{org.public_id}/{org.slug}/card.png")
    assert read_png(arabic).size == (1200, 630)
    assert arabic["ETag"] != english["ETag"] and arabic.content != english.content


@pytest.mark.django_db
def test_every_demo_organization_call_and_action_has_a_preview_image(client):
    record_demo.load_demo()
    call_command("demo_campaign", stdout=io.StringIO())
    orgs = list(Organization.objects.public())
    calls = list(Call.objects.filter(published_at__isnull=False, deleted_at__isnull=True))
    actions = list(Action.objects.filter(status="published", deleted_at__isnull=True)[:3])
    assert len(orgs) >= 50 and calls and actions
    started = time.perf_counter()
    for item in [*orgs, *calls, *actions]:
        html = client.get(item.get_absolute_url()).content.decode()
        assert meta(html, "twitter:card") == "summary_large_image", item
        image = read_png(client.get(local(meta(html, "og:image"))))
        assert image.size == (1200, 630), item
    elapsed = time.perf_counter() - started
    print(f"{len(orgs) + len(calls) + len(actions)} pages and cards in {elapsed:.1f} s")
    # Claims too: the first few links of the demo.
    for response in Response.objects.public().exclude(link=None)[:3]:
        html = client.get(f"/claim/{response.link.public_id}/").content.decode()
        assert response.text.split()[0] in html
        assert read_png(client.get(local(meta(html, "og:image")))).size == (1200, 630)
