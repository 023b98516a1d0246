"""Dates in words and counts with their plural, as every reply says them."""

from __future__ import annotations

from datetime import date

from bot.services.wording import count, listing, long_date


def test_a_date_reads_with_its_weekday_and_the_year_only_when_it_is_another_year() -> None:
    assert long_date(date(2026, 3, 9)) == "Monday 9 March 2026"
    assert long_date(date(2026, 3, 9), today=date(2026, 1, 2)) == "Monday 9 March"
    assert long_date(date(2028, 1, 31), today=date(2026, 1, 2)) == "Monday 31 January 2028"
    assert long_date(date(2026, 6, 12), today=date(2026, 6, 1), weekday=False) == "12 June"


def test_counts_take_the_singular_for_one_only() -> None:
    assert [count(n, "open nudge") for n in (0, 1, 2)] == [
        "0 open nudges",
        "1 open nudge",
        "2 open nudges",
    ]
    assert count(1, "person", "people") == "1 person"
    assert count(3, "person", "people") == "3 people"


def test_a_listing_joins_with_and() -> None:
    assert [listing(w) for w in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]
