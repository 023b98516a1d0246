"""Calendar arithmetic: yearly occurrences, February 29 and month ends, with the standard library.

A date that cannot exist in a given year (February 29 in a common year) follows the
configurable :class:`~nudges.policy.Feb29Policy`; adding months clamps to the last day of the
target month (January 31 plus one month is February 28, or 29 in a leap year).
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nudges.policy import Feb29Policy

UTC = ZoneInfo("UTC")

#: The days anyone may give the bot: far enough back for a founding date, far enough ahead for
#: any contract. Every sum the engine does on a day in this range stays inside the calendar.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)


def in_range(day: date) -> bool:
    """``day`` lies between :data:`EARLIEST_DAY` and :data:`LATEST_DAY`."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; UTC when it is missing or unknown (the engine never raises)."""
    if not name:
        return UTC
    return _zone(name)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    # ZoneInfo keeps only the last few zones strongly: a sweep over customers and people in
    # many zones re-read zone files thousands of times without this.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def local_date(instant: datetime, tz_name: str | None) -> date:
    """The calendar day ``instant`` falls on in the zone ``tz_name``."""
    return instant.astimezone(zone(tz_name)).date()


def start_of_day(day: date, tz_name: str | None) -> datetime:
    """The first instant of ``day`` in the zone ``tz_name``, as aware UTC."""
    tz = zone(tz_name)
    local = datetime.combine(day, time(0), tzinfo=tz)
    utc = local.astimezone(UTC)
    if utc.astimezone(tz).date() != day:  # midnight skipped by a DST change: first valid instant
        utc = _first_instant_at_or_after(day, time(0), tz)
    return utc


def _first_instant_at_or_after(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The first instant whose local wall clock reads ``day wall`` or later (for DST gaps)."""
    target = datetime.combine(day, wall)
    early = datetime.combine(day, wall, tzinfo=tz).replace(fold=1).astimezone(UTC)
    late = datetime.combine(day, wall, tzinfo=tz).replace(fold=0).astimezone(UTC)
    lo, hi = min(early, late), max(early, late)
    while (hi - lo) > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).replace(tzinfo=None) >= target:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


_LEAP_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_valid_month_day(month: int | None, day: int | None) -> bool:
    """Whether ``month``/``day`` names a day that exists in at least a leap year."""
    if month is None or day is None or not 1 <= month <= 12:
        return False
    return 1 <= day <= _LEAP_MONTH_DAYS[month - 1]


def in_year(month: int, day: int, year: int, *, feb29: Feb29Policy) -> date:
    """The date of ``month``/``day`` in ``year``; February 29 in a common year by ``feb29``."""
    if month == 2 and day == 29 and not _stdcal.isleap(year):
        return date(year, 2, 28) if feb29 is Feb29Policy.FEB_28 else date(year, 3, 1)
    return date(year, month, day)


def next_yearly(month: int, day: int, *, on_or_after: date, feb29: Feb29Policy) -> date:
    """The first occurrence of a yearly ``month``/``day`` on or after ``on_or_after``."""
    this_year = in_year(month, day, on_or_after.year, feb29=feb29)
    if this_year >= on_or_after:
        return this_year
    return in_year(month, day, on_or_after.year + 1, feb29=feb29)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of the target month."""
    # Written out, not dateutil's relativedelta: the core imports the standard library only.
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def days_between(start: date, end: date) -> int:
    return (end - start).days


#: A ``timedelta`` of each number of days the engine adds most (its leads, windows, cadences
#: and their sums): building one costs several times the sum it is made for.
_DAYS = {n: timedelta(days=n) for n in range(-1000, 1001)}


def days_delta(days: int) -> timedelta:
    """``timedelta(days=days)``, the common ones made once (raises ``OverflowError`` as it)."""
    delta = _DAYS.get(days)
    return timedelta(days=days) if delta is None else delta


def plus_days(day: date, days: int) -> date:
    """``day`` plus ``days``, saturating at the ends of the calendar instead of raising."""
    try:
        return day + days_delta(days)
    except OverflowError:
        return date.max if days > 0 else date.min
