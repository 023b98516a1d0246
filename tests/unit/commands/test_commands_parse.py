"""Every command form parses to the expected value."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import (
    AddContact,
    AddCustomer,
    AddDate,
    AddLifeEvent,
    AddOffer,
    AddTeamMember,
    ArchiveCustomer,
    AssignCustomer,
    Birthday,
    Command,
    CustomerFields,
    Done,
    DoNotContact,
    EditCustomer,
    Help,
    ListCustomers,
    ListOffers,
    ListTeam,
    LogTouch,
    OutOfOffice,
    RecordPitch,
    ShowCustomer,
    ShowDeliveries,
    ShowDigest,
    ShowHealth,
    ShowNudges,
    ShowOffer,
    ShowQuiet,
    ShowSettings,
    Skip,
    Snooze,
    UpdateSettings,
    UserRef,
    slash_text,
)
from nudges.model import Cadence, OfferKind, PitchState, RelationshipKind
from tests.unit.commands.factories import OFFERS, TODAY, parsed

MARIA = UserRef("@maria", name="maria")
BOB = UserRef("@bob", name="bob")
WORKDAYS = frozenset({0, 1, 2, 3, 4})

CASES: list[tuple[str, Command]] = [
    # touch
    ("touch acme", LogTouch("Acme")),
    (
        "touch acme corp coffee -- lunch went well",
        LogTouch("Acme Corp", "coffee", "lunch went well"),
    ),
    ('touch "Acme Corp" call', LogTouch("Acme Corp", "call")),
    ("touch globex inc case-study", LogTouch("Globex Inc", "case_study")),
    ("touch initech -- a quick note", LogTouch("Initech", note="a quick note")),
    (
        'touch initech call contact="Jane Doe" on=yesterday',
        LogTouch("Initech", "call", contact="Jane Doe", on=date(2026, 1, 30)),
    ),
    ("touch initech on=2026-01-02", LogTouch("Initech", on=date(2026, 1, 2))),
    ("TOUCH INITECH CALL", LogTouch("Initech", "call")),
    ("/touch initech", LogTouch("Initech")),
    # customer add / edit / show / list / archive / assign
    ("customer add Newco", AddCustomer("Newco")),
    ("customer add New Co Holdings", AddCustomer("New Co Holdings")),
    (
        'customer add "Acme Corp West" tier=key since=2021-03-01 renewal=2027-01-31 value=120000 '
        "tz=America/New_York country=US owner=@maria cadence=14/30 tags=fintech,emea",
        AddCustomer(
            "Acme Corp West",
            CustomerFields(
                tier="key",
                since=date(2021, 3, 1),
                renewal_on=date(2027, 1, 31),
                annual_value=120_000,
                timezone="America/New_York",
                country="US",
                owner=MARIA,
                cadence=Cadence(14, 30),
                tags=frozenset({"fintech", "emea"}),
            ),
        ),
    ),
    (
        "customer add Supplyco kind=supplier value=1.5m tier=long-tail",
        AddCustomer(
            "Supplyco",
            CustomerFields(
                tier="long-tail", kind=RelationshipKind.SUPPLIER, annual_value=1_500_000
            ),
        ),
    ),
    (
        "customer edit acme corp renewal=2028-01-31 value=150k",
        EditCustomer(
            "Acme Corp", CustomerFields(renewal_on=date(2028, 1, 31), annual_value=150_000)
        ),
    ),
    (
        "customer edit initech cadence=none tz=none tier=core",
        EditCustomer(
            "Initech", CustomerFields(tier="core"), clear=frozenset({"cadence", "timezone"})
        ),
    ),
    ("customer show globex inc", ShowCustomer("Globex Inc")),
    ("customer list", ListCustomers()),
    ("customer list tier=key owner=@maria", ListCustomers(tier="key", owner=MARIA)),
    ("customer list all archived", ListCustomers(everyone=True, archived=True)),
    (
        "customer list kind=partner tag=EMEA",
        ListCustomers(kind=RelationshipKind.PARTNER, tag="emea"),
    ),
    ("customer archive initech", ArchiveCustomer("Initech")),
    (
        "customer archive initech -- acquired by Globex",
        ArchiveCustomer("Initech", "acquired by Globex"),
    ),
    ("customer assign acme owner=@bob", AssignCustomer("Acme", BOB)),
    ("customer assign acme corp @bob", AssignCustomer("Acme Corp", BOB)),
    (
        "customer assign acme labs <@U024BE7LH|bob>",
        AssignCustomer("Acme Labs", UserRef("<@U024BE7LH|bob>", user_id="U024BE7LH", name="bob")),
    ),
    (
        "customer assign initech <@U024BE7LH>",
        AssignCustomer("Initech", UserRef("<@U024BE7LH>", user_id="U024BE7LH")),
    ),
    (
        "customer assign initech <at>Maria Schmidt</at>",
        AssignCustomer("Initech", UserRef("<at>Maria Schmidt</at>", name="Maria Schmidt")),
    ),
    # contacts, dates, life events
    ("contact add acme corp Jane Doe", AddContact("Acme Corp", "Jane Doe")),
    (
        'contact add initech Jane Doe birthday=05-17 role="Head of Operations"',
        AddContact("Initech", "Jane Doe", Birthday(5, 17), "Head of Operations"),
    ),
    (
        "contact add initech Leap Baby birthday=02-29",
        AddContact("Initech", "Leap Baby", Birthday(2, 29)),
    ),
    (
        "contact add initech Jo birthday=1980-12-01",
        AddContact("Initech", "Jo", Birthday(12, 1, 1980)),
    ),
    (
        "date add initech founding day 2009-06-01 yearly lead=7",
        AddDate("Initech", "founding day", date(2009, 6, 1), yearly=True, lead_days=7),
    ),
    ("date add acme corp go-live 2026-09-15", AddDate("Acme Corp", "go-live", date(2026, 9, 15))),
    (
        "date add acme go-live 2026-09-15 lead=2w",
        AddDate("Acme", "go-live", date(2026, 9, 15), lead_days=14),
    ),
    (
        "event add Jane Doe new_baby -- a girl, Mia",
        AddLifeEvent("new_baby", TODAY, contact="Jane Doe", note="a girl, Mia"),
    ),
    (
        "event add initech new-role 2026-01-15",
        AddLifeEvent("new_role", date(2026, 1, 15), customer="Initech"),
    ),
    (
        'event add acme corp illness contact="Jane Doe"',
        AddLifeEvent("illness", TODAY, customer="Acme Corp", contact="Jane Doe"),
    ),
    # my nudges
    ("quiet", ShowQuiet()),
    ("nudges", ShowNudges()),
    ("snooze acme 3d", Snooze("Acme", date(2026, 2, 3))),
    (
        "snooze acme corp 1w -- waiting for their reorg",
        Snooze("Acme Corp", date(2026, 2, 7), "waiting for their reorg"),
    ),
    ("snooze initech 1m", Snooze("Initech", date(2026, 2, 28))),
    ("snooze initech 2026-03-01", Snooze("Initech", date(2026, 3, 1))),
    ("snooze initech monday", Snooze("Initech", date(2026, 2, 2))),
    ("skip initech", Skip("Initech")),
    ("skip initech -- spoke at the conference", Skip("Initech", "spoke at the conference")),
    ("done globex inc", Done("Globex Inc")),
    (
        "dnc initech until=2026-06-30 -- legal dispute",
        DoNotContact("Initech", date(2026, 6, 30), "legal dispute"),
    ),
    ("dnc acme corp until=3m", DoNotContact("Acme Corp", date(2026, 4, 30))),
    ("dnc acme corp off", DoNotContact("Acme Corp", None)),
    ("ooo until=2026-08-15 cover=@bob", OutOfOffice(date(2026, 8, 15), BOB)),
    ("ooo until=2w", OutOfOffice(date(2026, 2, 14))),
    ("ooo off", OutOfOffice(None)),
    ("me", ShowSettings()),
    (
        "me tz=Europe/Berlin hour=8 days=mon-fri cap=5",
        UpdateSettings(
            timezone="Europe/Berlin", delivery_hour=8, working_days=WORKDAYS, daily_cap=5
        ),
    ),
    ("me tz=europe/berlin", UpdateSettings(timezone="Europe/Berlin")),
    ("me days=sun-thu", UpdateSettings(working_days=frozenset({6, 0, 1, 2, 3}))),
    (
        "me days=mon,wed,fri hour=0",
        UpdateSettings(delivery_hour=0, working_days=frozenset({0, 2, 4})),
    ),
    ("me country=de", UpdateSettings(holiday_country="DE")),
    # offers
    (
        "offer add Analytics Max kind=product from=2026-04-01 public=2026-05-01 qty=20 "
        "tiers=key,core kinds=customer,partner tags=fintech -- dashboards for everyone",
        AddOffer(
            "Analytics Max",
            OfferKind.PRODUCT,
            existing_first_on=date(2026, 4, 1),
            public_on=date(2026, 5, 1),
            quantity=20,
            tiers=frozenset({"key", "core"}),
            kinds=frozenset({RelationshipKind.CUSTOMER, RelationshipKind.PARTNER}),
            tags=frozenset({"fintech"}),
            description="dashboards for everyone",
        ),
    ),
    (
        'offer add "Loyalty price" kind=incentive from=today public=1m',
        AddOffer("Loyalty price", OfferKind.INCENTIVE, TODAY, date(2026, 2, 28)),
    ),
    ("offer list", ListOffers()),
    ("offer show analytics pro", ShowOffer("analytics pro")),
    (
        'offer pitched "Analytics Pro" acme corp accepted',
        RecordPitch("Analytics Pro", "Acme Corp", PitchState.ACCEPTED),
    ),
    ("offer pitched analytics pro acme corp", RecordPitch("analytics pro", "Acme Corp")),
    (
        "offer pitched spring audit globex inc declined",
        RecordPitch("spring audit", "Globex Inc", PitchState.DECLINED),
    ),
    # people and the rest
    ("digest", ShowDigest()),
    ("digest team", ShowDigest(team=True)),
    ("digest @maria", ShowDigest(user=MARIA)),
    ("health acme labs", ShowHealth("Acme Labs")),
    ("team add @maria", AddTeamMember(MARIA)),
    ("team add @maria manager=@bob admin", AddTeamMember(MARIA, manager=BOB, admin=True)),
    (
        'team add @"Maria Schmidt"',
        AddTeamMember(UserRef("@Maria Schmidt", name="Maria Schmidt")),
    ),
    ("team list", ListTeam()),
    ("help", Help()),
    ("help snooze", Help("snooze")),
    ("help customer add", Help("customer add")),
    ("help customer", Help("customer")),
    ("customer help", Help("customer")),
    ("snooze --help", Help("snooze")),
    ("", Help()),
    ("deliveries", ShowDeliveries()),
    ("deliveries failed", ShowDeliveries(failed_only=True)),
    ("deliveries failed all", ShowDeliveries(failed_only=True, everyone=True)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text or "<empty>" for text, _ in CASES])
def test_every_command_form_parses_to_its_value(text: str, expected: Command) -> None:
    assert parsed(text) == expected


def test_offer_references_resolve_to_the_exact_title_when_offers_are_known() -> None:
    assert parsed("offer show analytics pro", offers=OFFERS) == ShowOffer("Analytics Pro")
    assert parsed("offer pitched spring audit acme corp accepted", offers=OFFERS) == RecordPitch(
        "Spring Audit", "Acme Corp", PitchState.ACCEPTED
    )


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("/nudge", "touch acme", "touch acme"),
        ("/touch", "acme corp coffee", "touch acme corp coffee"),
        ("/snooze", "acme 1w", "snooze acme 1w"),
        ("nudge", "", ""),
    ],
)
def test_slash_commands_become_grammar_text(command: str, text: str, expected: str) -> None:
    assert slash_text(command, text) == expected


def test_a_slack_slash_touch_parses_like_the_console() -> None:
    assert parsed(slash_text("/touch", "acme corp coffee -- lunch")) == LogTouch(
        "Acme Corp", "coffee", "lunch"
    )
