"""Cell values as CRMs write them: one date order per file, money in every usual shape."""

from datetime import UTC, date, datetime

import pytest

from bot.transfer.values import (
    BadValue,
    DateOrder,
    parse_country,
    parse_flag,
    parse_moment,
    parse_money,
)

DAY, MONTH = DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-05-01", DAY, date(2024, 5, 1)),
        ("2024-05-01 14:03", MONTH, datetime(2024, 5, 1, 14, 3)),  # noqa: DTZ001
        ("2024-05-01T14:03:00Z", DAY, datetime(2024, 5, 1, 14, 3, tzinfo=UTC)),
        ("05/01/2024", MONTH, date(2024, 5, 1)),
        ("05/01/2024", DAY, date(2024, 1, 5)),
        ("01.05.2024", DAY, date(2024, 5, 1)),
        ("1.5.24", DAY, date(2024, 5, 1)),
        ("5/1/2024 2:03 PM", MONTH, datetime(2024, 5, 1, 14, 3)),  # noqa: DTZ001
        ("1 May 2024", MONTH, date(2024, 5, 1)),
        ("May 1, 2024", DAY, date(2024, 5, 1)),
    ],
)
def test_dates_in_the_shapes_exports_write_them(
    text: str, order: DateOrder, expected: object
) -> None:
    assert parse_moment(text, order=order) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2024", "2024-02-30", "13/13/2024", "May 2024", "soon", "5"]
)
def test_what_is_not_a_date_says_what_would_be(text: str) -> None:
    with pytest.raises(BadValue) as bad:
        parse_moment(text, order=DAY)
    assert bad.value.expected == "a date like 2024-05-01 or 01.05.2024 or 01/05/2024 (day-first)"


def test_the_order_is_the_files_never_guessed_per_row() -> None:
    # 13/05/2024 only makes sense day-first; a month-first file still refuses it.
    with pytest.raises(BadValue):
        parse_moment("13/05/2024", order=MONTH)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120000", 120_000),
        ("120,000.50", 120_000),
        ("120.000,50", 120_000),
        ("$120k", 120_000),
        ("€1.2m", 1_200_000),
        ("EUR 45.000", 45_000),
        ("1 250 000", 1_250_000),
        ("1'250'000", 1_250_000),
        ("1,5", 2),
        ("99.99", 100),
        ("USD 2bn", 2_000_000_000),
    ],
)
def test_money_in_every_usual_shape(text: str, amount: int) -> None:
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["abc", "12,34,5", "1.2.3,4.5", "-5", "$"])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(BadValue):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [("Germany", "DE"), ("United States", "US"), ("USA", "US"), ("uk", "GB"), ("DEU", "DE")],
)
def test_countries_by_name_or_code(text: str, code: str) -> None:
    assert parse_country(text) == code


def test_flags_as_crms_write_them() -> None:
    assert [parse_flag(t) for t in ("Yes", "done", "To do", "")] == [True, True, False, False]
    with pytest.raises(BadValue):
        parse_flag("maybe")


@pytest.mark.parametrize("text", ["9999-12-31", "1899-12-31 10:00", "31/12/2201", "1 May 2500"])
def test_a_date_outside_the_years_1900_to_2200_is_refused_in_a_file_too(text: str) -> None:
    with pytest.raises(BadValue) as bad:
        parse_moment(text, order=DAY)
    assert "1900-01-01" in bad.value.expected and "2200-12-31" in bad.value.expected
