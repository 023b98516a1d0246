"""A NUL (or another control character) typed, pasted into a form or sent as a profile name
never reaches the database: the person is told, and nothing is half-written."""

from __future__ import annotations

import pytest

from bot.commands import LogTouch
from bot.replies import Tone, Verb
from bot.services.identity import identify
from nudges.model import NudgeState, Platform
from tests.integration.services.team import Team

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    "text",
    ["customer add Ac\x00me", "touch acme -- a\x00b", "customer show \x00", "offer add \x07x"],
)
def test_typed_text_with_a_control_character_is_answered_with_an_error(
    team: Team, text: str
) -> None:
    team.book("sam", ["Acme"])
    before = team.snapshot()

    reply = team.say("sam", text)

    assert reply.tone is Tone.ERROR
    assert "cannot be saved" in reply.text
    assert team.snapshot() == before


def test_a_form_field_with_a_nul_is_refused_naming_the_field(team: Team) -> None:
    team.book("sam", ["Acme"])
    before = team.snapshot()

    reply = team.container.commands.log_touch(
        team.actor("sam"), LogTouch(customer="Acme", ritual="call", note="went\x00well")
    )

    assert reply.tone is Tone.ERROR
    assert "note" in reply.text and "U+0000" in reply.text
    assert team.snapshot() == before


def test_a_button_reason_with_a_nul_is_refused(team: Team) -> None:
    team.book("sam", ["Acme"])
    (nudge,) = team.nudges_about("Acme")
    assert nudge.id is not None

    reply, state = team.container.commands.answer(
        team.actor("sam"), nudge_id=nudge.id, verb=Verb.SKIP, reason="no\x00pe"
    )

    assert reply.tone is Tone.ERROR and state is None
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN]


def test_a_profile_name_with_control_characters_is_stored_without_them(team: Team) -> None:
    actor = identify(
        team.container.deps,
        platform=Platform.CONSOLE,
        team_id="console",
        team_name="Con\x00sole",
        user_id="newcomer",
        display_name="Zoe\x00 \x1bBell",
    )
    assert actor.person.display_name == "Zoe Bell"
