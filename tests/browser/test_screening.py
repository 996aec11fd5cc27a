"""The screening page in a real browser (issue 18): a list uploaded as a file, screened, its
results shown as they come (the progress bar then the summary), each match linked to its
profile, the table narrowed to the matches by a box to tick, and the results downloaded as CSV
from the results page; in English and in Arabic, at a phone's size and a desktop's, with no
sideways scrolling and no request to another site. Every name is invented."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from .test_accessibility import COUNTED, EXEMPT, RUN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = (
    "Supplier,Country,Contract\n"
    "KORVATH SAVUNMA SAN. VE TIC. JSC,TR,A-1\n"
    "Нордлихт Антрибе ГмбХ,DE,A-2\n"
    "Nordlicht Antriebe GmbH,FR,A-3\n"
    "Ostwind Feinmechanik KG,AT,A-4\n"
)


@pytest.fixture
def record(make_org):
    make_org("Korvath Savunma Sanayi ve Ticaret A.Ş.", country="TR")
    return make_org("Nordlicht Antriebe GmbH", country="DE")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_a_list_is_uploaded_screened_and_downloaded(
    make_context, page_audit, axe_source, record, language, width, height, artifacts, tmp_path
):
    prefix = "" if language == "en" else f"/{language}"
    page = make_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{prefix}/screen/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator(".screen-privacy")).to_be_visible()
    listed = tmp_path / "suppliers.csv"
    listed.write_text(LIST, encoding="utf-8")
    page.locator("input[type=file][name=list]").set_input_files(listed)
    page.locator("button[value=show]").click()

    page.wait_for_selector("#screen-summary")
    status = page.locator("#screen-status")
    expect(status).to_have_attribute("aria-busy", "false")  # the script saw the page complete
    summary = page.locator("#screen-summary-line").inner_text()
    expect(status.locator(".screen-count")).to_contain_text(summary)  # with the counts
    rows = page.locator(".screen-results tbody tr")
    expect(rows).to_have_count(4)
    verdicts = [rows.nth(i).get_attribute("class") for i in range(4)]
    assert verdicts == ["verdict-match", "verdict-match", "verdict-possible", "verdict-no-match"]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=artifacts / f"screen-{language}-{width}.png", full_page=True)

    page.evaluate(axe_source)  # the results page, as axe-core judges it (test_accessibility)
    found = [v for v in page.evaluate(RUN, EXEMPT) if v["impact"] in COUNTED]
    assert not found, found
    page.locator("#screen-hits").check()  # only the matches and possible matches
    expect(page.locator(".screen-results tbody tr:visible")).to_have_count(3)
    expect(page.locator("tr.verdict-no-match")).to_be_hidden()

    with page.expect_download() as download_info:
        page.locator(".screen-again button[value=csv]").click()
    download = download_info.value
    assert download.suggested_filename == "screening-results.csv"
    text = download.path().read_bytes().decode("utf-8-sig")
    rows_out = list(csv.DictReader(io.StringIO(text)))
    assert [r["verdict"] for r in rows_out] == ["match", "match", "possible", "no match"]
    assert rows_out[1]["profile"].endswith(f"/org/{record.public_id}/")

    page.locator(".screen-results tbody tr").nth(1).get_by_role("link").first.click()
    expect(page).to_have_url(f"{page_audit.origin}{prefix}{record.get_absolute_url()}")
    page_audit.assert_clean()
