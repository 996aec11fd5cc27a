"""Actions, as the campaign's rules say: local times that mean the right instants across summer
time, repetitions that keep their wall-clock time, moderation, the submitter's secret token,
cancellation that stays visible, and contact e-mails deleted when they are due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unmask.campaign import services, times
from unmask.campaign.models import Action, ActionStatus, LocalGroup
from unmask.campaign.services import When

from .dates import SUMMER_TIME_ENDS, SUMMER_TIME_STARTS, days

BERLIN = "Europe/Berlin"


def at(day, hour) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def when(day=SUMMER_TIME_ENDS, start=time(18), end=time(20), zone=BERLIN, recurrence=""):
    return When(day, start, day, end, zone, recurrence)


def submit(when_=None, **fields):
    values = {
        "title": "Vigil at the Korvex gate",
        "kind": "vigil",
        "city": "Kassel",
        "country": "DE",
    }
    values.update(fields)
    return services.submit_action(when_ or when(), **values)


def test_18_00_in_berlin_on_the_day_summer_time_ends_is_17_00_utc(db):
    action, _token = submit()
    assert action.starts_at == at(SUMMER_TIME_ENDS, 17)  # CET, UTC+1
    day_before, _token = submit(when(day=days(-1, SUMMER_TIME_ENDS)))
    assert day_before.starts_at == at(days(-1, SUMMER_TIME_ENDS), 16)  # CEST, UTC+2
    assert times.local(action.starts_at, BERLIN).strftime("%H:%M %Z") == "18:00 CET"


def test_a_weekly_vigil_keeps_18_00_local_across_the_change(db):
    action, _token = submit(when(day=days(-7, SUMMER_TIME_ENDS), recurrence="FREQ=WEEKLY;COUNT=3"))
    starts = [
        start
        for start, _end in times.occurrences(
            action.starts_at, action.ends_at, action.timezone, action.recurrence
        )
    ]
    assert starts == [
        at(days(-7, SUMMER_TIME_ENDS), 16),
        at(SUMMER_TIME_ENDS, 17),
        at(days(7, SUMMER_TIME_ENDS), 17),
    ]
    assert action.last_ends_at == at(days(7, SUMMER_TIME_ENDS), 19)


@pytest.mark.parametrize("kept", [True, False])  # the expansion kept, or one too long for it
def test_a_repeating_action_reads_the_same_in_any_window_and_either_time(monkeypatch, kept):
    """A daily 02:30 in Berlin across the start of summer time (that day, 03:30), read in UTC
    (each_occurrence) and in local time (each_local_occurrence, as calendars read it), whole
    and from any `since` to any `until`: never an occurrence lost, the same instants both ways."""
    if not kept:
        monkeypatch.setattr(times, "_EXPANDED_AT_MOST", 5)
    first = datetime.combine(days(-3, SUMMER_TIME_STARTS), time(2, 30)).replace(
        tzinfo=times.zone(BERLIN)
    )
    start, end = first.astimezone(UTC), (first + timedelta(hours=1)).astimezone(UTC)
    rule = "FREQ=DAILY;COUNT=9"
    every = times.occurrences(start, end, BERLIN, rule)
    local = list(times.each_local_occurrence(start, end, BERLIN, rule))
    assert [(b.astimezone(UTC), e.astimezone(UTC)) for b, e in local] == every
    clocks = [b.strftime("%H:%M") for b, _e in local]
    assert clocks == ["02:30"] * 3 + ["03:30"] + ["02:30"] * 5  # the clocks skip 02:30 that day
    for since in (b - timedelta(minutes=m) for b, _e in every for m in (-30, 0, 90)):
        for until in (since + timedelta(hours=h) for h in (1, 30, 200)):
            read = list(
                times.each_local_occurrence(start, end, BERLIN, rule, since=since, until=until)
            )
            needed = [(b, e) for b, e in every if e >= since and b < until]
            assert set(needed) <= {(b.astimezone(UTC), e.astimezone(UTC)) for b, e in read}
            assert read == sorted(read)


@pytest.mark.parametrize(
    ("when_", "field", "words"),
    [
        (when(zone="Europe/Berlinn"), "timezone", "not a known time zone"),
        (when(start=time(20), end=time(18)), "ends_at", "after the start"),
        # 02:30 does not exist in Berlin on the day summer time starts.
        (
            When(SUMMER_TIME_STARTS, time(2, 30), SUMMER_TIME_STARTS, time(4), BERLIN),
            "starts_at",
            "does not exist",
        ),
        (when(recurrence="FREQ=WEEKLY"), "recurrence", "needs an end"),
        (when(recurrence="FREQ=HOURLY;COUNT=3"), "recurrence", "daily, weekly or monthly"),
        (when(recurrence="FREQ=DAILY;COUNT=500"), "recurrence", "at most 200"),
        (when(recurrence="FREQ=WEEKLY;COUNT=x"), "recurrence", "cannot be read"),
    ],
)
def test_bad_times_are_refused_with_the_field_and_the_reason(db, when_, field, words):
    with pytest.raises(ValidationError) as caught:
        submit(when_)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Action.objects.exists()


def test_a_place_or_online_is_required(db):
    with pytest.raises(ValidationError) as caught:
        submit(city="", country="")
    assert "city" in caught.value.message_dict
    online, _token = submit(
        city="", country="", online=True, kind="online", online_url="https://meet.example.org/vigil"
    )
    assert online.online


def test_moderation_from_submission_to_publication(db, moderator, outsider):
    action, _token = submit()
    assert action.status == ActionStatus.SUBMITTED and not Action.objects.public().exists()
    with pytest.raises(PermissionDenied):
        services.publish_action(action, actor=outsider)
    with pytest.raises(ValidationError):
        services.reject_action(action, actor=moderator, reason=" ")
    services.publish_action(action, actor=moderator)
    assert list(Action.objects.public()) == [action]
    assert action.sequence == 1
    history = action.history.order_by("history_date")
    assert [h.history_change_reason for h in history] == ["Submitted", "Published"]
    assert history.last().history_user == moderator


def test_the_secret_link_edits_while_waiting_and_cancels_later(db, moderator):
    action, token = submit()
    assert action.edit_token_hash != token and len(action.edit_token_hash) == 64  # only a hash
    with pytest.raises(PermissionDenied):
        services.update_action(action, token="wrong", reason="Typo", title="Vigil")
    services.update_action(action, token=token, reason="Later start", when=when(start=time(19)))
    assert action.starts_at == at(SUMMER_TIME_ENDS, 18) and action.sequence == 1
    services.publish_action(action, actor=moderator)
    with pytest.raises(PermissionDenied):  # published: the submitter can cancel, not edit
        services.update_action(action, token=token, reason="Move", city="Hanau")
    services.cancel_action(action, token=token, reason="The permit was refused")
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED and action.sequence == 3
    assert list(Action.objects.public()) == [action]  # still shown, as cancelled


def test_a_rejected_action_stays_out_of_sight(db, moderator):
    action, _token = submit()
    services.reject_action(action, actor=moderator, reason="Not a public action")
    assert action.status_reason == "Not a public action"
    assert not Action.objects.public().exists()


def test_members_of_a_trusted_group_publish_directly(db, django_user_model):
    member = django_user_model.objects.create_user(username="kassel-group", password="pw")
    group = LocalGroup.objects.create(name="Kassel Peace Circle", city="Kassel", country="DE")
    group.members.add(member)
    waiting, _token = services.submit_action(
        when(), actor=member, title="Info stand", kind="info_stand", city="Kassel", group=group
    )
    assert waiting.status == ActionStatus.SUBMITTED  # not trusted yet
    group.trusted = True
    group.save()
    direct, _token = services.submit_action(
        when(), actor=member, title="Info stand", kind="info_stand", city="Kassel", group=group
    )
    assert direct.status == ActionStatus.PUBLISHED and direct.published_at is not None


def test_contact_emails_are_deleted_only_when_due_and_never_kept_in_history(db):
    past, _t = submit(when(day=date(2026, 9, 1)), contact_email="group@example.org")
    recent, _t = submit(when(day=date(2026, 11, 20)), contact_email="other@example.org")
    assert not hasattr(past.history.first(), "contact_email")
    now = datetime(2026, 11, 28, tzinfo=UTC)
    assert services.purge_contact_emails(days=30, now=now) == 1
    past.refresh_from_db()
    recent.refresh_from_db()
    assert past.contact_email == "" and recent.contact_email == "other@example.org"
    assert services.purge_contact_emails(days=30, now=now + timedelta(days=30)) == 1


def test_the_daily_purge_command_uses_the_retention_setting(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.CONTACT_RETENTION_DAYS = 14
    long_ago, _t = submit(when(day=date(2020, 1, 10)), contact_email="a@example.org")
    upcoming, _t = submit(
        when(day=date.today() + timedelta(days=400)), contact_email="b@example.org"
    )
    out = StringIO()
    call_command("purge_contact_emails", stdout=out)
    assert "Deleted 1 contact e-mail" in out.getvalue()
    long_ago.refresh_from_db()
    upcoming.refresh_from_db()
    assert (long_ago.contact_email, upcoming.contact_email) == ("", "b@example.org")
