"""The campaign's tables of a CSV bundle imported: through the campaign's services, with the
batch's reason, publication only for moderators, targets merged with those the bundle cannot
have, problems with their file, line and column, old bundles without the campaign, undo."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from unmask.accounts import roles
from unmask.campaign import services
from unmask.campaign.models import Action, ActionTarget, Call, CallTarget, CallText, LocalGroup
from unmask.exchange import batches
from unmask.exchange.formats.csvbundle import read as bundle_import
from unmask.exchange.formats.csvbundle import write as csvbundle
from unmask.exchange.models import ImportBatch
from unmask.exchange.selection import Selection

from . import test_roundtrip

record = test_roundtrip.record  # the round trip's record (a fixture), with the campaign
wipe = test_roundtrip.wipe

CAMPAIGN = ("groups", "calls", "call_texts", "call_targets", "actions", "action_targets")


def read(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rewrite(directory: Path, table: str, rows: list[dict[str, str]]) -> None:
    path = directory / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def bundle(tmp_path: Path, name: str = "bundle") -> Path:
    directory = tmp_path / name
    csvbundle.write(Selection.everything(), directory)
    return directory


@pytest.fixture
def organizer(db, django_user_model):
    """An editor who may write the campaign but neither moderate nor publish calls."""
    user = django_user_model.objects.create_user(username="orla", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    for codename in ("add_localgroup", "add_call", "change_call", "add_action"):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="campaign", codename=codename)
        )
    return django_user_model.objects.get(pk=user.pk)


def test_a_bundle_without_the_campaign_still_imports(record, tmp_path):
    """Bundles written before the campaign was exported have no campaign tables."""
    directory = bundle(tmp_path)
    for table in CAMPAIGN:
        (directory / f"{table}.csv").unlink()
    wipe()
    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert not set(CAMPAIGN) & set(outcome.tables)
    assert Action.objects.count() == Call.objects.count() == 0


def test_without_moderation_actions_wait_and_calls_stay_drafts(
    record, tmp_path, organizer, moderator
):
    directory = bundle(tmp_path)
    campaign = record["campaign"]
    wipe()
    outcome = bundle_import.import_bundle(directory, actor=organizer)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert not outcome.left_out
    assert not Action.objects.public().exists()
    assert not Call.objects.filter(published_at__isnull=False).exists()
    gate = Action.objects.get(public_id=campaign["at_gate"].public_id)
    assert gate.status == "submitted" and gate.published_at is None  # in the moderators' queue
    # a cancelled action is cancelled at once: it never reaches the queue, nobody turns up
    cancelled = Action.objects.get(public_id=campaign["cancelled"].public_id)
    assert (cancelled.status, cancelled.published_at) == ("cancelled", None)
    assert cancelled.status_reason == "The square is closed that week."
    assert outcome.left_unpublished >= 1 + 3  # the call, the actions (and the record's rows)
    assert gate.history.first().history_user == organizer

    # a moderator's import of the same bundle publishes what waits
    again = bundle_import.import_bundle(directory, actor=moderator)
    assert again.ok, [str(p) for p in again.problems]
    assert Action.objects.public().filter(public_id=gate.public_id).exists()
    assert Call.objects.filter(published_at__isnull=False).count() == 1
    assert again.tables["actions"].updated == 2 and again.tables["calls"].updated == 1


def test_changes_go_through_the_services_keep_hidden_targets_and_are_undone(
    record, tmp_path, make_org
):
    campaign = record["campaign"]
    call, gate = campaign["call"], campaign["at_gate"]
    hidden = make_org("Draft Target Ltd", publish=False)  # not public: not in the bundle
    services.write_targets(call, [*[t.thing for t in call.targets.all()], hidden])
    before_refs = [t.ref for t in call.targets.all()]
    directory = bundle(tmp_path)
    assert len(read(directory, "call_targets")) == 3

    actions = read(directory, "actions")
    row = next(r for r in actions if r["id"] == gate.public_id)
    row["title"] = "Vigil at the Korvex gate, an hour later"
    for column in ("starts_at", "ends_at"):
        hour = int(row[column][11:13]) + 1
        row[column] = f"{row[column][:11]}{hour:02d}{row[column][13:]}"
    rewrite(directory, "actions", actions)
    targets = read(directory, "call_targets")
    targets[0]["position"], targets[2]["position"] = "3", "1"  # the product first now
    rewrite(directory, "call_targets", targets)
    sequence, starts = gate.sequence, gate.starts_at

    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.tables["actions"].updated == 1 and outcome.tables["actions"].created == 0
    assert outcome.tables["call_targets"].unchanged == 3
    gate.refresh_from_db()
    assert gate.title.endswith("an hour later")
    assert gate.starts_at == starts + timedelta(hours=1)
    assert gate.last_ends_at == gate.ends_at and gate.sequence == sequence + 1
    assert gate.history.first().history_change_reason == outcome.batch.reason
    refs = [t.ref for t in call.targets.all()]
    assert refs == [before_refs[2], before_refs[1], before_refs[0], f"org:{hidden.public_id}"]
    assert CallTarget.history.filter(history_change_reason=outcome.batch.reason).exists()

    batches.undo(outcome.batch)
    gate.refresh_from_db()
    assert gate.title == "Vigil at the Korvex gate"
    assert gate.starts_at == starts
    assert [t.ref for t in call.targets.all()] == before_refs


def test_a_call_text_is_updated_added_and_undone(record, tmp_path):
    call = record["campaign"]["call"]
    directory = bundle(tmp_path)
    texts = read(directory, "call_texts")
    texts[0]["title"] = "Stoppt Talvik-9 jetzt"
    texts.append(
        {"id": f"{call.public_id}:fr", "call_id": call.public_id, "language": "fr"}
        | {"title": "Arrêtez le Talvik-9", "body": "Ils le construisent."}
    )
    rewrite(directory, "call_texts", texts)

    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    counted = outcome.tables["call_texts"]
    assert (counted.created, counted.updated, counted.unchanged) == (1, 1, 0)
    assert dict(call.texts.values_list("language", "title")) == {
        "de": "Stoppt Talvik-9 jetzt",
        "fr": "Arrêtez le Talvik-9",
    }
    assert call.texts.get(language="de").body == "- Sie bauen sie.\n- Wir nicht."  # as it was
    again = bundle_import.import_bundle(directory)
    assert again.tables["call_texts"].unchanged == 2 and not again.created + again.updated

    batches.undo(outcome.batch)
    assert dict(call.texts.values_list("language", "title")) == {"de": "Stoppt die Talvik-9"}


def test_a_whole_import_of_the_campaign_is_undone(record, tmp_path):
    directory = bundle(tmp_path)
    wipe()
    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok and Action.objects.public().count() == 3
    batches.undo(outcome.batch)
    assert not Action.objects.public().exists()
    assert not Action.objects.filter(deleted_at__isnull=True).exists()
    assert not Call.objects.filter(deleted_at__isnull=True).exists()
    assert not LocalGroup.objects.filter(deleted_at__isnull=True).exists()
    assert not CallTarget.objects.exists() and not ActionTarget.objects.exists()
    assert not CallText.objects.exists()


def test_a_group_of_another_site_is_matched_by_its_name(record, tmp_path):
    directory = bundle(tmp_path)
    group = record["campaign"]["group"]
    for table in ("groups", "actions"):
        path = directory / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(group.public_id, "othergrp"))
    groups = LocalGroup.objects.count()
    outcome = bundle_import.import_bundle(directory)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert LocalGroup.objects.count() == groups and outcome.tables["groups"].unchanged == 1
    assert not LocalGroup.objects.filter(public_id="othergrp").exists()
    assert outcome.tables["actions"].unchanged == 3


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "line", "words"),
    [
        ("actions", 0, "starts_at", "soon", 2, "not a time"),
        ("actions", 2, "timezone", "Europe/Kasel", 4, "not a known time zone"),
        ("actions", 2, "status", "submitted", 4, "not a public status"),
        ("actions", 2, "kind", "riot", 4, "not a valid choice"),
        ("actions", 0, "group_id", "nosuchgrp", 2, "'nosuchgrp'"),
        ("action_targets", 0, "site_id", "nosuchsite", 2, "'nosuchsite'"),
        ("call_targets", 1, "position", "second", 3, "not a position"),
        ("calls", 0, "language", "xx", 2, "not a valid choice"),
        ("call_texts", 0, "language", "en", 2, "the call's own language"),
        ("call_texts", 0, "language", "xx", 2, "not a valid choice"),
        ("call_texts", 0, "call_id", "nosuchcall", 2, "'nosuchcall'"),
    ],
)
def test_a_problem_in_the_campaign_tables_names_file_line_and_column(
    record, tmp_path, table, index, column, value, line, words
):
    directory = bundle(tmp_path)
    rows = read(directory, table)
    rows[index][column] = value
    rewrite(directory, table, rows)
    wipe()

    outcome = bundle_import.import_bundle(directory)
    assert not outcome.ok and outcome.batch is None
    assert [(p.file, p.line, p.column) for p in outcome.problems] == [
        (f"{table}.csv", line, column)
    ]
    assert words in outcome.problems[0].message
    assert not ImportBatch.objects.exists() and not Action.objects.exists()
