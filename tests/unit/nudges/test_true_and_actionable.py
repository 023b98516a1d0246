"""What the engine decides stays true and actionable: renewals past their date ask for the next
one, a touch does not delay a renewal, a sensitive event quiets the suggestions, a dated nudge
missed while the bot was down is caught up once, and a customer is one entry however many
reasons it is due for."""

from dataclasses import replace
from datetime import date, timedelta

from nudges.engine import decide_customer
from nudges.model import NudgeReason, NudgeState, NudgeStatus
from nudges.policy import Policy
from nudges.ranking import by_customer, capped
from nudges.rituals import UPBEAT_RITUALS, shared_ritual

from .factories import at, contact, customer, life_event, nudge, view

POLICY = Policy()


def renewals(decision):
    return [n for n in decision.nudges if n.reason is NudgeReason.RENEWAL]


def test_a_passed_renewal_date_asks_the_owner_for_the_next_one():
    c = customer(renewal_on=date(2026, 4, 10))
    for day in (11, 20, 30):  # asked every day until the owner gives the next date
        [n] = renewals(decide_customer(view(customer=c), now=at(2026, 4, day), policy=POLICY))
        assert n.dedupe_key == "renewal:100:2026-04-10:passed"
        assert ("passed", "yes") in n.facts
        assert n.detail == "The renewal of 2026-04-10 has passed: when is the next one?"


def test_a_passed_renewal_of_a_customer_renewing_yearly_rolls_forward_a_year():
    c = customer(renewal_on=date(2026, 4, 10), tags=frozenset({"renews-yearly"}))
    d = decide_customer(view(customer=c), now=at(2027, 1, 15), policy=POLICY)
    [n] = renewals(d)
    assert n.dedupe_key == "renewal:100:2027-04-10:90"


def test_a_touch_does_not_delay_a_renewal_checkpoint():
    c = customer(renewal_on=date(2026, 6, 17), last_touch_at=at(2026, 6, 9))  # yesterday
    [n] = renewals(decide_customer(view(customer=c), now=at(2026, 6, 10), policy=POLICY))
    assert n.dedupe_key == "renewal:100:2026-06-17:7"
    assert n.deliver_on == date(2026, 6, 10)


def test_after_a_sensitive_event_no_nudge_suggests_an_upbeat_ritual():
    quiet = customer(tier="key", last_touch_at=at(2026, 5, 20), owner_last_touch_at=at(2026, 5, 20))
    for seed in range(30):  # whichever the hash would pick, never lunch, a pitch or a workshop
        c = replace(quiet, id=100 + seed)
        event = life_event(customer_id=c.id, kind="illness", on=date(2026, 6, 5))
        d = decide_customer(
            view(customer=c, life_events=(event,)), now=at(2026, 6, 10), policy=POLICY
        )
        assert {n.reason for n in d.nudges} == {NudgeReason.QUIET, NudgeReason.LIFE_EVENT}
        assert not {n.ritual for n in d.nudges} & UPBEAT_RITUALS


def test_a_life_event_nudge_carries_its_day_and_note():
    event = life_event(kind="illness", on=date(2026, 6, 5), note="surgery, back in July")
    d = decide_customer(view(life_events=(event,)), now=at(2026, 6, 10), policy=POLICY)
    [n] = d.nudges
    assert dict(n.facts) == {
        "event": "illness",
        "on": "2026-06-05",
        "note": "surgery, back in July",
    }


def test_a_birthday_missed_while_the_bot_was_down_is_caught_up_once():
    lea = contact(name="Lea Sprung", birthday_month=6, birthday_day=14)
    key = "birthday:100:500:2026"
    never_sent = view(contacts=(lea,), existing={key: NudgeStatus(NudgeState.OPEN)})
    d = decide_customer(never_sent, now=at(2026, 6, 15), policy=POLICY)
    [n] = d.nudges
    assert (n.dedupe_key, n.deliver_on, n.due_on) == (key, None, date(2026, 6, 14))
    assert ("late", "yes") in n.facts
    assert key not in d.expired
    # Once delivered it ends like any other; a week on, an undelivered one ends too.
    sent = view(contacts=(lea,), existing={key: NudgeStatus(NudgeState.DELIVERED)})
    assert decide_customer(sent, now=at(2026, 6, 15), policy=POLICY).expired == (key,)
    late = decide_customer(never_sent, now=at(2026, 6, 22), policy=POLICY)
    assert late.expired == (key,)


def test_a_birthday_that_passed_before_the_customer_was_known_is_not_nudged():
    lea = contact(name="Lea Sprung", birthday_month=6, birthday_day=14)
    d = decide_customer(view(contacts=(lea,)), now=at(2026, 6, 15), policy=POLICY)
    assert not d.nudges


def test_a_customer_due_for_two_reasons_is_one_entry_and_the_cap_counts_customers():
    northwind = [
        nudge(customer_id=1, reason=NudgeReason.QUIET, priority=80, dedupe_key="q1"),
        nudge(customer_id=1, reason=NudgeReason.BIRTHDAY, priority=40, dedupe_key="b1"),
    ]
    others = [
        nudge(customer_id=i, reason=NudgeReason.QUIET, priority=60 - i, dedupe_key=f"q{i}")
        for i in range(2, 6)
    ]
    entries = by_customer([*others, *northwind])
    assert [e[0].customer_id for e in entries] == [1, 2, 3, 4, 5]
    assert [n.dedupe_key for n in entries[0]] == ["q1", "b1"]
    kept, waiting = capped([*others, *northwind], limit=3)
    assert sorted({n.customer_id for n in kept}) == [1, 2, 3]
    assert len(kept) == 4 and waiting == 2


def test_one_ritual_fits_both_reasons_of_an_entry():
    ritual = shared_ritual(
        ["lunch", "gift"],
        tier="key",
        reasons=[NudgeReason.QUIET, NudgeReason.BIRTHDAY],
        policy=POLICY,
    )
    assert ritual == "email"  # lunch is no birthday ritual, a gift no check-in


def test_a_red_key_account_of_great_value_ranks_above_long_tail_accounts_long_gone():
    """The 10k demo's case: a key account worth 1.05M, red for 9 days past its maximum, ranked
    below long-tail accounts worth 2k-41k quiet for most of a year (and escalated)."""
    now = at(2026, 5, 4)
    big = customer(id=1, tier="key", annual_value=1_050_000, last_touch_at=now - timedelta(39))
    smalls = [
        customer(
            id=10 + i,
            tier="long-tail",
            annual_value=value,
            last_touch_at=now - timedelta(days=days),
            owner_last_touch_at=now - timedelta(days=days),
        )
        for i, (value, days) in enumerate(
            ((41_500, 294), (25_600, 346), (8_000, 204), (2_000, 200))
        )
    ]
    renewing = customer(id=30, tier="long-tail", annual_value=13_000, renewal_on=date(2026, 5, 11))
    decided = [
        n
        for c in (big, *smalls, renewing)
        for n in decide_customer(view(customer=c), now=now, policy=POLICY).nudges
        if n.reason is not NudgeReason.ESCALATION
    ]
    order = [e[0].customer_id for e in by_customer(decided)]
    assert order[0] == 1
    # Red before amber for the same account; tier and value before how long it has been.
    red, amber = (
        decide_customer(
            view(customer=replace(big, last_touch_at=now - timedelta(d))), now=now, policy=POLICY
        )
        .nudges[0]
        .priority
        for d in (31, 29)
    )
    assert red > amber


def test_a_date_close_to_its_day_outranks_the_same_customers_amber_check_in():
    now = at(2026, 6, 10)
    c = customer(tier="core", annual_value=50_000, last_touch_at=now - timedelta(days=35))
    lea = contact(birthday_month=6, birthday_day=11)
    d = decide_customer(view(customer=c, contacts=(lea,)), now=now, policy=POLICY)
    first = by_customer(d.nudges)[0]
    assert [n.reason for n in first] == [NudgeReason.BIRTHDAY, NudgeReason.QUIET]


def test_the_worked_example_of_the_rules_holds():
    """docs/rules.md, *Priority, ranking and the daily cap*: the six nudges and their order."""
    from nudges.ranking import overdue_points, priority

    def quiet(tier, value, over, ideal, most, *, level, escalated=False):
        return priority(
            reason=NudgeReason.QUIET,
            tier=tier,
            annual_value=value,
            policy=POLICY,
            level=level,
            escalated=escalated,
            overdue=overdue_points(over, ideal_days=ideal, max_days=most),
        )

    found = {
        "A": quiet("key", 1_050_000, 25, 14, 30, level="red"),
        "B": quiet("long-tail", 41_500, 204, 90, 180, level="red", escalated=True),
        "C": quiet("long-tail", 2_000, 110, 90, 180, level="red", escalated=True),
        "D": priority(
            reason=NudgeReason.BIRTHDAY,
            tier="key",
            annual_value=1_394_300,
            policy=POLICY,
            days_until=1,
        ),
        "E": priority(
            reason=NudgeReason.RENEWAL,
            tier="core",
            annual_value=40_600,
            policy=POLICY,
            days_until=2,
        ),
        "F": quiet("core", 42_600, 28, 30, 60, level="amber"),
    }
    assert {k: round(v, 1) for k, v in found.items()} == {
        "A": 110.2,
        "B": 91.3,
        "C": 79.8,
        "D": 90.0,
        "E": 68.3,
        "F": 65.7,
    }
    assert sorted(found, key=lambda k: -found[k]) == ["A", "B", "D", "C", "E", "F"]
