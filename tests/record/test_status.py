import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unmask.record import services
from unmask.record.models import Link, LinkStatus


@pytest.fixture
def link(make_org, make_link):
    return make_link(
        make_org("Korvex Aerodynamics"),
        make_org("Lindqvist Composites", country="SE"),
        start="2018",
    )


def test_a_status_change_needs_a_note(link):
    with pytest.raises(ValidationError) as exc:
        services.change_status(link, LinkStatus.DISPUTED, note="  ")
    assert exc.value.message_dict["note"] == ["Say why: a note is required for this change."]
    link.refresh_from_db()
    assert link.status == LinkStatus.REPORTED
    assert link.status_events.count() == 1


def test_status_changes_are_kept_as_dated_events(link, reviewer):
    services.change_status(
        link,
        LinkStatus.CONFIRMED,
        note="Customs records match",
        effective="2021-03",
        actor=reviewer,
    )
    services.change_status(
        link,
        LinkStatus.ENDED,
        note="Supplier announced it stopped",
        effective="2023-11-02",
        actor=reviewer,
    )
    link.refresh_from_db()
    events = list(link.status_events.values_list("old_status", "new_status", "effective", "note"))
    assert events[1:] == [
        ("reported", "confirmed", "2021-03", "Customs records match"),
        ("confirmed", "ended", "2023-11-02", "Supplier announced it stopped"),
    ]
    assert link.end == "2023-11-02"
    assert not Link.objects.public().active().exists()
    assert link.history.first().history_change_reason.startswith("Status: Ended")


def test_an_editor_may_dispute_but_not_confirm(link, editor):
    services.change_status(
        link, LinkStatus.DISPUTED, note="A second source contradicts it", actor=editor
    )
    with pytest.raises(PermissionDenied):
        services.change_status(link, LinkStatus.CONFIRMED, note="Looks right", actor=editor)


def test_an_invalid_effective_date_changes_nothing(link):
    with pytest.raises(ValidationError, match="no month 14"):
        services.change_status(link, LinkStatus.ENDED, note="Stopped", effective="2023-14")
    link.refresh_from_db()
    assert link.status == LinkStatus.REPORTED
    assert link.status_events.count() == 1


def test_ending_needs_a_date_and_resuming_clears_it(link):
    with pytest.raises(ValidationError, match="say when the link ended"):
        services.change_status(link, LinkStatus.ENDED, note="Stopped, says a trade paper")
    services.change_status(
        link, LinkStatus.ENDED, note="Stopped, says a trade paper", effective="2022"
    )
    link.refresh_from_db()
    assert link.end == "2022"
    services.change_status(
        link, LinkStatus.CONFIRMED, note="Deliveries resumed per 2024 customs data"
    )
    link.refresh_from_db()
    assert link.end == ""
    assert Link.objects.public().active().filter(pk=link.pk).exists()


def test_a_status_cannot_take_effect_before_the_link_began(link):
    with pytest.raises(ValidationError, match="before the link's start date 2018"):
        services.change_status(link, LinkStatus.DISPUTED, note="Contradicted", effective="2017-06")
