"""The /screen/ page (issue 18): a list uploaded (CSV, XLSX, text) or pasted, its columns
recognized or chosen, screened against the record's public organizations; the results as a
table with the evidence and profile links, or as CSV; and nothing of the list kept anywhere.
Every name is invented."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from unmask.exchange.screen_form import MAX_ROWS

URL = "/screen/"


@pytest.fixture
def record(make_org):
    korvath = make_org(
        "Korvath Savunma Sanayi ve Ticaret A.Ş.",
        country="TR",
        identifiers=[("lei", "213800I6A8MJ51TQ9K37")],
    )
    make_org("Korvath Optik Sanayi ve Ticaret A.Ş.", country="TR")
    nordlicht = make_org("Nordlicht Antriebe GmbH", country="DE")
    make_org("Vosturel Materials Inc.", country="US", publish=False)
    return {"korvath": korvath, "nordlicht": nordlicht}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page_of(response) -> str:
    assert response.status_code == 200, response.content[:2000]
    return b"".join(response.streaming_content).decode()


def counts(page: str) -> list[str]:
    """The summary: how many names, and how many got each verdict."""
    summary = page.split('id="screen-summary"', 1)[1].split("</section>", 1)[0]
    return [" ".join(t.split()) for t in re.findall(r">([^<>]*\S[^<>]*)</(?:p|span)>", summary)]


def test_a_csv_list_gets_a_table_of_verdicts_with_evidence_and_profile_links(client, record):
    listed = (
        "Supplier,Country,Amount\n"
        "KORVATH SAVUNMA SAN. VE TIC. JSC,TR,100\n"
        "Nordlicht Antriebe Gesellschaft mit beschränkter Haftung,Germany,5\n"
        "Nordlicht Antriebe GmbH,FR,7\n"
        "Vosturel Materials Inc.,US,9\n"
        "Nordlicht Avionik GmbH,DE,3\n"
    ).encode()
    response = client.post(URL, {"list": upload("suppliers.csv", listed), "action": "show"})
    assert response["Cache-Control"] == "no-store, private"
    page = page_of(response)
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr ")[1:]
    assert len(rows) == 5
    korvath, nordlicht, elsewhere, unpublished, other = rows
    assert 'class="verdict-match"' in korvath
    assert f'href="/org/{record["korvath"].public_id}/"' in korvath
    assert "Korvath Savunma Sanayi ve Ticaret A.Ş." in korvath
    assert 'class="verdict-match"' in nordlicht and "same name" in nordlicht
    # The record says Germany, the list France: a possible match, and the page says why.
    assert 'class="verdict-possible"' in elsewhere
    assert "your list says France, the record Germany" in elsewhere
    assert 'class="verdict-no-match"' in unpublished  # not public: never shown
    assert 'class="verdict-no-match"' in other  # one word differs: another company
    assert counts(page) == [
        "5 names screened:",
        "2 matched",
        "1 possible match",
        "2 without a match",
    ]
    assert "never stored" in client.get(URL).content.decode()  # the page says so


def test_an_xlsx_list_is_read_and_its_results_download_as_csv(client, record):
    book = Workbook()
    sheet = book.active
    sheet.append(["Firma", "Land", "LEI"])
    sheet.append(["Garbled Name", "TR", "213800I6A8MJ51TQ9K37"])
    sheet.append(["@Risky Holdings", "", ""])
    data = io.BytesIO()
    book.save(data)
    response = client.post(URL, {"list": upload("list.xlsx", data.getvalue()), "action": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="screening-results.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["verdict"] for r in rows] == ["match", "no match"]
    assert rows[0]["rule"] == "identifier"
    assert rows[0]["profile"] == f"http://testserver/org/{record['korvath'].public_id}/"
    assert rows[1]["name"] == "'@Risky Holdings"  # a formula in a list stays text in the results


def test_a_pasted_list_is_a_name_a_line(client, record):
    pasted = "Nordlicht Antriebe GmbH\n\nКорват Савунма\n"
    page = page_of(client.post(URL, {"pasted": pasted, "action": "show"}))
    assert page.count("<tr class=") == 2
    assert counts(page)[:2] == ["2 names screened:", "2 matched"]  # Korvat: Korvath in Cyrillic


def test_columns_not_recognized_are_chosen_without_choosing_the_file_again(client, record):
    listed = b"Lieferant;Staat\nNordlicht Antriebe GmbH;DE\n"
    asked = client.post(URL, {"list": upload("liste.csv", listed), "action": "show"})
    assert asked.status_code == 400
    form = asked.content.decode()
    assert "Which column holds the names?" in form
    assert '<option value="lieferant">' in form and '<option value="staat">' in form
    carried = form.split('name="carried" value="', 1)[1].split('"', 1)[0]
    chosen = {
        "carried": carried,
        "carried_name": "liste.csv",
        "name_column": "Lieferant",
        "country_column": "Staat",
        "action": "show",
    }
    page = page_of(client.post(URL, chosen))
    assert 'class="verdict-match"' in page and "liste.csv" not in page.split("<tbody>")[1]
    # The results page's download sends the same list and columns back.
    again = page.split('class="screen-again"', 1)[1].split("</form>", 1)[0]
    assert f'value="{carried}"' in again and 'value="Lieferant"' in again
    damaged = client.post(URL, {**chosen, "carried": carried[:-8] + "AAAAAAAA"})
    assert damaged.status_code == 400
    assert "choose the file again" in damaged.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Choose a file or paste a list."),
        (b"name,country\n\xff\xfe\x00bad,DE,x,y\n", "could not be read"),
        (b"PK\x03\x04 not really a spreadsheet", "could not be read"),
    ],
)
def test_a_list_that_cannot_be_read_says_why_and_keeps_what_was_typed(client, db, content, message):
    data = {"action": "show", "name_column": "Lieferant"}
    if content:
        data["list"] = upload("broken.csv", content)
    response = client.post(URL, data)
    assert response.status_code == 400
    form = response.content.decode()
    assert message in form
    assert 'value="Lieferant"' in form  # what was typed is still there


def test_a_list_longer_than_the_page_takes_is_refused_before_any_work(client, record):
    pasted = "\n".join(f"Firm {i}" for i in range(MAX_ROWS + 1))
    response = client.post(URL, {"pasted": pasted, "action": "show"})
    assert response.status_code == 400
    assert "more than 10,000 rows" in response.content.decode()


def test_nothing_of_a_list_remains_on_disk_or_in_the_logs(client, record, caplog, settings):
    """The list goes through the whole server (a 3 MB upload, larger than what Django keeps in
    memory by default, so that it would be written to a temporary file), and afterwards no file
    anywhere the process writes holds any of it, and no log record names it."""
    marker = "Zyqfarn Unrepeatable Trading"
    padding = "".join(f"{marker} {i:06d},DE\n" for i in range(80_000))
    listed = ("name,country\n" + padding).encode()
    assert len(listed) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    settings.SCREEN_LIMIT = 100
    started = time.time() - 1
    caplog.set_level(logging.DEBUG)
    folders = {Path(tempfile.gettempdir()), Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)}
    if settings.FILE_UPLOAD_TEMP_DIR:
        folders.add(Path(settings.FILE_UPLOAD_TEMP_DIR))

    for action in ("show", "csv"):
        response = client.post(URL, {"list": upload("private.csv", listed), "action": action})
        assert response.status_code == 400  # more rows than the page takes: read, then refused
    pasted = "\n".join(f"{marker} {i}" for i in range(50))
    for action in ("show", "csv"):
        response = client.post(URL, {"pasted": pasted, "action": action})
        assert marker in b"".join(response.streaming_content).decode("utf-8-sig")

    assert not [r for r in caplog.records if marker in r.getMessage()]
    written = []
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                path = Path(root) / name
                try:
                    if path.stat().st_mtime < started or path.stat().st_size > 50_000_000:
                        continue
                    if marker.encode() in path.read_bytes():
                        written.append(path)
                except OSError:
                    continue
    assert not written, written
