"""Escaping for Teams: only what its Markdown subset would turn into formatting, a link or a
mention is escaped; everything else shows exactly as typed, without stray backslashes."""

from __future__ import annotations

import pytest

from bot.teams.markdown import escape


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("**VIP**", r"\*\*VIP\*\*"),
        ("_urgent_ deal", r"\_urgent\_ deal"),
        ("~~gone~~", r"\~\~gone\~\~"),
        ("<at>Everyone</at>", r"\<at>Everyone\</at>"),
        ("<b>bold</b>", r"\<b>bold\</b>"),
        ("[click](http://x)", r"[click\](http://x)"),
        ("- not a list", r"\- not a list"),
        ("* not a list", r"\* not a list"),
        ("+ not a list", r"\+ not a list"),
        ("1. not a list", r"1\. not a list"),
        ("12) not a list", r"12\) not a list"),
        ("# not a heading", r"\# not a heading"),
        ("> not a quote", r"\> not a quote"),
        ("__init__ done", r"\_\_init\_\_ done"),
        ("AT&amp;T", r"AT\&amp;T"),
        ("C:\\*path*", "C:\\\\\\*path\\*"),
    ],
)
def test_what_teams_would_format_is_escaped(raw: str, shown: str) -> None:
    assert escape(raw) == shown


@pytest.mark.parametrize(
    "plain",
    [
        "Plain Name GmbH",
        "Quiet for 47 days (key: ideal 30, max 45)",
        "Acme Corp. — renewal on 2027-01-31!",
        "a_b & c",
        "snake_case",
        "new_role, promotion, new_baby",
        "`quiet` shows what is cooling",
        "Müller & Söhne {EMEA} #1 | 3 < 5 > 2",
        "one * star",
        "price: 1.5k",
        "Dr. No",
        "C:\\path",
    ],
)
def test_ordinary_text_is_left_alone(plain: str) -> None:
    assert escape(plain) == plain


def test_a_numbered_start_of_a_line_is_escaped_on_every_line() -> None:
    assert escape("first\n2. second\n- third") == "first\n2\\. second\n\\- third"


def test_inside_bold_every_star_is_escaped() -> None:
    assert escape("one * star", strong=True) == r"one \* star"
    assert escape("a\\*b", strong=True) == r"a\\\*b"
    assert escape("Plain (Berlin)", strong=True) == "Plain (Berlin)"
