import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from unmask.record import services
from unmask.record.partial_dates import PartialDate, PartialDateError, end_before_start


@pytest.mark.parametrize("value", ["2019", "2019-05", "2019-05-17", "2024-02-29"])
def test_it_accepts_a_year_a_month_or_a_day(value):
    assert str(PartialDate.parse(value)) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("19", "is not a date"),
        ("2019/05", "is not a date"),
        ("May 2019", "is not a date"),
        ("2019-5", "is not a date"),
        ("2019-13", "no month 13"),
        ("2019-00", "no month 00"),
        ("2023-02-29", "2023-02 has no day 29"),
        ("2019-04-31", "2019-04 has no day 31"),
        ("1066", "out of range"),
    ],
)
def test_it_refuses_anything_else_and_says_why(value, reason):
    with pytest.raises(PartialDateError) as exc:
        PartialDate.parse(value)
    assert reason in exc.value.reason


@given(
    st.dates(
        min_value=__import__("datetime").date(1800, 1, 1),
        max_value=__import__("datetime").date(2200, 12, 31),
    )
)
def test_every_real_day_round_trips(day):
    assert PartialDate.parse(day.isoformat()).earliest() == day


def test_overlapping_precisions_are_not_end_before_start():
    assert not end_before_start("2019", "2019-03")
    assert not end_before_start("2019-05-17", "2019-05")
    assert end_before_start("2019-05", "2019-04-30")
    assert end_before_start("2020", "2019")


def test_a_link_with_an_invalid_date_is_refused_naming_the_field(make_org):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    with pytest.raises(ValidationError) as exc:
        services.create_link(subject=a, object=b, relation="supplies_material", start="2019-13")
    assert exc.value.message_dict["start"] == ["Start date: there is no month 13."]


def test_a_link_cannot_end_before_it_starts(make_org):
    a, b = make_org("Korvex Aerodynamics"), make_org("Lindqvist Composites", country="SE")
    with pytest.raises(ValidationError) as exc:
        services.create_link(
            subject=a, object=b, relation="supplies_material", start="2020-06", end="2019"
        )
    assert exc.value.message_dict["end"] == ["End date: 2019 is before the start date 2020-06."]
