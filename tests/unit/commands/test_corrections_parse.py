"""The commands that fix mistakes and read history back parse to what was meant."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import (
    AddContact,
    Birthday,
    Command,
    EditContact,
    EditDate,
    ListDates,
    NameIndex,
    ParseError,
    RemoveContact,
    RemoveDate,
    RemoveLifeEvent,
    ShowCustomer,
    ShowHistory,
    UnarchiveCustomer,
    parse,
)
from tests.unit.commands.factories import BOOK, TODAY, known, parsed, rejected

CASES: list[tuple[str, Command]] = [
    (
        "contact add acme Claire Dubois role=VP Procurement email=claire@acme.example",
        AddContact("Acme", "Claire Dubois", role="VP Procurement", email="claire@acme.example"),
    ),
    (
        "contact add acme Jo email=<mailto:jo@acme.example|jo@acme.example>",
        AddContact("Acme", "Jo", email="jo@acme.example"),
    ),
    ("contact edit acme Jane Doe role=CFO", EditContact("Acme", "Jane Doe", role="CFO")),
    (
        "contact edit acme corp claire birthday=1980-04-02 email=none role=Head of Buying",
        EditContact(
            "Acme Corp",
            "claire",
            role="Head of Buying",
            birthday=Birthday(4, 2, 1980),
            clear=frozenset({"email"}),
        ),
    ),
    ("contact edit acme Jo name=Joanna Smith", EditContact("Acme", "Jo", name="Joanna Smith")),
    ("contact remove acme corp Jane Doe", RemoveContact("Acme Corp", "Jane Doe")),
    ("date list acme labs", ListDates("Acme Labs")),
    ("date edit acme go-live on=2026-10-01", EditDate("Acme", "go-live", on=date(2026, 10, 1))),
    (
        "date edit initech founding day lead=14 yearly",
        EditDate("Initech", "founding day", yearly=True, lead_days=14),
    ),
    (
        "date edit initech kick-off label=Kick-off meeting lead=none once",
        EditDate(
            "Initech", "kick-off", new_label="Kick-off meeting", yearly=False, clear_lead=True
        ),
    ),
    ("date remove acme go-live", RemoveDate("Acme", "go-live")),
    ("event remove acme illness", RemoveLifeEvent("illness", customer="Acme")),
    (
        "event remove Jane Doe new_baby 2026-01-03",
        RemoveLifeEvent("new_baby", on=date(2026, 1, 3), contact="Jane Doe"),
    ),
    ("customer unarchive initech", UnarchiveCustomer("Initech")),
    ("history acme corp", ShowHistory("Acme Corp")),
    ("history acme 25", ShowHistory("Acme", 25)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_every_correction_form_parses_to_its_value(text: str, expected: Command) -> None:
    assert parsed(text) == expected


def test_archived_customers_are_found_by_the_commands_that_can_name_them() -> None:
    active = known([n for n in BOOK if n != "Initech"])

    def run(text: str) -> Command | ParseError:
        return parse(text, customers=active, today=TODAY, everyone=NameIndex(BOOK))

    assert run("customer unarchive initech") == UnarchiveCustomer("Initech")
    assert run("customer show initech") == ShowCustomer("Initech")
    assert run("history initech") == ShowHistory("Initech")
    assert isinstance(run("touch initech"), ParseError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("contact edit acme Jane", "Nothing to change"),
        ("contact edit acme Jane name=none", "A contact keeps a name"),
        ("contact add acme Jo email=jo", "Not an email address: 'jo'"),
        ("contact remove acme", "Missing the contact at 'Acme'"),
        ("date edit acme go-live", "Nothing to change"),
        ("history acme 500", "between 1 and 100"),
    ],
)
def test_corrections_say_what_is_missing(text: str, fragment: str) -> None:
    assert fragment in rejected(text).message
