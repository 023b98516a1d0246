"""A first week that makes sense: `last=` sets the status from day one; an account added without
any history is not red, gets a first check-in after the onboarding window, and escalates to
nobody on the first day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.delivery.sweep import sweep
from nudges.model import NudgeReason
from tests.integration.services.team import NOW, Team, day

pytestmark = pytest.mark.db


def test_a_key_account_added_with_a_touch_ten_days_ago_is_green(team: Team) -> None:
    team.do("sam", f"customer add Acme tier=key since=2019-01-01 last={day(-10)}")
    shown = team.do("sam", "customer show acme")
    assert "green — 10 days since the last touch" in str(shown.sections[0].items[0].fields)
    sweep(team.container.deps, now=NOW)
    assert team.nudges_about("Acme") == []


def test_an_old_customer_added_without_history_is_not_red_and_nobody_is_escalated(
    team: Team,
) -> None:
    team.do("sam", "customer add Acme tier=key since=2019-01-01 value=900k")
    for hours in (0, 1, 23):
        sweep(team.container.deps, now=NOW + timedelta(hours=hours))
    assert team.nudges_about("Acme") == []
    status = str(team.do("sam", "customer show acme").sections[0].items[0].fields)
    assert "green — no touch logged yet (added today, first check-in due" in status


def test_the_first_check_in_comes_after_the_onboarding_window_and_says_so(team: Team) -> None:
    team.do("sam", "customer add Acme tier=key since=2019-01-01")
    sweep(team.container.deps, now=NOW + timedelta(days=6))
    assert team.nudges_about("Acme") == []
    sweep(team.container.deps, now=NOW + timedelta(days=7))
    [nudge] = team.nudges_about("Acme")
    assert (nudge.reason, nudge.level, nudge.recipient_id) == (
        NudgeReason.QUIET,
        "amber",
        team.actor("sam").person.id,
    )
    assert nudge.detail == "First check-in: nobody has logged a touch since it was added 7 days ago"


def test_escalation_waits_for_the_threshold_measured_from_when_the_bot_learned_of_it(
    team: Team,
) -> None:
    team.do("sam", "customer add Acme tier=key since=2019-01-01")
    red = 7 + (30 - 14)  # the window, then the amber-to-red gap of a key account
    sweep(team.container.deps, now=NOW + timedelta(days=red + 13))
    reasons = {n.reason for n in team.nudges_about("Acme")}
    assert NudgeReason.ESCALATION not in reasons
    sweep(team.container.deps, now=NOW + timedelta(days=red + 14))
    escalations = [n for n in team.nudges_about("Acme") if n.reason is NudgeReason.ESCALATION]
    assert [n.recipient_id for n in escalations] == [team.actor("mia").person.id]


def test_edit_last_moves_the_clock_forward_only(team: Team) -> None:
    team.do("sam", f"customer add Acme tier=key last={day(-40)}")
    assert team.customer("Acme").last_touch_at is not None
    team.do("sam", f"customer edit acme last={day(-3)}")
    assert team.customer("Acme").last_touch_at == NOW.replace(hour=0) - timedelta(days=3)
    reply = team.say("sam", f"customer edit acme last={day(-20)}")
    assert reply.text == "Nothing to change on Acme."
    refused = team.say("sam", f"customer add Beta last={day(1)}")
    assert "is in the future" in refused.text
