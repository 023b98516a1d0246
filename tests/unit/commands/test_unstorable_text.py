"""Control characters (NUL and the rest of C0 but tab, newline and carriage return) and lone
surrogates cannot be stored: the grammar refuses them at its edge, saying which and where,
before any name is looked up."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import LogTouch, NameIndex, ParseError, parse
from bot.commands.text import unstorable

TODAY = date(2026, 1, 20)
BAD = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ud800", "\udfff"]


class Exploding:
    """A name index that must not be asked: the text is refused before any look-up."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"looked up {name} for text that cannot be stored")


@pytest.mark.parametrize("char", BAD)
@pytest.mark.parametrize(
    "template", ["touch acme -- hi{c}", "customer add Ac{c}me", "{c}", "note{c}", "help {c}"]
)
def test_a_control_character_anywhere_is_refused_with_its_code(template: str, char: str) -> None:
    result = parse(template.format(c=char), customers=Exploding(), today=TODAY)  # type: ignore[arg-type]
    assert isinstance(result, ParseError)
    assert f"U+{ord(char):04X}" in result.message


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_newline_and_carriage_return_are_ordinary_space(char: str) -> None:
    result = parse(
        f"touch acme{char}call -- one{char}two", customers=NameIndex(["Acme"]), today=TODAY
    )
    assert isinstance(result, LogTouch), result


def test_unstorable_names_the_field_of_a_form() -> None:
    command = LogTouch(customer="Acme", note="fine\x00not")
    problem = unstorable(command)
    assert problem is not None and "U+0000" in problem and "note" in problem
    assert unstorable(LogTouch(customer="Acme", note="fine\tline\nnext")) is None
