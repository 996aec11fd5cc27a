"""An organization's printable fact sheet: a one-page PDF rendered on the server, read back here
with pypdf: what it says, its paper size, its language, its cache, and that rendering it loads
nothing from the network."""

from __future__ import annotations

import io
import socket
from datetime import date

import pypdf
import pytest
from django.utils import timezone, translation

from unmask.record import services, version
from unmask.record.models import Response
from unmask.web import pdf

A4 = (595.28, 841.89)  # points
LETTER = (612.0, 792.0)


def read(response) -> pypdf.PdfReader:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(response.content))


def text_of(reader: pypdf.PdfReader) -> str:
    """The text of every page, with runs of white space made one space (pypdf breaks lines
    where the layout wraps them)."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def size_of(reader: pypdf.PdfReader) -> tuple[float, float]:
    box = reader.pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def sheet_url(org, prefix: str = "") -> str:
    return f"{prefix}/org/{org.public_id}/{org.slug}/sheet.pdf"


@pytest.fixture
def engines(network, reviewer):
    """Korvex Aerodynamics, with its link to the integrator confirmed and a published reply."""
    org = network["orgs"]["engines"]
    services.change_status(
        network["links"]["engine"], "confirmed", note="Customs record", actor=reviewer
    )
    reply = services.record_response(
        organization=org,
        received_on=date(2024, 3, 5),
        channel="email",
        text="We deliver engines for civilian use only.",
    )
    services.publish_response(reply, actor=reviewer)
    return org


def test_the_sheet_names_the_organization_its_links_and_its_reply(client, engines, network):
    response = client.get(sheet_url(engines))
    reader = read(response)
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Korvex Aerodynamics" in text
    assert "Company · Germany" in text
    # Every public link, from either side, with the other party, the product and the status.
    for party in ("Talvik Aerosystems", "Lindqvist Composites", "Ostmark Kreditbank"):
        assert party in text
    assert "KX-40 engine" in text and "Harbour crane" in text
    assert "Supplies components to Talvik Aerosystems" in text
    assert "Receives components from Lindqvist Composites" in text
    assert "Confirmed" in text and "Reported" in text
    assert text.index("Talvik Aerosystems") < text.index("Lindqvist Composites")  # confirmed first
    assert "We deliver engines for civilian use only." in text
    assert "1 source cited" in text and "3 public links in the record" in text
    assert f"http://testserver/org/{engines.public_id}/korvex-aerodynamics/" in text
    assert "unmask" in text and "Printed on" in text
    assert reader.metadata.title == "Korvex Aerodynamics – unmask"

    assert (
        response["Content-Disposition"] == 'inline; filename="korvex-aerodynamics-fact-sheet.pdf"'
    )
    assert not response.cookies and "Set-Cookie" not in response
    assert response["Cache-Control"].startswith("public")


def test_the_profile_links_to_its_sheet_in_both_paper_sizes(client, engines):
    page = client.get(engines.get_absolute_url()).content.decode()
    assert f'href="{sheet_url(engines)}"' in page
    assert f'href="{sheet_url(engines)}?paper=letter"' in page
    assert "Fact sheet (PDF)" in page


def test_a4_by_default_us_letter_when_asked(client, engines):
    assert size_of(read(client.get(sheet_url(engines)))) == A4
    assert size_of(read(client.get(sheet_url(engines) + "?paper=letter"))) == LETTER
    assert size_of(read(client.get(sheet_url(engines) + "?paper=tabloid"))) == A4


def test_the_strongest_links_fill_one_page_and_the_rest_are_counted(
    client, make_org, make_link, reviewer
):
    hub = make_org("Brenntal Avionik", country="AT")
    for n in range(14):
        partner = make_org(f"Partner number {n:02d} Manufacturing Limited", country="PL")
        link = make_link(
            hub,
            partner,
            start=f"20{10 + n}-0{1 + n % 9}",
            summary="A long summary that the sheet leaves to the profile. " * 6,
        )
        if n in (3, 11):
            services.change_status(link, "confirmed", note="Registry", actor=reviewer)
    reader = read(client.get(sheet_url(hub)))
    assert len(reader.pages) == 1
    text = text_of(reader)
    shown = [n for n in range(14) if f"Partner number {n:02d}" in text]
    assert shown == [3, 7, 8, 9, 10, 11, 12, 13]  # the two confirmed, then the newest
    order = [text.index(f"Partner number {n:02d}") for n in (11, 3, 13, 12, 7)]
    assert order == sorted(order)  # confirmed first, then reported; newest first in each
    assert "6 more links on the profile." in text
    assert "14 public links in the record" in text


def test_a_long_reply_is_cut_to_keep_one_page(client, make_org, make_link, reviewer):
    org = make_org("Hallstein Werke")
    for n in range(8):
        make_link(org, make_org(f"Customer {n} with a rather long registered name GmbH"))
    reply = services.record_response(
        organization=org,
        received_on=date(2024, 1, 9),
        channel="letter",
        text="We reject these claims entirely. " * 200,
    )
    services.publish_response(reply, actor=reviewer)
    reader = read(client.get(sheet_url(org, "") + "?paper=letter"))
    assert len(reader.pages) == 1
    assert "The whole reply is on the profile." in text_of(reader)


def test_only_public_organizations_have_a_sheet(client, make_org, engines):
    draft = make_org("Verborgen Systeme", publish=False)
    assert client.get(sheet_url(draft)).status_code == 404
    assert client.get("/org/zzzzzzzz/nothing/sheet.pdf").status_code == 404
    moved = client.get(f"/org/{engines.public_id}/old-name/sheet.pdf?paper=letter")
    assert moved.status_code == 301
    assert moved["Location"] == sheet_url(engines) + "?paper=letter"


def test_the_german_address_gives_a_german_sheet(client, engines):
    reader = read(client.get(sheet_url(engines, "/de")))
    text = text_of(reader)
    assert len(reader.pages) == 1
    assert "Korvex Aerodynamics" in text
    assert f"http://testserver/de/org/{engines.public_id}/korvex-aerodynamics/" in text
    with translation.override("de"):
        german = translation.gettext("Printed on %(date)s")
        country = str(engines.country.name)
    assert "Deutschland" in country
    assert "Deutschland" in text  # country names come translated with django-countries
    if german == "Printed on %(date)s":
        pytest.skip("no German catalogue for unmask's own strings yet")
    assert "Printed on" not in text


def test_the_second_request_comes_from_the_cache_until_the_record_changes(
    client, engines, monkeypatch, make_org
):
    renders = []
    real = pdf.render

    def counting(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render", counting)
    first = client.get(sheet_url(engines))
    again = client.get(sheet_url(engines))
    assert first.content == again.content and len(renders) == 1
    client.get(sheet_url(engines) + "?paper=letter")
    client.get(sheet_url(engines, "/fr"))
    assert len(renders) == 3  # one per paper size and language

    unchanged = client.get(sheet_url(engines), HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and not unchanged.content and len(renders) == 3

    before = version.current()
    make_org("Neuwerk Antriebe")  # any write to the record
    assert version.current() > before
    changed = client.get(sheet_url(engines), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and len(renders) == 4


def test_the_date_printed_is_today(client, engines):
    text = text_of(read(client.get(sheet_url(engines))))
    today = timezone.localdate()
    assert f"{today.year}" in text.split("Printed on", 1)[1]


# --- the renderer loads nothing from the network ------------------------------------------


def test_the_url_fetcher_refuses_everything_but_data_and_static_files():
    assert pdf.local_resource("data:text/plain;base64,aGVsbG8=") == (b"hello", "text/plain")
    assert pdf.local_resource("data:text/css,p%7Bcolor:red%7D") == (b"p{color:red}", "text/css")
    css, mime = pdf.local_resource(pdf.BASE_URL + "static/unmask/sheet.css")
    assert mime == "text/css" and b"@page" in css
    for url in (
        "http://example.org/logo.png",
        "https://example.org/static/unmask/sheet.css",
        "https://fonts.example.net/font.woff2",
        "file:///etc/passwd",
        "ftp://example.org/x",
        pdf.BASE_URL + "static/../../../../etc/passwd",
        pdf.BASE_URL + "static//etc/passwd",
        pdf.BASE_URL + "media/responses/letter.pdf",
    ):
        with pytest.raises(pdf.Refused):
            pdf.local_resource(url)


def test_rendering_never_opens_a_connection(monkeypatch):
    asked = []
    real_fetch = pdf.local_resource

    def recording(url):
        asked.append(url)
        return real_fetch(url)

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to open a connection")

    monkeypatch.setattr(pdf, "local_resource", recording)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = (
        '<link rel="stylesheet" href="https://example.org/remote.css">'
        "<style>@font-face { font-family: X; src: url(https://example.org/x.woff2) }"
        " p { font-family: X }</style>"
        '<p>Hello</p><img src="http://example.org/pixel.png">'
        f'<img src="{pdf.qr_data_uri("https://unmask.example.org/org/abc/")}">'
    )
    document = pdf.render(lambda level: html, paper="letter")
    assert document.startswith(b"%PDF-")
    assert "https://example.org/remote.css" in asked
    assert "http://example.org/pixel.png" in asked
    assert any(url.startswith("data:image/svg+xml") for url in asked)
    assert "Hello" in text_of(pypdf.PdfReader(io.BytesIO(document)))


def test_the_reply_shown_is_the_latest_published_one(client, engines, network, reviewer):
    services.submit_reply(
        engines, text="An unchecked reply, not for print.", contact_email="press@korvex.example.org"
    )
    assert Response.objects.filter(organization=engines).count() == 2
    text = text_of(read(client.get(sheet_url(engines))))
    assert "An unchecked reply" not in text
    assert "We deliver engines for civilian use only." in text

    newer = services.record_response(
        organization=engines,
        link=network["links"]["crane"],
        received_on=date(2025, 2, 1),
        channel="letter",
        text="The crane is for a harbour.",
    )
    services.publish_response(newer, actor=reviewer)
    text = text_of(read(client.get(sheet_url(engines))))
    assert "The crane is for a harbour." in text  # the latest published reply
    assert "In answer to the link: Korvex Aerodynamics supplies components to" in text


def test_the_qr_code_draws_every_dark_module_of_qrcodes_matrix():
    """The sheet's QR code is qrcode's matrix drawn as runs of modules: read the runs back."""
    import re

    import qrcode

    url = "https://unmask.example.org/de/org/zhexh73b/korvex-aerodynamics/"
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    matrix = code.get_matrix()
    drawn = [[False] * len(matrix) for _ in matrix]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", pdf.qr_svg(url)):
        for column in range(int(x), int(x) + int(width)):
            drawn[int(y)][column] = True
    assert drawn == matrix


def test_the_shared_renderer_knows_no_domain_app_and_the_record_not_the_campaign():
    import ast
    from pathlib import Path

    src = Path(pdf.__file__).resolve().parent.parent

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        return names

    assert not {m for m in imported(src / "web" / "pdf.py") if m.startswith("unmask.")}
    assert not {m for m in imported(src / "record" / "sheets.py") if "campaign" in m}
