"""Lists kept in more than one place stay complete: a nudge reason forgotten in one of them
would silently weigh nothing, read as its raw name or never expire; a command forgotten in
the dispatcher would parse and then do nothing."""

from __future__ import annotations

import typing

from bot.commands import COMMANDS, entries_for
from bot.commands.commands import Command
from bot.services.dispatch import HANDLERS
from bot.services.nudge_text import REASON_TITLES
from nudges.model import NudgeReason
from nudges.offers import _PREFIX as OFFER_REASONS
from nudges.policy import DEFAULT_PLAYBOOK
from nudges.ranking import REASON_BASE
from nudges.suppress import CUSTOMER_REASONS


def test_every_nudge_reason_has_a_base_weight_and_a_title() -> None:
    assert set(REASON_BASE) == set(NudgeReason)
    assert set(REASON_TITLES) == set(NudgeReason)


def test_every_nudge_reason_is_decided_about_a_customer_or_an_offer_and_so_can_expire() -> None:
    about_customers = set(CUSTOMER_REASONS.values())
    about_offers = set(OFFER_REASONS)
    assert about_customers | about_offers == set(NudgeReason)
    assert about_customers & about_offers == set()


def test_every_command_the_grammar_can_return_has_a_handler() -> None:
    commands = set(typing.get_args(Command))
    assert commands
    assert commands - set(HANDLERS) == set()


def test_every_command_word_of_the_grammar_has_its_help() -> None:
    assert [word for word in COMMANDS if not entries_for(word)] == []


def test_every_ritual_the_help_names_is_in_the_default_playbook() -> None:
    [touch] = entries_for("touch")
    [line] = [note for note in touch.notes if note.startswith("Rituals:")]
    named = {word.strip(" ,.…") for word in line.removeprefix("Rituals:").split(",")} - {""}
    assert named
    assert named - {ritual.name for ritual in DEFAULT_PLAYBOOK} == set()
