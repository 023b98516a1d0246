from datetime import date

import pytest

from nudges.calendar import add_months, in_year, months_between, next_yearly
from nudges.policy import Feb29Policy


@pytest.mark.parametrize(
    ("year", "policy", "expected"),
    [
        (2027, Feb29Policy.FEB_28, date(2027, 2, 28)),
        (2027, Feb29Policy.MAR_1, date(2027, 3, 1)),
        (2028, Feb29Policy.FEB_28, date(2028, 2, 29)),
        (2028, Feb29Policy.MAR_1, date(2028, 2, 29)),
    ],
)
def test_a_feb_29_date_follows_the_policy_in_common_years_only(year, policy, expected):
    assert in_year(2, 29, year, feb29=policy) == expected


def test_next_yearly_occurrence_rolls_to_next_year_once_passed():
    assert next_yearly(3, 5, on_or_after=date(2026, 3, 5), feb29=Feb29Policy.FEB_28) == date(
        2026, 3, 5
    )
    assert next_yearly(3, 5, on_or_after=date(2026, 3, 6), feb29=Feb29Policy.FEB_28) == date(
        2027, 3, 5
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 31), 2, date(2027, 3, 31)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_adding_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 15), date(2026, 7, 14), 5),
        (date(2026, 1, 15), date(2026, 7, 15), 6),
        (date(2026, 1, 15), date(2029, 1, 15), 36),
    ],
)
def test_whole_months_between_two_days(start, end, expected):
    assert months_between(start, end) == expected
