"""Handing a customer to someone else starts their own clock at the handover: the new owner is
not told the next morning that they have neglected an account they were given yesterday."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.sweep import sweep
from nudges.model import NudgeReason, NudgeState
from tests.integration.services.team import NOW, Team, day


def _owner_quiet(team: Team) -> list[tuple[int, NudgeState]]:
    return [
        (n.recipient_id, n.state)
        for n in team.nudges_about("Acme")
        if n.reason is NudgeReason.OWNER_QUIET
    ]


def test_customer_assign_starts_the_new_owners_own_clock_at_the_assignment(team: Team) -> None:
    team.book("sam", ["Acme"], quiet_days=200)
    team.do("sam", f"touch acme call on={day(-70)}")  # Sam's own last touch: 70 days ago
    team.do("otto", f"touch acme coffee on={day(-5)}")  # a colleague was there last week
    sam, sue = team.actor("sam").person.id, team.actor("sue").person.id
    assert _owner_quiet(team) == [(sam, NudgeState.OPEN)]  # "others are in touch, you are not"

    team.do("mia", "customer assign acme @sue")
    sweep(team.container.deps, now=NOW + timedelta(days=1))

    assert team.customer("Acme").owner_last_touch_at == NOW
    assert _owner_quiet(team) == [(sam, NudgeState.EXPIRED)]  # nothing for Sue the next morning
    # Sue's own clock runs from the handover: past sixty days, with colleagues still in touch
    # and Sue not, she is nudged, counting from the day she got the account.
    team.clock.set(NOW + timedelta(days=55))
    team.do("otto", "touch acme lunch")
    later = NOW + timedelta(days=62)
    sweep(team.container.deps, now=later)
    (sues,) = [
        n
        for n in team.nudges_about("Acme")
        if n.reason is NudgeReason.OWNER_QUIET and n.recipient_id == sue
    ]
    assert sues.detail == "Colleagues are in touch; you have not been for 62 days"
