"""An organization's description in several languages: the name and everything else stay the
organization's; a reader gets the description in their language, else as written with a note."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from unmask.record import services
from unmask.record.models import OrganizationText


@pytest.fixture
def org(make_org, editor):
    item = make_org(
        "Korvex Aerodynamics", description="Builds *airframes* for the program.", country="DE"
    )
    services.save_record(
        OrganizationText(
            organization=item, language="de", description="Baut *Flugzellen* für das Programm."
        ),
        actor=editor,
    )
    return item


def test_a_reader_gets_the_description_in_their_language_else_as_written(client, org):
    url = org.get_absolute_url()  # before a request activates another language in this thread
    german = client.get(f"/de{url}").content.decode()
    assert "Baut <em>Flugzellen</em> für das Programm." in german
    assert "Builds" not in german
    assert 'class="meta untranslated"' not in german
    assert "Korvex Aerodynamics" in german  # the registered name is never translated

    turkish = client.get(f"/tr{url}").content.decode()
    assert "Builds <em>airframes</em> for the program." in turkish
    assert 'class="meta untranslated"' in turkish  # and the page says so, in Turkish
    assert 'lang="en" dir="auto"' in turkish  # the English text keeps its own direction
    assert f'href="/de{url}" lang="de" hreflang="de"' in turkish  # also in German


def test_the_api_gives_the_description_in_every_language(client, org):
    data = client.get(f"/api/v1/organizations/{org.public_id}").json()
    assert data["description_language"] == "en"
    assert data["description_texts"] == [
        {"language": "de", "description": "Baut *Flugzellen* für das Programm."}
    ]


def test_a_translation_is_kept_in_the_history_and_refused_in_the_original_language(org, editor):
    text = org.texts.get()
    services.update_record(
        text, actor=editor, reason="Wording", description="Baut Flugzellen für das Programm."
    )
    assert [h.history_change_reason for h in text.history.order_by("history_id")] == [
        "Created",
        "Wording",
    ]
    with pytest.raises(ValidationError, match="written in this language"):
        services.save_record(
            OrganizationText(organization=org, language="en", description="Again"), actor=editor
        )


def test_a_merge_keeps_the_kept_organizations_text_and_moves_the_others(make_org, org, reviewer):
    other = make_org("Korvex Aero GmbH", description="Airframes.", country="DE")
    for language, description in (("de", "Flugzellen."), ("fr", "Cellules.")):
        services.save_record(
            OrganizationText(organization=other, language=language, description=description)
        )
    services.merge_organizations(org, other, actor=reviewer, reason="Same company")
    assert dict(org.texts.values_list("language", "description")) == {
        "de": "Baut *Flugzellen* für das Programm.",
        "fr": "Cellules.",
    }


def test_the_admin_edits_translations_and_lists_the_missing_ones(client, org, editor):
    client.force_login(editor)
    page = client.get(f"/admin/record/organization/{org.pk}/change/").content.decode()
    assert 'id="texts-empty"' in page  # an editor may add a translation
    listing = client.get("/admin/record/organization/").content.decode()
    assert "ku, ckb, tr, ar, fr, es, it" in listing  # every offered language but en and de


def test_the_original_cannot_move_into_a_language_that_has_a_translation(org, editor):
    with pytest.raises(ValidationError, match="has a translation in this language"):
        services.update_record(
            org, actor=editor, reason="Written in German", description_language="de"
        )


def test_cleaning_an_organization_reads_its_texts_only_when_its_language_changes(
    org, django_assert_num_queries
):
    from unmask.record.models import Organization

    stored = Organization.objects.get(pk=org.pk)
    stored.description = "Builds airframes and wings for the program."
    with django_assert_num_queries(0):
        stored.clean()  # same language as stored: no translation can be in it
    stored.description_language = "fr"
    with django_assert_num_queries(1):
        stored.clean()  # another language: is a translation in it? (none in French)
    stored.description_language = "de"
    with pytest.raises(ValidationError, match="has a translation in this language"):
        stored.clean()
