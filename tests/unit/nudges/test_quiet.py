from datetime import date, timedelta

import pytest

from nudges.engine import decide_customer
from nudges.model import Cadence, NudgeReason, RelationshipKind
from nudges.policy import Policy
from nudges.quiet import Level, cadence_for, quiet_status, shortest_ideal_days

from .factories import NOW, customer, person, touch, view

POLICY = Policy()


def reasons(decision):
    return sorted(str(n.reason) for n in decision.nudges)


def quiet_nudges(decision):
    return [n for n in decision.nudges if n.reason is NudgeReason.QUIET]


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (0, Level.GREEN),
        (29, Level.GREEN),
        (30, Level.AMBER),
        (59, Level.AMBER),
        (60, Level.RED),
        (200, Level.RED),
    ],
)
def test_quiet_level_by_days_since_the_last_touch(days, level):
    c = customer(last_touch_at=NOW - timedelta(days=days))
    assert quiet_status(c, now=NOW, policy=POLICY, tz_name="UTC").level is level


def test_a_customer_touched_within_cadence_gets_no_quiet_nudge():
    decision = decide_customer(
        view(customer=customer(last_touch_at=NOW - timedelta(days=10))), now=NOW, policy=POLICY
    )
    assert not quiet_nudges(decision)


def test_a_quiet_customer_gets_an_amber_nudge_for_its_owner():
    c = customer(last_touch_at=NOW - timedelta(days=40))
    [n] = quiet_nudges(decide_customer(view(customer=c), now=NOW, policy=POLICY))
    assert (n.level, n.recipient_id, n.customer_id) == ("amber", 1, 100)
    assert "40 days" in n.detail


def test_red_past_the_maximum():
    c = customer(last_touch_at=NOW - timedelta(days=61))
    [n] = quiet_nudges(decide_customer(view(customer=c), now=NOW, policy=POLICY))
    assert n.level == "red"


def test_touch_by_a_colleague_resets_the_quiet_clock():
    quiet = customer(
        last_touch_at=NOW - timedelta(days=50), owner_last_touch_at=NOW - timedelta(days=50)
    )
    touched = customer(
        last_touch_at=NOW - timedelta(days=1), owner_last_touch_at=NOW - timedelta(days=50)
    )
    assert quiet_nudges(decide_customer(view(customer=quiet), now=NOW, policy=POLICY))
    assert not quiet_nudges(decide_customer(view(customer=touched), now=NOW, policy=POLICY))


def test_the_owner_staying_away_while_colleagues_touch_is_its_own_softer_signal():
    c = customer(
        last_touch_at=NOW - timedelta(days=5), owner_last_touch_at=NOW - timedelta(days=61)
    )
    decision = decide_customer(view(customer=c), now=NOW, policy=POLICY)
    assert reasons(decision) == ["owner_quiet"]
    recent = customer(
        last_touch_at=NOW - timedelta(days=5), owner_last_touch_at=NOW - timedelta(days=59)
    )
    assert not decide_customer(view(customer=recent), now=NOW, policy=POLICY).nudges


def test_a_new_customer_with_no_touch_counts_from_customer_since():
    fresh = customer(last_touch_at=None, owner_last_touch_at=None, since=date(2026, 6, 1))
    old = customer(last_touch_at=None, owner_last_touch_at=None, since=date(2026, 4, 1))
    assert not quiet_nudges(decide_customer(view(customer=fresh), now=NOW, policy=POLICY))
    assert quiet_nudges(decide_customer(view(customer=old), now=NOW, policy=POLICY))


def test_a_customer_with_neither_touch_nor_since_is_due_now():
    c = customer(last_touch_at=None, owner_last_touch_at=None, since=None)
    [n] = quiet_nudges(decide_customer(view(customer=c), now=NOW, policy=POLICY))
    assert n.dedupe_key == "quiet:100:never:amber"


def test_cadence_precedence_is_customer_then_kind_then_tier():
    policy = Policy(kind_cadence={"partner": Cadence(ideal_days=7, max_days=10)})
    own = Cadence(ideal_days=3, max_days=5)
    assert cadence_for(customer(tier="key"), policy) == Cadence(14, 30)
    assert cadence_for(customer(kind=RelationshipKind.PARTNER), policy) == Cadence(7, 10)
    assert cadence_for(customer(kind=RelationshipKind.PARTNER, cadence=own), policy) == own


def test_a_per_customer_cadence_makes_it_quiet_sooner():
    c = customer(last_touch_at=NOW - timedelta(days=8), cadence=Cadence(7, 14))
    assert quiet_nudges(decide_customer(view(customer=c), now=NOW, policy=POLICY))


def test_red_for_longer_than_the_escalation_window_escalates_to_the_manager():
    c = customer(last_touch_at=NOW - timedelta(days=60 + 15))
    decision = decide_customer(view(customer=c, owner=person(manager_id=9)), now=NOW, policy=POLICY)
    [esc] = [n for n in decision.nudges if n.reason is NudgeReason.ESCALATION]
    assert esc.recipient_id == 9
    quiet = quiet_nudges(decision)[0]
    assert esc.priority > quiet.priority - 1


def test_red_but_not_long_enough_does_not_escalate():
    c = customer(last_touch_at=NOW - timedelta(days=60 + 13))
    decision = decide_customer(view(customer=c), now=NOW, policy=POLICY)
    assert NudgeReason.ESCALATION not in {n.reason for n in decision.nudges}


def test_no_escalation_nudge_without_a_manager():
    c = customer(last_touch_at=NOW - timedelta(days=100))
    decision = decide_customer(
        view(customer=c, owner=person(manager_id=None)), now=NOW, policy=POLICY
    )
    assert {n.reason for n in decision.nudges} == {NudgeReason.QUIET}


def test_the_quiet_key_is_the_cycle_so_a_new_touch_starts_a_new_one():
    a = customer(last_touch_at=NOW - timedelta(days=40))
    b = customer(last_touch_at=NOW - timedelta(days=35))
    key_a = quiet_nudges(decide_customer(view(customer=a), now=NOW, policy=POLICY))[0]
    key_b = quiet_nudges(decide_customer(view(customer=b), now=NOW, policy=POLICY))[0]
    assert key_a.dedupe_key != key_b.dedupe_key


def test_the_quiet_nudge_suggests_a_ritual_not_used_recently_with_this_customer():
    c = customer(tier="long-tail", last_touch_at=NOW - timedelta(days=100))
    recent = tuple(
        touch(id=i, ritual=r, at=NOW - timedelta(days=100 + i))
        for i, r in enumerate(("email", "call", "case_study"))
    )
    policy = Policy(ritual_variety_days=365)
    [n] = quiet_nudges(
        decide_customer(view(customer=c, recent_touches=recent), now=NOW, policy=policy)
    )
    assert n.ritual == "coffee"
    [fresh] = quiet_nudges(decide_customer(view(customer=c), now=NOW, policy=policy))
    assert fresh.ritual in {"coffee", "call", "case_study", "email"}


def test_turning_red_is_a_new_nudge_even_when_the_amber_one_was_answered():
    from nudges.model import NudgeState, NudgeStatus

    start = NOW - timedelta(days=70)  # core: ideal 30, max 60 -> red
    c = customer(last_touch_at=start, owner_last_touch_at=start, since=None)
    amber_key = f"quiet:100:{start.isoformat()}:amber"
    decision = decide_customer(
        view(customer=c, existing={amber_key: NudgeStatus(NudgeState.SKIPPED)}),
        now=NOW,
        policy=POLICY,
    )
    [red] = quiet_nudges(decision)
    assert red.dedupe_key == f"quiet:100:{start.isoformat()}:red"
    assert red.level == "red"
    assert amber_key not in decision.expired  # an answered nudge stays answered


def test_nothing_touched_within_the_shortest_ideal_cadence_can_be_quiet() -> None:
    policy = Policy()
    shortest = shortest_ideal_days(policy)
    assert shortest == min(c.ideal_days for c in policy.cadence.values())
    for tier in policy.cadence:
        touched = customer(tier=tier, last_touch_at=NOW - timedelta(days=shortest - 1))
        assert quiet_status(touched, now=NOW, policy=policy, tz_name=None).level is Level.GREEN
