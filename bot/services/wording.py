"""How replies say things: dates in a long, locale-neutral form, counts with their plural."""

from __future__ import annotations

from datetime import date

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date, *, today: date | None = None, weekday: bool = True) -> str:
    """``Monday 9 March 2026``; the year is left out when it is ``today``'s."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    if today is None or day.year != today.year:
        text += f" {day.year}"
    return f"{_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def day_of_year(month: int, day: int, year: int | None = None) -> str:
    """``17 May`` (a birthday), ``17 May 1980`` with its year."""
    text = f"{day} {_MONTHS[month - 1]}"
    return f"{text} {year}" if year else text


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 nudge``, ``2 nudges``, ``0 nudges``; ``plural`` for irregular words."""
    word = singular if number == 1 else plural or f"{singular}s"
    return f"{number} {word}"


def listing(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
