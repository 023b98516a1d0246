"""A daily slot missed earlier the same local working day still goes out, until the late hour."""

from nudges.timing import missed_slot

from .factories import at, person

NONE: frozenset = frozenset()
MARIA = person(timezone="Europe/Berlin", delivery_hour=9)  # 09:00 Berlin is 07:00 UTC in June


def test_a_tick_61_minutes_after_the_slot_still_delivers_today():
    assert missed_slot(
        MARIA, now=at(2026, 6, 10, 8, 1), last_slot=None, holidays=NONE, late_until_hour=17
    ) == at(2026, 6, 10, 7)


def test_no_late_message_after_the_late_hour_twice_a_day_or_on_a_weekend():
    def missed(now, last=None):
        return missed_slot(MARIA, now=now, last_slot=last, holidays=NONE, late_until_hour=17)

    assert missed(at(2026, 6, 10, 15, 1)) is None  # 17:01 in Berlin
    assert missed(at(2026, 6, 10, 12), last=at(2026, 6, 10, 7)) is None  # sent at 09:00
    assert missed(at(2026, 6, 13, 12)) is None  # a Saturday
    assert missed(at(2026, 6, 10, 6)) is None  # before the slot: nothing missed yet


def test_a_missed_slot_owes_only_what_was_due_by_it():
    from nudges.delivery import owed_by
    from nudges.model import NudgeReason

    from .factories import nudge

    slot = at(2026, 6, 10, 7)
    amber_before = nudge(facts=(("due_at", at(2026, 6, 10, 3).isoformat()),))
    amber_after = nudge(facts=(("due_at", at(2026, 6, 10, 9).isoformat()),))
    birthday_today = nudge(reason=NudgeReason.BIRTHDAY, deliver_on=slot.date())
    birthday_tomorrow = nudge(reason=NudgeReason.BIRTHDAY, deliver_on=at(2026, 6, 11).date())
    assert owed_by(amber_before, slot, tz_name="Europe/Berlin")
    assert not owed_by(amber_after, slot, tz_name="Europe/Berlin")  # not due at 09:00
    assert owed_by(birthday_today, slot, tz_name="Europe/Berlin")
    assert not owed_by(birthday_tomorrow, slot, tz_name="Europe/Berlin")
