"""Days as users type them: ``2027-01-31``, ``today``, ``3d``, ``2w``, ``1m``, ``1y``, ``friday``.

Pure: "relative to when" is the ``today`` argument (the user's local date), never the clock.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.commands.commands import ParseError
from bot.commands.problems import Invalid
from nudges.calendar import EARLIEST_DAY, LATEST_DAY, in_range
from nudges.calendar import add_months as _add_months

RELATIVE_USAGE = "<3d|2w|1m|1y|YYYY-MM-DD|tomorrow|friday>"

_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_RELATIVE = re.compile(
    r"([0-9]{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|year|years)", re.ASCII
)
_UNIT = {"d": "d", "w": "w", "m": "m", "y": "y", "mo": "m", "wk": "w"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {name: i for i, name in enumerate(WEEKDAYS)} | {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's end (Jan 31 + 1 month: Feb 28/29).
    The core's month arithmetic: the grammar, like the core, imports no third-party package."""
    try:
        return _add_months(day, months)
    except ValueError:  # a year outside 1..9999
        raise OverflowError("date out of range") from None


def parse_iso_date(token: str) -> date:
    """A calendar date written YYYY-MM-DD (validated: 2027-02-30 is not a date)."""
    match = _ISO.fullmatch(token.strip())
    if match is None:
        raise Invalid(f"Not a date: {token!r} (expected YYYY-MM-DD).")
    year, month, day = (int(part) for part in match.groups())
    try:
        return bounded(date(year, month, day), token)
    except ValueError:
        raise Invalid(f"Not a date: {token!r} (expected YYYY-MM-DD).") from None


def bounded(day: date, token: str) -> date:
    """``day`` if it lies in the years the bot accepts; else :class:`Invalid` saying so."""
    if not in_range(day):
        raise out_of_range(token)
    return day


class OutOfRange(Invalid):
    """A real day, but outside the years the bot accepts."""


def out_of_range(token: str) -> OutOfRange:
    return OutOfRange(
        f"{token.strip()!r} is out of range: give a day between "
        f"{EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}."
    )


def parse_day(token: str, *, today: date) -> date:
    """An absolute day: YYYY-MM-DD, ``today``, ``yesterday`` or ``tomorrow``."""
    word = token.strip().lower()
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}.get(word)
    if shift is None:
        return parse_iso_date(token)
    return _shifted(today, shift, token)


_AGO = re.compile(r"([0-9]{1,4})\s*(d|day|days|w|wk|week|weeks)\s+ago", re.ASCII)


def parse_past_day(token: str, *, today: date) -> date:
    """A day that has come, as people say it: YYYY-MM-DD, ``today``, ``yesterday``, a weekday
    (``friday``: the latest Friday, today included), ``last friday`` (before today),
    ``3 days ago``, ``2w ago``."""
    word = " ".join(token.strip().lower().split())
    last = word.startswith("last ")
    name = word.removeprefix("last ")
    if name in _WEEKDAY_NAMES:
        back = (today.weekday() - _WEEKDAY_NAMES[name]) % 7
        return _shifted(today, -(back or (7 if last else 0)), token)
    if match := _AGO.fullmatch(word):
        count = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1)
        return _shifted(today, -count, token)
    if word in ("today", "yesterday") or _ISO.fullmatch(word):
        return parse_day(word, today=today)
    if word == "tomorrow" or word.startswith("next "):
        raise Invalid(f"Not a past day: {token!r} (it is in the future; log what has happened).")
    raise Invalid(
        f"Not a past day: {token!r} (expected e.g. yesterday, last friday, 3 days ago or "
        "YYYY-MM-DD)."
    )


def _shifted(today: date, days: int, token: str) -> date:
    try:
        return bounded(today + timedelta(days=days), token)
    except OverflowError:
        raise out_of_range(token) from None


def relative_until(token: str, *, today: date) -> date:
    """A day ahead, absolute or relative; raises :class:`Invalid`."""
    word = token.strip().lower()
    if word in _WEEKDAY_NAMES:
        ahead = (_WEEKDAY_NAMES[word] - today.weekday() - 1) % 7 + 1  # the next one, never today
        return _shifted(today, ahead, token)
    match = _RELATIVE.fullmatch(word)
    if match is None:
        if _ISO.fullmatch(word) is None and word not in ("today", "tomorrow", "yesterday"):
            raise Invalid(
                f"Not a day or duration: {token!r} "
                "(expected e.g. 3d, 2w, 1m, 1y, YYYY-MM-DD or a weekday)."
            )
        return parse_day(word, today=today)
    count, unit = int(match.group(1)), _UNIT.get(match.group(2), match.group(2)[0])
    if count < 1:
        raise Invalid(f"Duration {token!r} must be at least 1.")
    try:
        if unit in ("d", "w"):
            return bounded(today + timedelta(days=count * (7 if unit == "w" else 1)), token)
        return bounded(add_months(today, count * (12 if unit == "y" else 1)), token)
    except OverflowError:
        raise out_of_range(token) from None


def parse_relative_until(token: str, *, today: date) -> date | ParseError:
    """``3d|1w|1m|1y|YYYY-MM-DD|tomorrow|<weekday>`` as the day it ends on, or what was wrong."""
    try:
        return relative_until(token, today=today)
    except Invalid as problem:
        return ParseError(problem.message, usage=RELATIVE_USAGE)


def parse_lead_days(token: str) -> int:
    """Days ahead of a date to be reminded: ``7``, ``7d`` or ``2w``."""
    match = re.fullmatch(r"([0-9]{1,3})\s*(d|w)?", token.strip().lower(), re.ASCII)
    if match is None:
        raise Invalid(f"Not a lead time: {token!r} (expected days, e.g. 7, 7d or 2w).")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if days > 366:
        raise Invalid(f"Lead time {token!r} is more than a year.")
    return days


def parse_weekdays(token: str) -> frozenset[int]:
    """Working days: ``mon-fri``, ``mon,tue,thu``, ``sun-thu`` (ranges wrap); Monday == 0."""
    days: set[int] = set()
    for part in token.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or not all(end in _WEEKDAY_NAMES for end in ends):
            raise Invalid(
                f"Not a list of weekdays: {token!r} (expected e.g. mon-fri or mon,wed,fri)."
            )
        first, last = _WEEKDAY_NAMES[ends[0]], _WEEKDAY_NAMES[ends[-1]]
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    return frozenset(days)
