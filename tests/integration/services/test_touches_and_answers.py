"""Touches and the answers to nudges: done, snooze, skip, the Log… form and the buttons."""

from __future__ import annotations

from datetime import timedelta

from bot.commands import LogTouch
from bot.delivery.sweep import sweep
from bot.replies import Tone, Verb
from bot.services.wording import long_date
from nudges.model import NudgeReason, NudgeState
from tests.integration.services.team import NOW, TODAY, Team, later

LIVE = (NudgeState.OPEN, NudgeState.DELIVERED, NudgeState.SNOOZED)


def test_a_touch_by_a_colleague_resets_the_quiet_clock_but_not_the_owners(team: Team) -> None:
    team.book("sam", ["Acme"], quiet_days=40)
    team.do("sam", f"touch acme lunch on={later(-20).isoformat()}")  # amber again by now
    owner_touch = team.customer("Acme").owner_last_touch_at
    assert owner_touch is not None
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.EXPIRED, NudgeState.OPEN]
    last_audit = team.last_audit_id()

    reply = team.do("otto", "touch acme coffee -- met at the trade fair")

    assert reply.text == "Logged coffee with Acme (Sam's), today."
    acme = team.customer("Acme")
    assert acme.last_touch_at == NOW
    assert acme.owner_last_touch_at == owner_touch
    otto = team.actor("otto").person.id
    assert [(e.action, e.actor_id) for e in team.audit(after_id=last_audit)] == [
        ("touch.log", otto)
    ]
    # The account was touched: Sam's quiet nudge about it is over.
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.EXPIRED] * 2


def test_done_logs_a_touch_with_the_suggested_ritual_and_marks_the_nudge_done(team: Team) -> None:
    team.book("sam", ["Acme"])
    (nudge,) = team.nudges_about("Acme")
    assert nudge.ritual is not None
    last_audit = team.last_audit_id()

    reply = team.do("sam", "done acme")

    assert reply.text == f"Acme: done: {nudge.ritual} logged."
    assert team.nudges_about("Acme")[0].state is NudgeState.DONE
    sam = team.actor("sam").person
    with team.container.deps.uow() as uow:
        (touch,) = uow.touches.recent([nudge.customer_id], since=NOW - timedelta(days=1))
    assert (touch.person_id, touch.ritual, touch.at) == (sam.id, nudge.ritual, NOW)
    assert team.customer("Acme").owner_last_touch_at == NOW
    actions = [(e.action, e.actor_id) for e in team.audit(after_id=last_audit)]
    assert actions == [("nudge.done", sam.id), ("touch.log", sam.id)]


def test_snooze_and_skip_change_the_state_and_a_snoozed_nudge_comes_back_after_its_date(
    team: Team,
) -> None:
    team.book("sam", ["Acme", "Beta"])

    snoozed = team.do("sam", "snooze acme 1w -- they are reorganising")
    skipped = team.do("sam", "skip beta -- spoke at the fair")

    assert snoozed.text == f"Acme: 1 nudge snoozed until {long_date(later(7), today=TODAY)}."
    assert skipped.text == "Beta: 1 nudge skipped: spoke at the fair."
    (acme,) = team.nudges_about("Acme")
    assert (acme.state, acme.snoozed_until) == (NudgeState.SNOOZED, later(7))
    assert team.nudges_about("Beta")[0].state is NudgeState.SKIPPED

    # Still snoozed on its last day: nothing is delivered about it.
    sweep(team.container.deps, now=NOW + timedelta(days=7))
    assert team.nudges_about("Acme")[0].state is NudgeState.SNOOZED

    # The day after, it is back and goes out with Sam's next message; Beta stays skipped.
    result = sweep(team.container.deps, now=NOW + timedelta(days=8))
    (back,) = team.nudges_about("Acme")
    assert back.id == acme.id
    assert back.state is NudgeState.DELIVERED
    sam = team.actor("sam").person
    assert [(who, count) for who, _, count, _ in result.deliveries] == [(sam.id, 1)]
    assert [n.state for n in team.nudges_about("Beta")] == [NudgeState.SKIPPED]


def test_a_manager_answers_a_reports_nudge_but_a_salesperson_not_their_managers_escalation(
    team: Team,
) -> None:
    team.book("sam", ["Acme"], quiet_days=50)  # key: red for 20 days, escalated to Mia
    escalation, quiet = sorted(team.nudges_about("Acme"), key=lambda n: n.reason.value)
    assert (quiet.reason, escalation.reason) == (NudgeReason.QUIET, NudgeReason.ESCALATION)
    mia = team.actor("mia")
    assert escalation.recipient_id == mia.person.id

    team.do("sam", "skip acme")  # his own quiet nudge
    before = team.snapshot()
    by_text = team.say("sam", "snooze acme 1w")
    by_button, state = team.container.commands.answer(
        team.actor("sam"), nudge_id=escalation.id or 0, verb=Verb.SKIP
    )

    assert by_text.tone is Tone.ERROR
    assert by_text.text.startswith("No open nudge about Acme for you.")
    assert by_button.tone is Tone.ERROR
    assert state is None
    assert "That nudge about Acme is for Mia" in by_button.text
    assert team.snapshot() == before

    # Bo, Mia's manager, may answer it (and Mia her own).
    reply, state = team.container.commands.answer(
        team.actor("bo"), nudge_id=escalation.id or 0, verb=Verb.SNOOZE, until=later(3)
    )
    until = long_date(later(3), today=TODAY)
    assert (reply.tone, state) == (Tone.SUCCESS, f"snoozed until {until}")


def test_the_log_form_answers_its_own_nudge_only(team: Team) -> None:
    team.book("sam", ["Acme", "Beta", "Gamma"])
    (beta,) = team.nudges_about("Beta")
    (gamma,) = team.nudges_about("Gamma")
    commands = team.container.commands

    # A touch on Acme does not close the nudge about Beta; an outsider's touch closes nothing
    # (the touch itself counts: the account was touched, so the quiet nudge is over).
    commands.log_touch(team.actor("sam"), LogTouch("Acme", ritual="lunch"), nudge_id=beta.id)
    commands.log_touch(team.actor("otto"), LogTouch("Beta", ritual="call"), nudge_id=beta.id)
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.EXPIRED]
    assert [n.state for n in team.nudges_about("Beta")] == [NudgeState.EXPIRED]

    last_audit = team.last_audit_id()
    reply = commands.log_touch(
        team.actor("mia"), LogTouch("Gamma", ritual="coffee", note="all good"), nudge_id=gamma.id
    )

    assert reply.tone is Tone.SUCCESS
    assert [n.state for n in team.nudges_about("Gamma")] == [NudgeState.DONE]
    mia = team.actor("mia").person.id
    assert [(e.action, e.actor_id) for e in team.audit(after_id=last_audit)] == [
        ("nudge.done", mia),
        ("touch.log", mia),
    ]


def test_an_outsiders_button_changes_nothing(team: Team) -> None:
    team.book("sam", ["Acme"])
    (nudge,) = team.nudges_about("Acme")
    before = team.snapshot()

    for verb in (Verb.DONE, Verb.SNOOZE, Verb.SKIP):
        reply, state = team.container.commands.answer(
            team.actor("otto"), nudge_id=nudge.id or 0, verb=verb, until=later(7)
        )
        assert reply.tone is Tone.ERROR
        assert state is None
        assert reply.text.startswith("Acme belongs to Sam;")

    assert team.snapshot() == before


def test_a_touch_logged_on_today_s_date_counts_now_as_one_logged_without_a_date(
    team: Team,
) -> None:
    team.book("sam", ["Acme"], quiet_days=40)
    commands = team.container.commands

    reply = commands.log_touch(team.actor("sam"), LogTouch("Acme", ritual="call", on=TODAY))

    assert reply.text == "Logged call with Acme, today."
    assert team.customer("Acme").last_touch_at == NOW
