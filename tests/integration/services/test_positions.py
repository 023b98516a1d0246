"""`done 2`, `snooze 2 1w`, `skip 2`: the number of an item in the last list the person saw."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.bootstrap import build
from bot.delivery.cycle import run_cycle
from bot.replies import Tone
from nudges.model import NudgeState, Platform
from tests.fakes import FakePlatform
from tests.integration.services.team import NOW, Team, later


def test_done_by_number_answers_the_item_shown_at_that_number(team: Team) -> None:
    team.book("sam", ["Acme", "Beta", "Gamma"])
    shown = team.do("sam", "nudges")
    second = shown.sections[0].items[1].title.split(" — ")[0]

    reply = team.do("sam", "done 2")

    assert reply.text.startswith(f"{second}: done")
    states = {name: team.nudges_about(name)[0].state for name in ("Acme", "Beta", "Gamma")}
    assert states.pop(second) is NudgeState.DONE
    assert set(states.values()) == {NudgeState.OPEN}


def test_snooze_and_skip_by_number(team: Team) -> None:
    team.book("sam", ["Acme", "Beta"])
    shown = team.do("sam", "nudges")
    first, second = (item.title.split(" — ")[0] for item in shown.sections[0].items)

    team.do("sam", "snooze 1 1 week")
    team.do("sam", "skip 2 -- met them at the fair")

    (snoozed,) = team.nudges_about(first)
    assert (snoozed.state, snoozed.snoozed_until) == (NudgeState.SNOOZED, later(7))
    assert team.nudges_about(second)[0].state is NudgeState.SKIPPED


def test_the_last_list_survives_a_restart_and_is_the_same_on_every_replica(team: Team) -> None:
    team.book("sam", ["Acme", "Beta", "Gamma"])
    shown = team.do("sam", "nudges")
    third = shown.sections[0].items[2].title.split(" — ")[0]

    # Another process on the same database (a replica, or the bot after a restart).
    other = build(team.container.settings, clock=team.clock)
    try:
        sam = team.actor("sam")
        reply = other.commands.handle_text(sam, "skip 3")
    finally:
        other.close()

    assert reply.tone is Tone.SUCCESS, reply.text
    assert reply.text.startswith(f"{third}: 1 nudge skipped")
    assert team.nudges_about(third)[0].state is NudgeState.SKIPPED


def test_the_daily_message_is_the_last_list_once_it_is_sent(team: Team) -> None:
    team.book("sam", ["Acme", "Beta"])
    team.do("sam", "nudges")  # an older list
    platform = FakePlatform()
    at = NOW + timedelta(days=1)  # Tuesday 10:00 UTC: past Sam's 09:00 slot
    team.clock.set(at)
    asyncio.run(run_cycle(team.container, now=at, platforms={Platform.CONSOLE: platform}))
    (message,) = [m for m in platform.sent if m.person_id == team.actor("sam").person.id]
    first = message.reply.sections[0].items[0].title.split(" — ")[0]

    reply = team.do("sam", "done 1")

    assert reply.text.startswith(f"{first}: done")
    assert team.nudges_about(first)[0].state is NudgeState.DONE


def test_a_number_beyond_the_list_or_without_a_list_is_refused_and_changes_nothing(
    team: Team,
) -> None:
    team.book("sam", ["Acme", "Beta"])

    nothing_yet = team.say("sam", "done 1")

    assert nothing_yet.tone is Tone.ERROR
    assert "no numbered list to count from yet" in nothing_yet.text
    assert "`nudges`" in nothing_yet.text
    team.do("sam", "nudges")
    too_far = team.say("sam", "skip 5")
    assert too_far.tone is Tone.ERROR
    assert "Your last list had 2 items: there is no 5." in too_far.text
    assert {n.state for name in ("Acme", "Beta") for n in team.nudges_about(name)} == {
        NudgeState.OPEN
    }
