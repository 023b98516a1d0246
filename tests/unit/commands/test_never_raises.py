"""Whatever anyone types, the parser answers with a value."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS, Command, NameIndex, ParseError, parse, parse_relative_until
from bot.commands.lexer import lex
from tests.unit.commands.factories import BOOK

INDEX = NameIndex(BOOK)
PIECES = st.sampled_from(
    [
        *COMMANDS,
        *BOOK,
        "acme",
        "corp",
        "--",
        "\u2014",
        '"',
        "'",
        "\u201c",
        "\u201d",
        "<@U1|x>",
        "<@",
        "<at>",
        "</at>",
        "@",
        "=",
        "tier=",
        "since=2027-02-30",
        "until=3d",
        "owner=@",
        'role="',
        "birthday=02-29",
        "1m",
        "99999",
        "none",
        "off",
        "all",
        "&amp;",
        "&lt;",
        "\u0663",
        "\u00a0",
        "\n",
        " ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=25).map(" ".join),
    st.lists(PIECES, max_size=25).map("".join),
)
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@settings(deadline=None, max_examples=600)
@given(text=TEXT, today=DAYS)
def test_the_parser_never_raises(text: str, today: date) -> None:
    result = parse(text, customers=INDEX, today=today, offers=NameIndex(["Analytics Pro"]))
    assert isinstance(result, ParseError | Command)
    if isinstance(result, ParseError):
        assert result.message


@settings(deadline=None)
@given(text=st.text(max_size=40), today=DAYS)
def test_relative_until_never_raises(text: str, today: date) -> None:
    parse_relative_until(text, today=today)


@settings(deadline=None)
@given(text=st.text())
def test_the_lexer_never_raises(text: str) -> None:
    lex(text)


def test_very_long_input_is_refused_as_a_value() -> None:
    for text in ("touch " + "acme " * 5_000, '"' * 20_000, "-- " * 5_000, "a" * 100_000):
        assert isinstance(parse(text, customers=INDEX, today=date(2026, 1, 31)), ParseError)


def test_long_input_within_the_limit_parses_quickly() -> None:
    text = "touch " + "x" * 7_000
    assert isinstance(parse(text, customers=INDEX, today=date(2026, 1, 31)), ParseError)
