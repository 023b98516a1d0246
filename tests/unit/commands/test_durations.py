"""Days as typed: absolute, relative, month ends."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import NameIndex, ParseError, parse, parse_relative_until
from bot.commands.durations import add_months

JAN_31 = date(2026, 1, 31)  # a Saturday


@pytest.mark.parametrize(
    ("token", "today", "expected"),
    [
        ("3d", JAN_31, date(2026, 2, 3)),
        ("1w", JAN_31, date(2026, 2, 7)),
        ("2 weeks", JAN_31, date(2026, 2, 14)),
        ("1m", JAN_31, date(2026, 2, 28)),
        ("1m", date(2028, 1, 31), date(2028, 2, 29)),
        ("1M", date(2026, 3, 31), date(2026, 4, 30)),
        ("3months", date(2026, 11, 30), date(2027, 2, 28)),
        ("1y", date(2028, 2, 29), date(2029, 2, 28)),
        ("2027-01-31", JAN_31, date(2027, 1, 31)),
        ("tomorrow", JAN_31, date(2026, 2, 1)),
        ("today", JAN_31, JAN_31),
        ("monday", JAN_31, date(2026, 2, 2)),
        ("sat", JAN_31, date(2026, 2, 7)),  # the next Saturday, never today
    ],
)
def test_relative_until_counts_from_today(token: str, today: date, expected: date) -> None:
    assert parse_relative_until(token, today=today) == expected


@pytest.mark.parametrize(
    ("token", "fragment"),
    [
        ("2027-02-30", "Not a date: '2027-02-30' (expected YYYY-MM-DD)"),
        ("soon", "Not a day or duration: 'soon'"),
        ("0d", "must be at least 1"),
        ("9999y", "out of range"),
        ("99999d", "Not a day or duration"),
        ("", "Not a day or duration"),
        ("-3d", "Not a day or duration"),
        ("\u0663d", "Not a day or duration"),  # Arabic-Indic digits are not ours
    ],
)
def test_a_bad_relative_until_is_an_error_value(token: str, fragment: str) -> None:
    error = parse_relative_until(token, today=JAN_31)
    assert isinstance(error, ParseError)
    assert fragment in error.message
    assert "YYYY-MM-DD" in error.usage


def test_adding_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)


@pytest.mark.parametrize("token", ["tomorrow", "friday", "1d", "1m", "1y"])
def test_the_end_of_the_calendar_is_an_error_not_a_crash(token: str) -> None:
    assert isinstance(parse_relative_until(token, today=date.max), ParseError)


def test_yesterday_before_the_calendar_starts_is_an_error_not_a_crash() -> None:
    result = parse("touch acme on=yesterday", customers=NameIndex(["Acme"]), today=date.min)
    assert isinstance(result, ParseError)
    assert "out of range" in result.message
