"""The home text and the methodology: built in and translated by the catalogues until an editor
writes them; then one page, several texts, like a call to action."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from unmask.demo import pages as demo
from unmask.pages.models import Page, PageText

pytestmark = pytest.mark.django_db


@pytest.fixture
def methodology():
    page = Page.objects.create(
        slug="methodology",
        language="en",
        title="How we work",
        body="## Evidence\n\nEvery claim is **sourced**. <script>alert(1)</script>",
    )
    PageText.objects.create(
        page=page, language="de", title="So arbeiten wir", body="Jede Aussage ist **belegt**."
    )
    return page


def test_without_a_page_the_built_in_text_is_shown_in_every_language(client):
    german = client.get("/de/methodology/").content.decode()
    assert "<h1" in german and "Methodik" in german  # from the catalogue
    assert "<li><strong>Bestätigt</strong>:" in german  # the statuses, as a list
    assert 'class="meta untranslated"' not in german
    assert "Wer beliefert das Drohnenprogramm?" in client.get("/de/").content.decode()


def test_a_written_page_is_shown_in_the_readers_language_else_as_written(client, methodology):
    german = client.get("/de/methodology/").content.decode()
    assert "So arbeiten wir" in german and "<strong>belegt</strong>" in german
    assert 'class="meta untranslated"' not in german

    arabic = client.get("/ar/methodology/").content.decode()
    assert "How we work" in arabic and "<strong>sourced</strong>" in arabic
    assert 'class="meta untranslated"' in arabic
    assert 'lang="en" dir="auto"' in arabic  # English keeps its direction on a right-to-left page
    assert "<script>alert" not in arabic  # rendered and sanitized as every text is


def test_the_admin_keeps_every_edit_and_lists_the_missing_translations(client, reviewer):
    call_command("demo_pages")
    home = Page.objects.get(slug="home")
    assert home.texts.count() == 8 and not home.missing_languages()
    home.texts.get(language="fr").delete()

    client.force_login(reviewer)
    listing = client.get("/admin/pages/page/").content.decode()
    assert '<td class="field-missing">fr</td>' in listing
    change = client.get(f"/admin/pages/page/{home.pk}/change/").content.decode()
    assert 'id="texts-empty"' in change  # reviewers translate pages
    assert home.history.count() == 1


def test_the_demo_pages_are_the_built_in_texts_in_every_language_and_leave_no_trace(client):
    assert demo.load() == {"pages": 2, "translations": 16}
    assert demo.load() == {"pages": 0, "translations": 0}  # what is written is left alone
    kurdish = client.get("/ku/").content.decode()
    assert "Kî bernameya dronan dabîn dike?" in kurdish
    assert 'class="meta untranslated"' not in kurdish

    assert demo.remove() == 2
    assert not Page.objects.exists() and not Page.history.exists()
    assert not PageText.history.exists()
