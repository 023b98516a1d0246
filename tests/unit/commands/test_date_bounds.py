"""Every day a person can type is bounded to years 1900-2200: a day outside is refused with a
clear message, so no far-off date reaches the engine (where it would overflow a sweep)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import Command, NameIndex, ParseError, parse
from nudges.calendar import EARLIEST_DAY, LATEST_DAY

TODAY = date(2026, 1, 20)
CUSTOMERS = NameIndex(["Acme"])
OFFERS = NameIndex(["Analytics Pro"])

#: Every command option that takes a day, with {day} where the day goes.
DATED = [
    'offer add "Far" kind=product from={day} public=2030-01-01',
    'offer add "Far" kind=product from=2026-01-01 public={day}',
    "customer add Zed since={day}",
    "customer add Zed renewal={day}",
    "customer edit Acme since={day}",
    "customer edit Acme renewal={day}",
    "date add Acme renewal {day}",
    "touch Acme on={day}",
    "ooo until={day}",
    "snooze Acme {day}",
    "dnc Acme until={day}",
    "contact add Acme Jane birthday={day}",
]


def _parse(text: str) -> Command | ParseError:
    return parse(text, customers=CUSTOMERS, offers=OFFERS, today=TODAY)


@pytest.mark.parametrize("template", DATED)
@pytest.mark.parametrize("day", ["9999-12-31", "2201-01-01", "1899-12-31", "0001-01-01"])
def test_a_day_outside_the_years_1900_to_2200_is_refused_with_the_range(
    template: str, day: str
) -> None:
    result = _parse(template.format(day=day))
    assert isinstance(result, ParseError), result
    assert day in result.message
    assert "out of range" in result.message
    assert "1900-01-01" in result.message and "2200-12-31" in result.message


@pytest.mark.parametrize("template", DATED)
def test_the_first_and_last_day_of_the_range_are_accepted(template: str) -> None:
    for day in (EARLIEST_DAY, LATEST_DAY):
        text = template.format(day=day.isoformat())
        result = _parse(text)
        if isinstance(result, ParseError):
            # Refused for another reason (a touch in the future, say), never for the range.
            assert "out of range" not in result.message, (text, result.message)


@pytest.mark.parametrize("duration", ["200y", "9999y", "2500m", "9999w"])
def test_a_duration_reaching_past_2200_is_refused(duration: str) -> None:
    result = _parse(f"snooze Acme {duration}")
    assert isinstance(result, ParseError)
    assert "out of range" in result.message and "2200-12-31" in result.message


def test_the_range_is_1900_to_2200() -> None:
    assert (date(1900, 1, 1), date(2200, 12, 31)) == (EARLIEST_DAY, LATEST_DAY)
