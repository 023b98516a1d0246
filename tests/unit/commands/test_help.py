"""One help text per command, rendered the same everywhere; every example parses."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, HELP, Help, entries_for, render_help
from tests.unit.commands.factories import parsed

EXAMPLE_BOOK = ("Acme", "Acme Corp", "Globex Inc", "Initech")


def test_every_command_has_exactly_one_help_entry() -> None:
    assert sorted(entry.command for entry in HELP) == sorted(COMMANDS)


@pytest.mark.parametrize(
    "example", [example for entry in HELP for example in entry.examples], ids=lambda e: e[:40]
)
def test_every_help_example_parses(example: str) -> None:
    parsed(example, names=EXAMPLE_BOOK)


def test_every_entry_has_a_usage_a_summary_and_an_example() -> None:
    for entry in HELP:
        assert entry.usage.startswith(entry.command)
        assert entry.summary
        assert entry.examples


def test_the_whole_help_renders_every_usage_line() -> None:
    text = render_help()
    for entry in HELP:
        assert entry.usage in text


def test_a_group_renders_its_commands_only() -> None:
    text = render_help("customer")
    assert "customer add" in text
    assert "snooze" not in text
    assert [e.command for e in entries_for("offer")] == [
        "offer add",
        "offer list",
        "offer show",
        "offer pitched",
    ]


def test_one_command_renders_with_its_examples() -> None:
    assert (
        render_help("snooze").splitlines()[0]
        == "snooze <customer|number> <3d|2w|1 week|1m|YYYY-MM-DD|friday> [-- <reason>]"
    )
    assert "e.g. snooze acme 1w" in render_help("snooze")


def test_an_unknown_topic_renders_a_pointer_to_the_commands() -> None:
    assert render_help("frobnicate").startswith("No help for 'frobnicate'.")


def test_help_topics_parse_to_help_values() -> None:
    for entry in HELP:
        assert parsed(f"help {entry.command}") == Help(entry.command)
