from dataclasses import replace
from datetime import date, timedelta

import pytest

from nudges.dates import DATED_KEYS, dated_events, next_renewal, upcoming
from nudges.engine import decide_customer
from nudges.model import NudgeReason, NudgeState, NudgeStatus
from nudges.policy import Feb29Policy, Policy

from .factories import at, contact, customer, important_date, view

POLICY = Policy()


def by_reason(decision, reason):
    return [n for n in decision.nudges if n.reason is reason]


def decide(now, policy=POLICY, **over):
    """Decide at ``now`` about a customer last touched five days before (no quiet, no gap)."""
    c = over.pop("customer", customer())
    recent = now - timedelta(days=5)
    c = replace(c, last_touch_at=recent, owner_last_touch_at=recent)
    return decide_customer(view(customer=c, **over), now=now, policy=policy)


def birthday_view(month, day, **over):
    return {"contacts": (contact(birthday_month=month, birthday_day=day, **over),)}


def test_a_birthday_nudge_is_delivered_lead_days_before():
    d = decide(at(2026, 6, 15), **birthday_view(6, 20))
    [n] = by_reason(d, NudgeReason.BIRTHDAY)
    assert (n.due_on, n.deliver_on, n.contact_id) == (date(2026, 6, 20), date(2026, 6, 18), 500)
    assert n.dedupe_key == "birthday:100:500:2026"


def test_a_birthday_far_away_gives_no_nudge_yet():
    assert not by_reason(decide(at(2026, 6, 10), **birthday_view(8, 20)), NudgeReason.BIRTHDAY)


def test_a_birthday_past_is_expired_and_next_years_has_a_new_key():
    existing = {"birthday:100:500:2026": NudgeStatus(NudgeState.DELIVERED)}
    d = decide(at(2026, 6, 21), **birthday_view(6, 20), existing=existing)
    assert not by_reason(d, NudgeReason.BIRTHDAY)
    assert d.expired == ("birthday:100:500:2026",)


def test_the_birth_year_tells_the_age():
    d = decide(at(2026, 6, 15), **birthday_view(6, 20, birth_year=1976))
    assert "turns 50" in by_reason(d, NudgeReason.BIRTHDAY)[0].detail


@pytest.mark.parametrize(
    ("policy", "now", "expected"),
    [
        (Feb29Policy.FEB_28, at(2027, 2, 20), date(2027, 2, 28)),
        (Feb29Policy.MAR_1, at(2027, 2, 20), date(2027, 3, 1)),
        (Feb29Policy.FEB_28, at(2028, 2, 20), date(2028, 2, 29)),
        (Feb29Policy.MAR_1, at(2028, 2, 20), date(2028, 2, 29)),
    ],
)
def test_a_feb_29_birthday_in_2027_and_2028(policy, now, expected):
    d = decide(now, policy=Policy(feb29=policy), **birthday_view(2, 29))
    [n] = by_reason(d, NudgeReason.BIRTHDAY)
    assert n.due_on == expected
    assert n.dedupe_key.endswith(f":{expected.year}")


def test_an_impossible_birthday_is_ignored():
    assert not decide(at(2026, 2, 20), **birthday_view(2, 30)).nudges


def test_the_customer_anniversary_comes_yearly_from_customer_since():
    d = decide(at(2026, 1, 10), customer=customer(since=date(2020, 1, 15)))
    [n] = by_reason(d, NudgeReason.ANNIVERSARY)
    assert (n.due_on, n.deliver_on) == (date(2026, 1, 15), date(2026, 1, 12))
    assert "6 years" in n.detail


def test_no_anniversary_in_the_first_year():
    d = decide(at(2026, 1, 10), customer=customer(since=date(2026, 1, 12)))
    assert not by_reason(d, NudgeReason.ANNIVERSARY)


@pytest.mark.parametrize(
    ("today", "checkpoint"),
    [
        (date(2026, 3, 1), None),  # more than 90 days + lookahead before
        (date(2026, 4, 20), 90),  # checkpoint 2026-04-22 opens a week before
        (date(2026, 6, 21), 30),
        (date(2026, 7, 15), 7),
        (date(2026, 7, 21), 7),  # on the renewal day itself
        (date(2026, 7, 22), None),  # passed; renewing by itself, the next term is far away
    ],
)
def test_renewal_checkpoints_before_the_renewal_date(today, checkpoint):
    c = customer(renewal_on=date(2026, 7, 21), tags=frozenset({"renews-yearly"}))
    d = decide(at(today.year, today.month, today.day), customer=c)
    found = [dict(n.facts)["checkpoint_days"] for n in by_reason(d, NudgeReason.RENEWAL)]
    assert found == ([] if checkpoint is None else [str(checkpoint)])


def test_a_customer_added_late_gets_only_the_latest_checkpoint():
    c = customer(renewal_on=date(2026, 6, 15))
    d = decide(at(2026, 6, 10), customer=c)
    assert [n.dedupe_key for n in by_reason(d, NudgeReason.RENEWAL)] == ["renewal:100:2026-06-15:7"]


def test_a_renewal_at_a_month_end_rolls_forward_clamped_to_the_month_end():
    monthly = Policy(renewal_term_months=1)
    c = customer(renewal_on=date(2027, 1, 31), tags=frozenset({"renews-yearly"}))
    assert next_renewal(c, date(2027, 2, 1), monthly) == date(2027, 2, 28)
    assert next_renewal(c, date(2027, 3, 1), monthly) == date(2027, 3, 31)
    assert next_renewal(c, date(2028, 2, 1), monthly) == date(2028, 2, 29)
    assert next_renewal(c, date(2027, 2, 1), POLICY) == date(2028, 1, 31)


def test_a_renewal_checkpoint_across_a_month_end():
    c = customer(renewal_on=date(2027, 3, 31))
    d = decide(at(2027, 3, 1), customer=c, policy=Policy(renewal_checkpoints=(30,)))
    [n] = by_reason(d, NudgeReason.RENEWAL)
    assert n.deliver_on == date(2027, 3, 1)


def test_a_yearly_custom_date_with_its_own_lead_days():
    item = important_date(on=date(2019, 6, 20), lead_days=5)
    d = decide(at(2026, 6, 10), dates=(item,))
    [n] = by_reason(d, NudgeReason.CUSTOM_DATE)
    assert (n.due_on, n.deliver_on) == (date(2026, 6, 20), date(2026, 6, 15))


def test_a_one_off_custom_date_does_not_repeat():
    item = important_date(on=date(2025, 6, 12), yearly=False)
    assert not decide(at(2026, 6, 10), dates=(item,)).nudges
    item = important_date(on=date(2026, 6, 12), yearly=False)
    assert by_reason(decide(at(2026, 6, 10), dates=(item,)), NudgeReason.CUSTOM_DATE)


def test_upcoming_dates_within_the_window_soonest_first():
    found = upcoming(
        customer=customer(renewal_on=date(2026, 6, 20), since=date(2020, 6, 15)),
        contacts=(contact(birthday_month=6, birthday_day=12),),
        dates=(),
        today=date(2026, 6, 10),
        policy=POLICY,
        days=14,
    )
    assert [(e.reason, e.last_day) for e in found] == [
        (NudgeReason.BIRTHDAY, date(2026, 6, 12)),
        (NudgeReason.ANNIVERSARY, date(2026, 6, 15)),
        (NudgeReason.RENEWAL, date(2026, 6, 20)),
    ]


def test_dated_nudges_exist_from_the_lookahead_before_delivery():
    v = birthday_view(6, 20)
    open_day = date(2026, 6, 18) - timedelta(days=POLICY.dated_lookahead_days)
    before = open_day - timedelta(days=1)
    assert not decide(at(before.year, before.month, before.day), **v).nudges
    assert decide(at(open_day.year, open_day.month, open_day.day), **v).nudges


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (date(2026, 12, 15), "Renewal in 47 days"),
        (date(2027, 1, 30), "Renewal tomorrow"),
        (date(2027, 1, 31), "Renewal today"),
    ],
)
def test_a_renewal_coming_up_is_its_own_day_counted_from_today(today, label):
    """Weeks after its 90-day checkpoint, a renewal coming up is not shown on that checkpoint's
    day with the days it had to go then."""
    found = upcoming(
        customer=customer(renewal_on=date(2027, 1, 31)),
        contacts=(),
        dates=(),
        today=today,
        policy=POLICY,
        days=60,
    )
    (found,) = [e for e in found if e.reason is NudgeReason.RENEWAL]
    assert (found.reason, found.on, found.label) == (NudgeReason.RENEWAL, date(2027, 1, 31), label)


@pytest.mark.parametrize("renewal_on", [date(2026, 7, 1), date(2026, 5, 1)])  # coming, passed
def test_every_dated_key_is_one_the_catch_up_looks_for(renewal_on):
    # Catching up skips customers with no open nudge under these prefixes: a dated event
    # under another would never be caught up after downtime.
    events = dated_events(
        customer=customer(since=date(2020, 6, 20), renewal_on=renewal_on),
        contacts=(contact(birthday_month=6, birthday_day=20),),
        dates=(important_date(on=date(2026, 6, 25)), important_date(id=71, yearly=True)),
        today=date(2026, 6, 10),
        policy=POLICY,
    )
    assert {e.reason for e in events} == {
        NudgeReason.BIRTHDAY,
        NudgeReason.ANNIVERSARY,
        NudgeReason.RENEWAL,
        NudgeReason.CUSTOM_DATE,
    }
    assert all(e.key.startswith(DATED_KEYS) for e in events)
