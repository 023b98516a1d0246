"""Every error is a value that names what was wrong and shows how the command is used."""

from __future__ import annotations

import pytest

from bot.commands import ParseError, help
from tests.unit.commands.factories import rejected

ERRORS: list[tuple[str, str, str]] = [
    # text, a fragment the message must contain, the command whose usage is shown
    (
        "customer add Newco tire=key",
        "Unknown option 'tire=' for customer add. Did you mean 'tier='?",
        "customer add",
    ),
    (
        "customer add Newco since=2027-02-30",
        "Not a date: '2027-02-30' (expected YYYY-MM-DD)",
        "customer add",
    ),
    ("customer add Newco since=31/01/2026", "Not a date: '31/01/2026'", "customer add"),
    ("customer add Newco value=lots", "Not an amount: 'lots'", "customer add"),
    ("customer add Newco cadence=30/14", "Cadence '30/14'", "customer add"),
    ("customer add Newco cadence=often", "Not a cadence: 'often'", "customer add"),
    ("customer add Newco tz=Europe/Berlyn", "Did you mean 'Europe/Berlin'", "customer add"),
    ("customer add Newco country=Germany", "Not a country code: 'Germany'", "customer add"),
    ("customer add Newco kind=custmer", "Unknown kind 'custmer'", "customer add"),
    ("customer add Newco owner=maria", "Not a person: 'maria'", "customer add"),
    ("customer add Newco tier=key tier=core", "Option 'tier=' is given twice", "customer add"),
    ("customer add Newco tier=", "Option 'tier=' needs a value", "customer add"),
    (
        "customer add Newco since=none",
        "'since=none' is not allowed for customer add",
        "customer add",
    ),
    ("customer add tier=key", "Missing the new customer's name", "customer add"),
    ("customer add Newco @maria", "Did you mean owner=@maria?", "customer add"),
    ("customer edit acme", "Nothing to change", "customer edit"),
    ("customer edit acme value=none", "'value=none' is not allowed", "customer edit"),
    ("customer list everyone", "Unexpected 'everyone' for customer list", "customer list"),
    ("customer list owner=@maria all", "either owner=@user or all", "customer list"),
    ("customer assign acme", "Missing the new owner of 'Acme'", "customer assign"),
    ("customer assign acme @bob owner=@bob", "Give the new owner once", "customer assign"),
    ("customer show", "Missing the customer for customer show", "customer show"),
    ("customer frobnicate acme", "Unknown command 'customer frobnicate'", "customer add"),
    ("contact add initech", "Missing the contact's name at 'Initech'", "contact add"),
    (
        "contact add initech Jo birthday=02-30",
        "Not a birthday: '02-30' (expected MM-DD or YYYY-MM-DD)",
        "contact add",
    ),
    ("contact add initech Jo birthday=1981-02-29", "Not a birthday: '1981-02-29'", "contact add"),
    ("contact add initech Jo birthday=13-01", "Not a birthday: '13-01'", "contact add"),
    ("date add initech founding day", "Not a date: 'day'", "date add"),
    ("date add initech 2026-06-01", "Missing the label", "date add"),
    ("date add initech launch 2026-06-01 lead=soon", "Not a lead time: 'soon'", "date add"),
    ("event add initech", "Missing who it happened to", "event add"),
    ("event add initech illness 2026-13-01", "Not a date: '2026-13-01'", "event add"),
    ("touch initech call went well", "Unexpected 'went well' after the ritual 'call'", "touch"),
    ("touch initech call on=2026-02-01", "is in the future", "touch"),
    ("touch initech on=someday", "Not a past day: 'someday'", "touch"),
    ("touch initech call colour=red", "Unknown option 'colour=' for touch", "touch"),
    ("touch", "Missing the customer for touch", "touch"),
    ("touch -- a note without a customer", "Missing the customer for touch", "touch"),
    ("snooze initech", "Missing the customer or until when", "snooze"),
    ("snooze initech 2027-02-30", "Not a date: '2027-02-30' (expected YYYY-MM-DD)", "snooze"),
    ("snooze initech later", "Not a day or duration: 'later'", "snooze"),
    ("snooze initech 0d", "Duration '0d' must be at least 1", "snooze"),
    ("snooze initech 2025-12-01", "is in the past", "snooze"),
    ("snooze initech today", "must be after today", "snooze"),
    ("done initech -- with a note", "done takes no note after '--'", "done"),
    ("dnc initech", "Missing until=<date> for 'Initech'", "dnc"),
    ("dnc initech until=yesterday", "is in the past", "dnc"),
    ("dnc initech off until=1w", "either until=<date> or off", "dnc"),
    ("ooo", "Missing until=<date>", "ooo"),
    ("ooo until=2026-02-30", "Not a date: '2026-02-30'", "ooo"),
    ("ooo until=1w cover=bob", "Not a person: 'bob'", "ooo"),
    ("ooo off until=1w", "'ooo off' takes no options", "ooo"),
    ("ooo maybe", "Unexpected 'maybe' for ooo", "ooo"),
    ("me hour=24", "hour must be between 0 and 23, not 24", "me"),
    ("me hour=eight", "Not a whole number for hour: 'eight'", "me"),
    ("me cap=0", "cap must be between 1 and 100", "me"),
    ("me days=weekdays", "Not a list of weekdays: 'weekdays'", "me"),
    ("me tz=Mars/Olympus", "Unknown time zone 'Mars/Olympus'", "me"),
    ("me tmz=Europe/Berlin", "Did you mean 'tz='?", "me"),
    ("me please", "Unexpected 'please' for me", "me"),
    ("quiet please", "Unexpected 'please' for quiet", "quiet"),
    ("nudges tier=key", "nudges takes no options, but got 'tier='", "nudges"),
    ("offer add Max kind=product from=2026-04-01", "Missing public= for offer 'Max'", "offer add"),
    ("offer add Max kind=gadget from=today public=1m", "Unknown offer kind 'gadget'", "offer add"),
    (
        "offer add Max kind=win from=2026-05-01 public=2026-04-01",
        "public='2026-04-01' is before from=",
        "offer add",
    ),
    ("offer add Max kind=win from=today public=1m qty=0", "qty must be between 1", "offer add"),
    (
        "offer add Max kind=win from=today public=1m kinds=vendor",
        "Unknown kind 'vendor'",
        "offer add",
    ),
    ("offer add kind=win from=today public=1m", "Missing the offer's title", "offer add"),
    ("offer show", "Missing the offer", "offer show"),
    ("offer pitched max", "Missing the offer or the customer", "offer pitched"),
    ("offer pitched max nobody here", "quote the offer's title", "offer pitched"),
    ("digest everyone", "expected @user or team", "digest"),
    ("team add maria", "Not a person: 'maria'", "team add"),
    ("team add @maria boss", "Unexpected 'boss' for team add", "team add"),
    ("team add", "Missing the person to add", "team add"),
    ("deliveries broken", "Unexpected 'broken' for deliveries", "deliveries"),
    ("help frobnicate", "No help for 'frobnicate'", "help"),
    ('touch "acme corp', "Missing closing quote", "touch"),
]


@pytest.mark.parametrize(("text", "fragment", "command"), ERRORS, ids=[t for t, _, _ in ERRORS])
def test_errors_name_the_problem_and_show_the_usage(text: str, fragment: str, command: str) -> None:
    error = rejected(text)
    assert fragment in error.message
    entry = help.entry(command)
    expected_usage = entry.usage if entry is not None else ""
    if text.startswith("customer frobnicate"):
        assert error.usage.startswith("customer add|edit|show|list|archive|assign")
    else:
        assert error.usage == expected_usage
        assert error.command == command
    assert error.usage in str(error)


def test_unknown_option_suggests_the_closest_option_with_its_usage() -> None:
    error = rejected("customer add Newco tire=key")
    assert error.message == "Unknown option 'tire=' for customer add. Did you mean 'tier='?"
    assert error.suggestions == ("tier=",)
    assert str(error).startswith(error.message + "\nUsage: customer add <name> [tier=…]")


def test_an_unknown_command_suggests_the_closest_one() -> None:
    error = rejected("tuch acme")
    assert error.message == "Unknown command 'tuch'. Did you mean 'touch'?"
    assert error.command is None
    assert "touch" in error.usage


def test_a_misspelled_subcommand_suggests_the_right_one() -> None:
    error = rejected("customer ad Newco")
    assert error.suggestions == ("customer add",)


def test_a_group_without_subcommand_lists_its_subcommands() -> None:
    error = rejected("offer")
    assert "add, list, show, pitched" in error.message


def test_an_over_long_text_is_refused_without_parsing() -> None:
    error = rejected("touch " + "a" * 10_000)
    assert "too long" in error.message


def test_an_over_long_note_is_refused() -> None:
    error = rejected("touch acme -- " + "x" * 5_000)
    assert "note is too long" in error.message


def test_a_note_without_a_command_is_refused() -> None:
    error = rejected("-- just a note")
    assert "needs a command" in error.message


def test_a_bad_time_zone_suggests_real_ones() -> None:
    error = rejected("me tz=america/new_yrok")
    assert "America/New_York" in error.suggestions


def test_parse_errors_are_values_not_exceptions() -> None:
    assert isinstance(rejected("snooze acme never"), ParseError)
