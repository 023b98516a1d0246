"""Public holidays per country, computed in the shell and handed to the engine as dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_data

from nudges.model import Person


@lru_cache(maxsize=512)
def _country_year(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holiday_data.country_holidays(country, years=year).keys())
    except NotImplementedError:
        return frozenset()


def holidays_for(country: str | None, *, around: date, years: int = 1) -> frozenset[date]:
    """The country's public holidays from the year before ``around`` to ``years`` after it
    (enough for a delivery planned across New Year)."""
    if not country:
        return frozenset()
    return _span(country, around.year, years)


@lru_cache(maxsize=512)
def _span(country: str, year: int, years: int) -> frozenset[date]:
    found: set[date] = set()
    for each in range(year - 1, year + years + 1):
        found |= _country_year(country, each)
    return frozenset(found)


def holidays_of(person: Person, *, around: date, default_country: str | None) -> frozenset[date]:
    return holidays_for(person.holiday_country or default_country, around=around)
