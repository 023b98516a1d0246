from datetime import date

from nudges.delivery import plan_delivery, route_nudges
from nudges.model import NudgeState
from nudges.policy import Policy

from .factories import at, nudge, person

POLICY = Policy()
NONE: frozenset[date] = frozenset()


def test_a_recipient_gets_at_most_their_daily_cap_and_the_rest_wait():
    nudges = [nudge(dedupe_key=f"quiet:{i}:x", customer_id=i, priority=float(i)) for i in range(9)]
    plan = plan_delivery(person(), nudges, now=at(2026, 6, 10, 7), policy=POLICY, holidays=NONE)
    assert plan.slot == at(2026, 6, 10, 9)
    assert len(plan.nudges) == POLICY.daily_cap
    assert plan.waiting == 4
    assert plan.nudges[0].dedupe_key == "quiet:8:x"


def test_a_persons_own_cap_overrides_the_policy():
    nudges = [nudge(dedupe_key=f"k{i}", customer_id=i) for i in range(4)]
    plan = plan_delivery(
        person(daily_cap=2), nudges, now=at(2026, 6, 10, 7), policy=POLICY, holidays=NONE
    )
    assert (len(plan.nudges), plan.waiting) == (2, 2)


def test_dated_nudges_wait_for_their_day_and_finished_ones_are_not_sent():
    nudges = [
        nudge(dedupe_key="a", deliver_on=date(2026, 6, 16)),
        nudge(dedupe_key="b", state=NudgeState.DELIVERED),
        nudge(dedupe_key="c", state=NudgeState.SNOOZED, snoozed_until=date(2026, 6, 12)),
        nudge(dedupe_key="d", state=NudgeState.SNOOZED, snoozed_until=date(2026, 6, 9)),
        nudge(dedupe_key="e"),
    ]
    plan = plan_delivery(person(), nudges, now=at(2026, 6, 10, 7), policy=POLICY, holidays=NONE)
    assert [n.dedupe_key for n in plan.nudges] == ["d", "e"]
    assert plan.later == 1


def test_an_out_of_office_recipients_nudges_go_to_their_cover():
    away = person(ooo_until=date(2026, 6, 12), cover_id=2)
    people = {1: away, 2: person(id=2)}
    routed = route_nudges([nudge()], now=at(2026, 6, 10), people=people)
    assert list(routed) == [2]


def test_a_recipient_away_without_cover_is_planned_after_their_return():
    away = person(ooo_until=date(2026, 6, 12))
    plan = plan_delivery(away, [nudge()], now=at(2026, 6, 10), policy=POLICY, holidays=NONE)
    assert plan.slot == at(2026, 6, 15, 9)
