"""Cell values as CRM exports write them: dates in one order per file, money in any of the
usual shapes, yes/no, countries by name or code. Pure functions; a bad value raises
:class:`BadValue` saying what was expected."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from dateutil import parser as dateutil_parser

from nudges.calendar import EARLIEST_DAY, LATEST_DAY, in_range


class BadValue(ValueError):
    """``expected``: what a right value looks like, for the row's error report."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class DateOrder(StrEnum):
    """How a file writes numeric dates like 05/01/2024: chosen once per file, never per row."""

    DAY_FIRST = "day-first"  # 01.05.2024, 01/05/2024: 1 May (Europe, and most of the world)
    MONTH_FIRST = "month-first"  # 05/01/2024: May 1 (the United States)


_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)
_ISO_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.ASCII)
_NUMERIC = re.compile(
    r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?",
    re.ASCII | re.IGNORECASE,
)
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))  # noqa: DTZ001 - wall-clock filler


def _expected(order: DateOrder) -> str:
    example = "01.05.2024 or 01/05/2024" if order is DateOrder.DAY_FIRST else "05/01/2024"
    return f"a date like 2024-05-01 or {example} ({order.value})"


def parse_moment(text: str, *, order: DateOrder) -> date | datetime:
    """A day (``date``) or a moment: a wall-clock ``datetime`` (naive: in the file's zone), or
    an aware one when the text carries its offset. ISO and numeric dates are read directly;
    anything else (``1 May 2024``, ``May 1, 2024 2:03 PM``) by python-dateutil, with the
    file's day/month order, and only when it names a day, a month and a year."""
    moment = _moment(text.strip(), order)
    if not in_range(moment.date() if isinstance(moment, datetime) else moment):
        raise BadValue(f"a date between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return moment


def _moment(value: str, order: DateOrder) -> date | datetime:
    if _ISO.fullmatch(value) or (_ISO.match(value) and _ISO_ZONE.search(value)):
        try:
            return _iso(value)
        except ValueError:
            raise BadValue(_expected(order)) from None
    numeric = _NUMERIC.fullmatch(value)
    if numeric:
        return _numeric(numeric, order)
    return _free_form(value, order)


def parse_day(text: str, *, order: DateOrder) -> date:
    moment = parse_moment(text, order=order)
    return moment.date() if isinstance(moment, datetime) else moment


def _iso(value: str) -> date | datetime:
    if len(value) <= 10:
        year, month, day = (int(part) for part in value.split("-"))
        return date(year, month, day)
    return datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))


def _numeric(match: re.Match[str], order: DateOrder) -> date | datetime:
    first, second, year_text, hour, minute, second_of_minute, half = match.groups()
    day, month = (int(first), int(second))
    if order is DateOrder.MONTH_FIRST:
        day, month = month, day
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 70 else 1900
    try:
        if hour is None:
            return date(year, month, day)
        clock = int(hour)
        if half:
            if not 1 <= clock <= 12:
                raise ValueError
            clock = clock % 12 + (12 if half.lower().startswith("p") else 0)
        return datetime(year, month, day, clock, int(minute), int(second_of_minute or 0))  # noqa: DTZ001
    except ValueError:
        raise BadValue(_expected(order)) from None


def _free_form(value: str, order: DateOrder) -> date | datetime:
    if not re.search(r"\d{4}", value) or not re.search(r"[A-Za-z]", value):
        raise BadValue(_expected(order))
    try:
        parsed = [
            dateutil_parser.parse(value, dayfirst=order is DateOrder.DAY_FIRST, default=d)
            for d in _DEFAULTS
        ]
    except (ValueError, OverflowError):
        raise BadValue(_expected(order)) from None
    one, two = parsed
    if (one.year, one.month, one.day) != (two.year, two.month, two.day):
        raise BadValue(_expected(order))  # a month or a year without its day
    if one.tzinfo is None and (one.hour, one.minute, one.second) == (0, 0, 0):
        return one.date()
    return one


_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[$€£¥₹])\s*|\s*(?:[A-Z]{3}|[$€£¥₹])$")
_SCALE = {"": 1, "k": 10**3, "m": 10**6, "mm": 10**6, "bn": 10**9, "b": 10**9}
_MONEY = re.compile(r"(-?)([0-9][0-9.,' ]*)\s*(k|mm|m|bn|b)?", re.ASCII)
MONEY_EXPECTED = "an amount like 120000, 120,000.50, 120.000,50 or $120k"


def parse_money(text: str) -> int:
    """Whole currency units from ``120000``, ``120,000.50``, ``120.000,50``, ``120 000``,
    ``120'000``, ``$120k``, ``EUR 1.2m``. With both separators the last one is the decimal
    point; a lone separator followed by exactly three digits groups thousands."""
    value = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    value = _CURRENCY.sub("", value.upper()).lower().strip()
    match = _MONEY.fullmatch(value)
    if match is None or len(value) > 30:
        raise BadValue(MONEY_EXPECTED)
    sign, digits, scale = match.groups()
    digits = digits.replace(" ", "").replace("'", "")
    number = _number(digits)
    if sign:
        raise BadValue("an amount that is not negative")
    return round(number * _SCALE[scale or ""])


def _number(digits: str) -> float:
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if decimal == "," else ","
        if digits.count(decimal) > 1:
            raise BadValue(MONEY_EXPECTED)
        digits = digits.replace(group, "").replace(decimal, ".")
    elif commas or dots:
        mark = "," if commas else "."
        head, _, tail = digits.rpartition(mark)
        if digits.count(mark) > 1 or len(tail) == 3:
            groups = digits.split(mark)
            if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
                raise BadValue(MONEY_EXPECTED)
            digits = digits.replace(mark, "")
        else:
            digits = f"{head}.{tail}"
    try:
        return float(digits)
    except ValueError:
        raise BadValue(MONEY_EXPECTED) from None


_TRUE = frozenset({"yes", "y", "true", "1", "x", "on", "ja", "oui", "si", "sí", "done"})
_FALSE = frozenset(
    {"no", "n", "false", "0", "off", "nein", "non", "", "to do", "todo", "not done", "undone"}
)


def parse_flag(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadValue("yes or no")


def parse_whole(text: str, *, low: int, high: int) -> int:
    value = text.strip()
    if not re.fullmatch(r"-?[0-9]+", value, re.ASCII) or not low <= int(value) <= high:
        raise BadValue(f"a whole number from {low} to {high}")
    return int(value)


_COUNTRY_ALIASES = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "britain": "GB", "deutschland": "DE", "holland": "NL",
    "the netherlands": "NL", "czech republic": "CZ", "south korea": "KR",
    "korea, republic of": "KR", "russia": "RU", "uae": "AE", "españa": "ES", "schweiz": "CH",
    "suisse": "CH", "österreich": "AT", "brasil": "BR", "méxico": "MX", "italia": "IT",
}  # fmt: skip


@cache
def _countries() -> dict[str, str]:
    from holidays.registry import COUNTRIES  # the countries whose holidays the bot knows

    known: dict[str, str] = {}
    for module, names in COUNTRIES.items():
        code = names[1]
        known[code.lower()] = code
        known[names[2].lower()] = code
        known[module.replace("_", " ")] = code
    known.update(_COUNTRY_ALIASES)
    return known


def parse_country(text: str) -> str:
    """An ISO 3166 code from a code (``DE``, ``DEU``) or an English name (``Germany``)."""
    word = " ".join(text.strip().lower().split())
    found = _countries().get(word)
    if found is None:
        raise BadValue("a country the bot knows the holidays of, by name or ISO code (DE, US)")
    return found
