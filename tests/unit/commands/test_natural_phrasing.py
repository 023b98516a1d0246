"""What people type: values with spaces, aliases, days in words, positions in the last list."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import (
    AddContact,
    AddDate,
    AddTeamMember,
    Birthday,
    Command,
    CustomerFields,
    Done,
    EditCustomer,
    ListCustomers,
    LogTouch,
    ShowHealth,
    ShowNudges,
    ShowQuiet,
    Skip,
    Snooze,
    UserRef,
)
from tests.unit.commands.factories import TODAY, parsed, rejected

BOB = UserRef("@bob", name="bob")

# TODAY is Saturday 31 January 2026.
CASES: list[tuple[str, Command]] = [
    # An option's value runs up to the next option: nothing is swallowed into another field.
    (
        "contact add acme Jane Doe birthday=1975-10-02 role=VP Procurement",
        AddContact("Acme", "Jane Doe", Birthday(10, 2, 1975), "VP Procurement"),
    ),
    (
        "contact add acme Jane Doe role=VP Procurement birthday=1975-10-02",
        AddContact("Acme", "Jane Doe", Birthday(10, 2, 1975), "VP Procurement"),
    ),
    (
        'contact add acme Jane Doe role="VP Procurement"',
        AddContact("Acme", "Jane Doe", role="VP Procurement"),
    ),
    ("touch initech contact=Jane Doe", LogTouch("Initech", contact="Jane Doe")),
    (
        "touch initech call contact=Jane Doe on=yesterday -- went well",
        LogTouch("Initech", "call", "went well", contact="Jane Doe", on=date(2026, 1, 30)),
    ),
    # ... except the command's own flags, which may follow the options.
    ("customer list tier=key archived", ListCustomers(tier="key", archived=True)),
    (
        "team add @maria manager=@bob admin",
        AddTeamMember(UserRef("@maria", name="maria"), BOB, True),
    ),
    (
        "date add acme go-live 2026-09-15 lead=7 yearly",
        AddDate("Acme", "go-live", date(2026, 9, 15), yearly=True, lead_days=7),
    ),
    (
        "customer edit acme tier=key value=120k",
        EditCustomer("Acme", CustomerFields(tier="key", annual_value=120_000)),
    ),
    # `log` is another word for `touch`.
    ("log acme coffee", LogTouch("Acme", "coffee")),
    ("log acme corp call -- long talk", LogTouch("Acme Corp", "call", "long talk")),
    # Past days in words.
    ("touch acme on=last friday", LogTouch("Acme", on=date(2026, 1, 30))),
    ("touch acme on=friday", LogTouch("Acme", on=date(2026, 1, 30))),
    ("touch acme on=saturday", LogTouch("Acme", on=TODAY)),
    ("touch acme on=last saturday", LogTouch("Acme", on=date(2026, 1, 24))),
    ("touch acme on=yesterday", LogTouch("Acme", on=date(2026, 1, 30))),
    ("touch acme on=3 days ago", LogTouch("Acme", on=date(2026, 1, 28))),
    ("touch acme on=2w ago", LogTouch("Acme", on=date(2026, 1, 17))),
    # Durations in words.
    ("snooze acme 1 week", Snooze("Acme", date(2026, 2, 7))),
    (
        "snooze acme corp 2 days -- after their board",
        Snooze("Acme Corp", date(2026, 2, 2), "after their board"),
    ),
    ("snooze acme 3 months", Snooze("Acme", date(2026, 4, 30))),
    # Positions in the last list shown.
    ("done 2", Done(None, position=2)),
    ("skip 3 -- met them at the fair", Skip(None, "met them at the fair", position=3)),
    ("snooze 2 1w", Snooze(None, date(2026, 2, 7), position=2)),
    ("snooze 1 2 weeks", Snooze(None, date(2026, 2, 14), position=1)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_natural_phrasing_parses_to_what_was_meant(text: str, expected: Command) -> None:
    assert parsed(text) == expected


def test_a_customer_named_like_a_number_is_still_found_by_name() -> None:
    assert parsed("done 7", names=("7", "Acme")) == Done("7")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # The value of on= ran into the ritual: say so, and show the way out.
        (
            "touch acme on=yesterday coffee",
            "on= runs up to the next option: put 'coffee' before the options",
        ),
        ("touch acme on=next friday", "Not a past day: 'next friday'"),
        ("touch acme on=tomorrow", "is in the future"),
        ("customer edit acme tier=key account", "put 'account' before the options"),
        ("done 0", "Position 0 is not in a list: positions start at 1."),
        ("snooze 2", "or until when"),
    ],
)
def test_what_cannot_be_meant_is_refused_with_the_way_to_say_it(text: str, fragment: str) -> None:
    assert fragment in rejected(text).message


def test_a_quoted_mention_names_a_person_with_spaces() -> None:
    fatima = UserRef("@Fatima Tremblay", name="Fatima Tremblay")
    assert parsed('nudges @"Fatima Tremblay"') == ShowNudges(fatima)
    assert parsed('quiet @"Fatima Tremblay"') == ShowQuiet(fatima)
    assert parsed('health @"Fatima Tremblay"') == ShowHealth(None, user=fatima)
