"""A manager answers an escalation: acknowledge, remind the owner, take it over or reassign it.
None of these is a touch: nobody called the customer."""

from __future__ import annotations

import asyncio

import pytest

from bot.commands import UserRef
from bot.delivery.cycle import run_cycle
from bot.delivery.sweep import sweep
from bot.replies import Tone, Verb, render_text
from bot.teams.actions import answer as teams_answer
from bot.teams.actions import parse_action
from bot.teams.cards import input_id
from nudges.model import DeliveryKind, DeliveryState, Nudge, NudgeReason, NudgeState, Platform
from tests.fakes import FakePlatform
from tests.integration.services.team import NOW, Team


def _escalated(team: Team, name: str = "Acme") -> tuple[Nudge, Nudge]:
    """A key customer of Sam's, red for 20 days: Sam's quiet nudge, Mia's escalation."""
    team.book("sam", [name], quiet_days=50)
    nudges = {n.reason: n for n in team.nudges_about(name)}
    escalation = nudges[NudgeReason.ESCALATION]
    assert escalation.recipient_id == team.actor("mia").person.id
    return nudges[NudgeReason.QUIET], escalation


def _touches(team: Team, name: str) -> int:
    with team.container.deps.uow() as uow:
        return uow.touches.count(team.customer(name).id)


def _state(team: Team, nudge: Nudge) -> NudgeState:
    (found,) = [n for n in team.nudges_about("Acme") if n.id == nudge.id]
    return found.state


def test_acknowledging_an_escalation_logs_no_touch_and_the_customer_stays_red(team: Team) -> None:
    quiet, escalation = _escalated(team)
    before = team.customer("Acme")

    reply = team.do("mia", "escalation acknowledge acme")

    assert reply.text == (
        "Acknowledged the escalation about Acme: it stays with Sam, and no touch was logged."
    )
    assert _touches(team, "Acme") == 0
    after = team.customer("Acme")
    assert (after.last_touch_at, after.owner_id) == (before.last_touch_at, before.owner_id)
    assert _state(team, escalation) is NudgeState.DONE
    assert _state(team, quiet) is NudgeState.OPEN  # Sam still has to call them
    assert "red" in render_text(team.do("sam", "customer show acme"))


@pytest.mark.parametrize("how", ["text", "button"])
def test_done_on_an_escalation_acknowledges_it_and_logs_no_touch(team: Team, how: str) -> None:
    _, escalation = _escalated(team)

    if how == "text":
        reply = team.do("mia", "done acme")
        assert "no touch was logged" in reply.text
    else:
        reply, state = team.container.commands.answer(
            team.actor("mia"), nudge_id=escalation.id or 0, verb=Verb.DONE
        )
        assert reply.tone is Tone.SUCCESS
        assert state == "acknowledged: no touch logged"

    assert _touches(team, "Acme") == 0
    assert _state(team, escalation) is NudgeState.DONE


def test_remind_owner_sends_the_owner_a_message_and_logs_no_touch(team: Team) -> None:
    quiet, escalation = _escalated(team)

    reply, state = team.container.commands.answer(
        team.actor("mia"), nudge_id=escalation.id or 0, verb=Verb.REMIND
    )

    assert (reply.tone, state) == (Tone.SUCCESS, "owner reminded")
    assert reply.text == "Reminded Sam about Acme. No touch was logged."
    assert _touches(team, "Acme") == 0
    assert _state(team, escalation) is NudgeState.DONE
    sam = team.actor("sam").person
    with team.container.deps.uow() as uow:
        (notice,) = [
            d
            for d in uow.deliveries.in_states([DeliveryState.PENDING], recipient_id=sam.id)
            if d.kind is DeliveryKind.NOTICE
        ]
    platform = FakePlatform()
    asyncio.run(run_cycle(team.container, now=NOW, platforms={Platform.CONSOLE: platform}))
    (message,) = [m for m in platform.sent_to(sam.id) if m.delivery_id == notice.id]
    text = render_text(message.reply)
    assert text.startswith("Mia asks you to get in touch with Acme")
    assert "nobody has logged a touch since it was added 50 days ago" in text
    # The reminder carries Sam's own nudge, with its buttons, to act on at once.
    (item,) = message.reply.sections[0].items
    assert item.ref == f"nudge:{quiet.id}"
    assert Verb.DONE in {a.verb for a in item.actions}


def test_take_over_makes_the_manager_the_owner_and_logs_no_touch(team: Team) -> None:
    quiet, _ = _escalated(team)

    reply = team.do("mia", "escalation takeover acme")

    mia = team.actor("mia").person
    assert reply.text == (
        "Acme is yours now (it was Sam's). No touch was logged: it is still red, so reach out soon."
    )
    acme = team.customer("Acme")
    assert (acme.owner_id, acme.last_touch_at) == (mia.id, None)
    assert _touches(team, "Acme") == 0
    (moved,) = [n for n in team.nudges_about("Acme") if n.id == quiet.id]
    assert (moved.recipient_id, moved.state) == (mia.id, NudgeState.OPEN)


def test_reassign_hands_the_customer_to_a_report_who_is_told(team: Team) -> None:
    _, escalation = _escalated(team)

    reply = team.do("mia", "escalation reassign acme @sue")

    sue = team.actor("sue").person
    assert reply.text == "Acme is Sue's now (it was Sam's); Sue is told. No touch was logged."
    assert team.customer("Acme").owner_id == sue.id
    assert _touches(team, "Acme") == 0
    assert _state(team, escalation) is NudgeState.DONE
    with team.container.deps.uow() as uow:
        (notice,) = uow.deliveries.in_states([DeliveryState.PENDING], recipient_id=sue.id)
    assert notice.kind is DeliveryKind.NOTICE
    assert "Mia has handed Acme to you" in notice.payload


def test_reassign_by_button_names_the_new_owner(team: Team) -> None:
    _, escalation = _escalated(team)

    reply, state = team.container.commands.answer(
        team.actor("mia"), nudge_id=escalation.id or 0, verb=Verb.REASSIGN, to=UserRef("@sue")
    )

    assert (reply.tone, state) == (Tone.SUCCESS, "reassigned to Sue")
    assert team.customer("Acme").owner_id == team.actor("sue").person.id


def test_an_escalation_is_answered_only_by_the_owners_managers_and_nothing_else_changes(
    team: Team,
) -> None:
    _, escalation = _escalated(team)
    before = team.snapshot()

    by_owner = team.say("sam", "escalation acknowledge acme")
    by_outsider = team.say("otto", "escalation remind acme")
    outside_team = team.say("mia", "escalation reassign acme @otto")
    button, state = team.container.commands.answer(
        team.actor("sam"), nudge_id=escalation.id or 0, verb=Verb.TAKE_OVER
    )

    assert by_owner.tone is Tone.ERROR
    assert by_owner.text.startswith("No open escalation about Acme for you.")
    assert by_outsider.tone is Tone.ERROR
    assert outside_team.tone is Tone.ERROR
    assert "Otto is not in your team" in outside_team.text
    assert (button.tone, state) == (Tone.ERROR, None)
    assert team.snapshot() == before


def test_an_escalation_offers_the_managers_four_answers_and_no_done(team: Team) -> None:
    _escalated(team)

    shown = team.do("mia", "nudges")

    (item,) = shown.sections[0].items
    assert item.title.startswith("Acme — escalation")
    assert [a.verb for a in item.actions] == [
        Verb.ACKNOWLEDGE,
        Verb.REMIND,
        Verb.TAKE_OVER,
        Verb.REASSIGN,
        Verb.SNOOZE,
    ]
    # The salesperson's own nudge keeps its usual buttons.
    (own,) = team.do("sam", "nudges").sections[0].items
    assert [a.verb for a in own.actions][:2] == [Verb.DONE, Verb.LOG]


def test_escalation_commands_work_by_number_in_the_managers_list(team: Team) -> None:
    _escalated(team)
    team.do("mia", "nudges")

    reply = team.do("mia", "escalation remind 1")

    assert reply.text == "Reminded Sam about Acme. No touch was logged."


def test_reassign_typed_on_a_teams_card_names_the_new_owner(team: Team) -> None:
    _, escalation = _escalated(team)
    ref = f"nudge:{escalation.id}"
    action = parse_action({"verb": "reassign", "ref": ref, input_id(ref, Verb.REASSIGN): "Sue"})
    assert action is not None

    outcome = teams_answer(team.container, team.actor("mia"), action)

    assert outcome.reply.tone is Tone.SUCCESS, outcome.reply.text
    assert team.customer("Acme").owner_id == team.actor("sue").person.id
    assert _touches(team, "Acme") == 0


def test_a_new_manager_gets_the_escalations_of_their_reports_red_customers(team: Team) -> None:
    team.book("nia", ["Zeta"], quiet_days=50)  # Nia reports to nobody yet: no escalation
    assert {n.reason for n in team.nudges_about("Zeta")} == {NudgeReason.QUIET}

    team.do("maria", "team add @nia manager=@mia")
    sweep(team.container.deps, now=NOW)

    (escalation,) = [n for n in team.nudges_about("Zeta") if n.reason is NudgeReason.ESCALATION]
    assert escalation.recipient_id == team.actor("mia").person.id
