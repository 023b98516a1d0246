"""A small book of customers and a fixed "today" for parsing commands."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.commands import Command, NameIndex, ParseError, parse

TODAY = date(2026, 1, 31)  # a Saturday, and a month end: 1m is Feb 28

BOOK = (
    "Acme",
    "Acme Corp",
    "Acme Labs",
    "Globex Inc",
    "Initech",
    "Umbrella Corporation of America",
    "AT&T",
    "McDonald's",
    "Müller GmbH",
)
OFFERS = ("Analytics Pro", "Analytics Lite", "Spring Audit")


def known(names: Iterable[str] = BOOK) -> NameIndex:
    return NameIndex(names)


def parsed(
    text: str, *, names: Iterable[str] = BOOK, offers: Iterable[str] | None = None
) -> Command:
    result = parse(
        text,
        customers=known(names),
        today=TODAY,
        offers=None if offers is None else NameIndex(offers),
    )
    assert not isinstance(result, ParseError), f"{text!r} -> {result}"
    return result


def rejected(text: str, *, names: Iterable[str] = BOOK) -> ParseError:
    result = parse(text, customers=known(names), today=TODAY)
    assert isinstance(result, ParseError), f"{text!r} parsed as {result}"
    return result
