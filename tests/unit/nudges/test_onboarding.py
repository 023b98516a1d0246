"""A customer the bot has just learned about: not red on day one, a first check-in after the
onboarding window, and an escalation only once red for the threshold since the bot knew."""

from dataclasses import replace
from datetime import date, timedelta

from nudges.engine import decide_customer
from nudges.model import NudgeReason
from nudges.policy import Policy
from nudges.quiet import Level, quiet_status

from .factories import NOW, customer, person, view

POLICY = Policy(new_customer_grace_days=7, escalation_after_days=14)
OLD_SINCE = date(2019, 3, 1)  # a customer for years, never touched in the bot


def _new(**over):
    values = {
        "since": OLD_SINCE,
        "last_touch_at": None,
        "owner_last_touch_at": None,
        "added_at": NOW,
        "tier": "key",  # ideal 14, max 30
    }
    values.update(over)
    return customer(**values)


def _decide(c, *, now):
    return decide_customer(view(customer=c, owner=person(manager_id=9)), now=now, policy=POLICY)


def _reasons(decision):
    return sorted(str(n.reason) for n in decision.nudges)


def test_an_old_customer_just_added_without_history_is_green_on_day_one():
    status = quiet_status(_new(), now=NOW, policy=POLICY, tz_name="UTC")
    assert status.level is Level.GREEN
    assert status.first_check_in
    assert _reasons(_decide(_new(), now=NOW)) == []


def test_it_is_due_for_a_first_check_in_when_the_onboarding_window_ends():
    c = _new()
    assert _reasons(_decide(c, now=NOW + timedelta(days=6, hours=23))) == []
    [nudge] = _decide(c, now=NOW + timedelta(days=7)).nudges
    assert (nudge.reason, nudge.level) == (NudgeReason.QUIET, "amber")
    assert nudge.detail.startswith("First check-in")
    assert "added 7 days ago" in nudge.detail
    assert "2019" not in nudge.detail and "days quiet" not in nudge.detail


def test_the_next_due_instant_of_a_new_customer_is_the_end_of_its_window():
    decision = _decide(_new(), now=NOW)
    assert decision.next_due_at == NOW + timedelta(days=7)


def test_red_comes_the_cadence_gap_after_the_first_check_in_and_escalation_the_threshold_later():
    c = _new()
    red_at = NOW + timedelta(days=7 + (30 - 14))
    status = quiet_status(c, now=red_at, policy=POLICY, tz_name="UTC")
    assert status.level is Level.RED and not status.escalated
    assert "escalation" not in _reasons(_decide(c, now=red_at + timedelta(days=13)))
    escalated = _decide(c, now=red_at + timedelta(days=14))
    assert "escalation" in _reasons(escalated)
    [escalation] = [n for n in escalated.nudges if n.reason is NudgeReason.ESCALATION]
    assert escalation.recipient_id == 9


def test_nobody_is_escalated_on_the_first_day_whatever_customer_since_says():
    for since in (OLD_SINCE, date(2000, 1, 1), None):
        decision = _decide(_new(since=since), now=NOW + timedelta(hours=1))
        assert decision.nudges == ()


def test_a_recent_customer_follows_its_own_cadence_when_that_is_later_than_the_window():
    joined = NOW.date() - timedelta(days=1)
    c = _new(since=joined, tier="long-tail")  # ideal 90: later than the 7-day window
    status = quiet_status(c, now=NOW + timedelta(days=30), policy=POLICY, tz_name="UTC")
    assert status.level is Level.GREEN
    assert status.amber_at is not None and status.amber_at.date() == joined + timedelta(days=90)


def test_a_last_touch_before_the_bot_knew_sets_the_status_from_day_one():
    ten_days_ago = _new(last_touch_at=NOW - timedelta(days=10))
    assert quiet_status(ten_days_ago, now=NOW, policy=POLICY, tz_name="UTC").level is Level.GREEN
    forty_days_ago = _new(last_touch_at=NOW - timedelta(days=40))
    status = quiet_status(forty_days_ago, now=NOW, policy=POLICY, tz_name="UTC")
    assert status.level is Level.RED and not status.first_check_in


def test_a_zero_day_window_asks_for_the_first_check_in_at_once_but_never_red():
    c = _new()
    status = quiet_status(
        c, now=NOW, policy=replace(POLICY, new_customer_grace_days=0), tz_name="UTC"
    )
    assert status.level is Level.AMBER


def test_without_knowing_when_it_was_added_customer_since_starts_the_clock_as_before():
    c = _new(added_at=None, since=NOW.date() - timedelta(days=40))
    assert quiet_status(c, now=NOW, policy=POLICY, tz_name="UTC").level is Level.RED


def test_owner_quiet_counts_from_when_the_bot_learned_of_it_not_from_customer_since():
    c = _new(last_touch_at=NOW + timedelta(days=1), owner_last_touch_at=None)
    decision = _decide(c, now=NOW + timedelta(days=2))
    assert "owner_quiet" not in _reasons(decision)


def test_after_an_import_the_most_valuable_first_check_ins_come_first_and_the_rest_are_counted():
    from nudges.delivery import plan_delivery

    owner = person(daily_cap=5)
    values = [1_000 * (i + 1) for i in range(40)]  # 1k .. 40k
    nudges = []
    for i, value in enumerate(values):
        c = _new(id=1000 + i, name=f"Account {i}", annual_value=value, tier="core")
        [n] = _decide(c, now=NOW + timedelta(days=7)).nudges
        nudges.append(n)
    plan = plan_delivery(
        owner, nudges, now=NOW + timedelta(days=7), policy=POLICY, holidays=frozenset()
    )
    assert [n.customer_id for n in plan.nudges] == [1039, 1038, 1037, 1036, 1035]
    assert (plan.waiting, plan.waiting_first) == (35, 35)
