"""Delivery slots: the recipient's local delivery hour on their working, non-holiday days.

Local times are computed from the IANA zone for every occurrence, so DST changes move the UTC
instant, never the local hour. When the delivery hour does not exist (a spring-forward gap), the
slot is the first valid instant after it (09:00 never falls in a gap in practice, 02:00 does: it
becomes 03:00). When it exists twice (fall-back), the first of the two instants is used.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from nudges.calendar import UTC, _first_instant_at_or_after, local_date, zone
from nudges.model import Nudge, Person
from nudges.policy import Policy, ShiftPolicy

WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})
_SEARCH_DAYS = 800  # beyond this many non-working days, holidays are ignored (never loop forever)


def working_days_of(person: Person) -> frozenset[int]:
    """The person's working weekdays; an empty or invalid set means Monday to Friday."""
    days = frozenset(d for d in person.working_days if 0 <= d <= 6)
    return days or WEEKDAYS


def delivery_hour_of(person: Person) -> int:
    return person.delivery_hour if 0 <= person.delivery_hour <= 23 else 9


def is_working_day(person: Person, day: date, holidays: frozenset[date]) -> bool:
    """A working weekday for ``person`` that is not one of their holidays."""
    return day.weekday() in working_days_of(person) and day not in holidays


def is_out_of_office(person: Person, day: date) -> bool:
    return person.ooo_until is not None and day <= person.ooo_until


def slot_on(person: Person, day: date) -> datetime:
    """The instant of ``person``'s delivery hour on their local ``day``, as aware UTC."""
    tz = zone(person.timezone)
    wall = time(delivery_hour_of(person))
    instant = datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)
    local = instant.astimezone(tz)
    if local.date() != day or local.time() != wall:  # in a spring-forward gap
        instant = _first_instant_at_or_after(day, wall, tz)
    return instant


def _deliverable(person: Person, day: date, holidays: frozenset[date], *, strict: bool) -> bool:
    if is_out_of_office(person, day):
        return False
    if strict:
        return is_working_day(person, day, holidays)
    return day.weekday() in working_days_of(person)


def next_slot(person: Person, *, after: datetime, holidays: frozenset[date]) -> datetime:
    """The first delivery slot at or after ``after`` on a working, non-holiday day.

    Days up to and including ``person.ooo_until`` are skipped: a person out of office gets
    nothing until they return.
    """
    start = local_date(after, person.timezone) - timedelta(days=1)
    if person.ooo_until is not None and person.ooo_until >= start:
        start = min(person.ooo_until, date.max - timedelta(days=2 * _SEARCH_DAYS)) + timedelta(
            days=1
        )
    for strict in (True, False):
        day = start
        for _ in range(_SEARCH_DAYS):
            if _deliverable(person, day, holidays, strict=strict):
                slot = slot_on(person, day)
                if slot >= after:
                    return slot
            day += timedelta(days=1)
    return slot_on(person, local_date(after, person.timezone) + timedelta(days=1))


def missed_slot(
    person: Person,
    *,
    now: datetime,
    last_slot: datetime | None,
    holidays: frozenset[date],
    late_until_hour: int,
) -> datetime | None:
    """Today's slot, when it has passed without a message (the bot was down or started late)
    and it is still the same local working day before ``late_until_hour``: the message goes
    out now, late, rather than tomorrow. None otherwise."""
    today = local_date(now, person.timezone)
    if not is_working_day(person, today, holidays) or is_out_of_office(person, today):
        return None
    slot = slot_on(person, today)
    if now < slot or (last_slot is not None and last_slot >= slot):
        return None
    hour = max(0, min(24, late_until_hour))
    ends = datetime.combine(today, time(), tzinfo=zone(person.timezone)) + timedelta(hours=hour)
    return slot if now < ends.astimezone(UTC) else None


def shifted_day(
    person: Person, day: date, *, holidays: frozenset[date], shift: ShiftPolicy
) -> date:
    """``day`` moved to the working day before (or after) when it is a weekend or holiday."""
    step = timedelta(days=-1 if shift is ShiftPolicy.BEFORE else 1)
    candidate = day
    for _ in range(_SEARCH_DAYS):
        if is_working_day(person, candidate, holidays):
            return candidate
        candidate += step
    return day


def slot_for_nudge(
    person: Person,
    nudge: Nudge,
    *,
    now: datetime,
    holidays: frozenset[date],
    policy: Policy,
) -> datetime:
    """When ``nudge`` should reach ``person``.

    A dated nudge (``deliver_on`` set) goes out on that day, moved by ``policy.shift`` off
    weekends and holidays; never before ``now`` though: a slot already passed becomes the next
    slot. An undated nudge goes to the next slot at or after ``now``.
    """
    if nudge.deliver_on is not None:
        day = shifted_day(person, nudge.deliver_on, holidays=holidays, shift=policy.shift)
        if not is_out_of_office(person, day):
            slot = slot_on(person, day)
            if slot >= now:
                return slot
        return next_slot(person, after=max(now, slot_on(person, day)), holidays=holidays)
    return next_slot(person, after=now, holidays=holidays)


def local_time_hint(customer_tz: str | None, now: datetime) -> str | None:
    """``"it is 16:10 for them"`` in the customer's zone; None when the zone is unknown."""
    if not customer_tz:
        return None
    tz = zone(customer_tz)
    if tz is UTC and customer_tz.upper() not in {"UTC", "ETC/UTC", "Z"}:
        return None
    return f"it is {now.astimezone(tz):%H:%M} for them"
