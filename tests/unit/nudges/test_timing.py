from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nudges.model import NudgeReason
from nudges.policy import Policy, ShiftPolicy
from nudges.timing import local_time_hint, next_slot, slot_for_nudge

from .factories import at, nudge, person

NO_HOLIDAYS: frozenset[date] = frozenset()
EVERY_DAY = frozenset(range(7))


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


@pytest.mark.parametrize(
    ("tz", "after", "expected_utc"),
    [
        # Europe/Berlin: winter UTC+1, summer UTC+2 (change on 2026-03-29 and 2026-10-25).
        ("Europe/Berlin", at(2026, 3, 27, 12), at(2026, 3, 30, 7)),  # Fri noon -> Mon 09:00 CEST
        ("Europe/Berlin", at(2026, 3, 26, 12), at(2026, 3, 27, 8)),  # Fri 09:00 CET
        ("Europe/Berlin", at(2026, 10, 23, 12), at(2026, 10, 26, 8)),  # Mon 09:00 CET
        ("Europe/Berlin", at(2026, 10, 22, 12), at(2026, 10, 23, 7)),  # Fri 09:00 CEST
        # America/New_York: change on 2026-03-08 and 2026-11-01.
        ("America/New_York", at(2026, 3, 6, 18), at(2026, 3, 9, 13)),  # Mon 09:00 EDT
        ("America/New_York", at(2026, 3, 5, 18), at(2026, 3, 6, 14)),  # Fri 09:00 EST
        ("America/New_York", at(2026, 10, 30, 18), at(2026, 11, 2, 14)),  # Mon 09:00 EST
    ],
)
def test_delivery_keeps_the_local_hour_across_dst_changes(tz, after, expected_utc):
    slot = next_slot(person(timezone=tz), after=after, holidays=NO_HOLIDAYS)
    assert slot == expected_utc
    assert local(slot, tz).hour == 9


def test_a_delivery_hour_inside_the_spring_forward_gap_moves_to_the_first_valid_instant():
    someone = person(timezone="Europe/Berlin", delivery_hour=2, working_days=EVERY_DAY)
    slot = next_slot(someone, after=at(2026, 3, 28, 12), holidays=NO_HOLIDAYS)
    assert local(slot, "Europe/Berlin") == datetime(
        2026, 3, 29, 3, 0, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert slot == at(2026, 3, 29, 1)


def test_a_delivery_hour_repeated_at_fall_back_uses_the_first_instant():
    someone = person(timezone="America/New_York", delivery_hour=1, working_days=EVERY_DAY)
    slot = next_slot(someone, after=at(2026, 10, 31, 12), holidays=NO_HOLIDAYS)
    assert slot == at(2026, 11, 1, 5)  # 01:00 EDT, the first of the two 01:00s


def test_the_slot_now_or_later_today_is_taken_when_it_has_not_passed():
    someone = person(timezone="UTC")
    assert next_slot(someone, after=at(2026, 6, 10, 8), holidays=NO_HOLIDAYS) == at(2026, 6, 10, 9)
    assert next_slot(someone, after=at(2026, 6, 10, 9), holidays=NO_HOLIDAYS) == at(2026, 6, 10, 9)
    assert next_slot(someone, after=at(2026, 6, 10, 9, 1), holidays=NO_HOLIDAYS) == at(
        2026, 6, 11, 9
    )


def test_year_end_holidays_are_skipped():
    holidays = frozenset(
        {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31), date(2027, 1, 1)}
    )
    someone = person(timezone="Europe/Berlin")
    slot = next_slot(someone, after=at(2026, 12, 23, 12), holidays=holidays)
    assert local(slot, "Europe/Berlin").date() == date(2026, 12, 28)
    slot = next_slot(someone, after=at(2026, 12, 30, 12), holidays=holidays)
    assert local(slot, "Europe/Berlin").date() == date(2027, 1, 4)


def test_custom_working_days_are_honoured():
    someone = person(working_days=frozenset({6, 0, 1, 2, 3}))  # Sunday to Thursday
    slot = next_slot(someone, after=at(2026, 6, 11, 12), holidays=NO_HOLIDAYS)  # Thursday
    assert slot.date() == date(2026, 6, 14)  # Sunday


def test_a_salesperson_in_auckland_gets_their_morning_not_the_customers():
    seller = person(timezone="Pacific/Auckland")
    # Friday 2026-06-12 16:00 in Los Angeles is already Saturday 11:00 in Auckland.
    now = datetime(2026, 6, 12, 16, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    slot = next_slot(seller, after=now, holidays=NO_HOLIDAYS)
    assert local(slot, "Pacific/Auckland") == datetime(
        2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland")
    )
    assert local_time_hint("America/Los_Angeles", slot) == "it is 14:00 for them"


def test_a_sunday_birthday_is_nudged_on_the_friday_before():
    seller = person(timezone="Europe/Berlin")
    birthday = nudge(
        reason=NudgeReason.BIRTHDAY, due_on=date(2026, 6, 14), deliver_on=date(2026, 6, 14)
    )
    slot = slot_for_nudge(
        seller, birthday, now=at(2026, 6, 10), holidays=NO_HOLIDAYS, policy=Policy()
    )
    assert local(slot, "Europe/Berlin") == datetime(
        2026, 6, 12, 9, tzinfo=ZoneInfo("Europe/Berlin")
    )


def test_the_after_policy_moves_a_weekend_date_to_monday():
    seller = person()
    dated = nudge(deliver_on=date(2026, 6, 14))
    slot = slot_for_nudge(
        seller,
        dated,
        now=at(2026, 6, 10),
        holidays=NO_HOLIDAYS,
        policy=Policy(shift=ShiftPolicy.AFTER),
    )
    assert slot == at(2026, 6, 15, 9)


def test_a_shifted_slot_already_passed_becomes_the_next_slot():
    seller = person()
    dated = nudge(deliver_on=date(2026, 6, 14))
    slot = slot_for_nudge(
        seller, dated, now=at(2026, 6, 13, 10), holidays=NO_HOLIDAYS, policy=Policy()
    )
    assert slot == at(2026, 6, 15, 9)


def test_a_dated_nudge_on_a_holiday_moves_before_it():
    seller = person()
    holidays = frozenset({date(2026, 12, 25)})
    dated = nudge(deliver_on=date(2026, 12, 25))
    slot = slot_for_nudge(seller, dated, now=at(2026, 12, 1), holidays=holidays, policy=Policy())
    assert slot == at(2026, 12, 24, 9)


def test_an_undated_nudge_goes_to_the_next_slot():
    slot = slot_for_nudge(
        person(), nudge(), now=at(2026, 6, 10, 12), holidays=NO_HOLIDAYS, policy=Policy()
    )
    assert slot == at(2026, 6, 11, 9)


def test_a_person_out_of_office_gets_nothing_until_they_return():
    away = person(ooo_until=date(2026, 6, 17))
    slot = next_slot(away, after=at(2026, 6, 10, 12), holidays=NO_HOLIDAYS)
    assert slot == at(2026, 6, 18, 9)


@pytest.mark.parametrize("tz", [None, "", "Not/AZone"])
def test_no_local_time_hint_without_a_known_zone(tz):
    assert not local_time_hint(tz, at(2026, 6, 10))


def test_the_local_time_hint_reads_the_customers_clock():
    assert local_time_hint("Europe/Berlin", at(2026, 6, 10, 14, 10)) == "it is 16:10 for them"
    assert local_time_hint("Europe/Berlin", at(2026, 1, 10, 14, 10)) == "it is 15:10 for them"


def test_next_slot_never_precedes_after():
    someone = person(timezone="Pacific/Kiritimati")
    start = at(2026, 1, 1)
    for hours in range(0, 24 * 9, 5):
        after = start + timedelta(hours=hours)
        assert next_slot(someone, after=after, holidays=NO_HOLIDAYS) >= after
