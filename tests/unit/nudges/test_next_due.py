from datetime import date, timedelta

from nudges.engine import decide_customer, next_due_at
from nudges.model import NudgeState, NudgeStatus
from nudges.policy import Policy

from .factories import NOW, at, contact, customer, life_event, person, view

POLICY = Policy()


def test_a_freshly_touched_customer_is_next_due_when_it_turns_amber():
    c = customer(last_touch_at=NOW, owner_last_touch_at=NOW, since=None)
    assert next_due_at(view(customer=c), now=NOW, policy=POLICY) == NOW + timedelta(days=30)


def test_an_amber_customer_is_next_due_when_it_turns_red_then_escalates():
    c = customer(last_touch_at=NOW - timedelta(days=40), since=None)
    assert next_due_at(view(customer=c), now=NOW, policy=POLICY) == NOW + timedelta(days=20)
    red = customer(last_touch_at=NOW - timedelta(days=65), since=None)
    assert next_due_at(view(customer=red), now=NOW, policy=POLICY) == NOW + timedelta(days=9)


def test_an_upcoming_birthday_makes_the_customer_due_when_its_nudge_opens():
    c = customer(last_touch_at=NOW - timedelta(days=5), since=None)
    v = view(customer=c, contacts=(contact(birthday_month=6, birthday_day=30),))
    # birthday 06-30, lead 2, lookahead 7: the nudge exists from 06-21 (owner's midnight)
    assert next_due_at(v, now=NOW, policy=POLICY) == at(2026, 6, 21, 0)


def test_next_due_is_the_owners_local_midnight():
    c = customer(last_touch_at=NOW - timedelta(days=5), since=None)
    v = view(
        customer=c,
        owner=person(timezone="Europe/Berlin"),
        contacts=(contact(birthday_month=6, birthday_day=30),),
    )
    assert next_due_at(v, now=NOW, policy=POLICY) == at(2026, 6, 20, 22)


def test_the_end_of_do_not_contact_a_snooze_and_the_minimum_gap_are_due_moments():
    c = customer(last_touch_at=NOW - timedelta(days=40), dnc_until=date(2026, 6, 12), since=None)
    assert next_due_at(view(customer=c), now=NOW, policy=POLICY) == at(2026, 6, 13, 0)
    key = f"quiet:100:{(NOW - timedelta(days=40)).isoformat()}:amber"
    snoozed = view(
        customer=customer(last_touch_at=NOW - timedelta(days=40), since=None),
        existing={key: NudgeStatus(NudgeState.SNOOZED, date(2026, 6, 11))},
    )
    assert next_due_at(snoozed, now=NOW, policy=POLICY) == at(2026, 6, 12, 0)
    gap = customer(last_touch_at=NOW - timedelta(days=1), since=date(2020, 6, 15))
    assert next_due_at(view(customer=gap), now=NOW, policy=POLICY) == NOW + timedelta(days=2)


def test_a_life_event_window_end_is_a_due_moment():
    c = customer(last_touch_at=NOW - timedelta(days=5), since=None)
    v = view(customer=c, life_events=(life_event(kind="promotion", on=date(2026, 6, 1)),))
    assert next_due_at(v, now=NOW, policy=POLICY) == at(2026, 6, 16, 0)


def test_the_decision_returns_the_same_next_due_at():
    v = view(customer=customer(last_touch_at=NOW - timedelta(days=3)))
    assert decide_customer(v, now=NOW, policy=POLICY).next_due_at == next_due_at(
        v, now=NOW, policy=POLICY
    )


def test_an_archived_customer_is_never_due():
    assert next_due_at(view(customer=customer(archived=True)), now=NOW, policy=POLICY) is None
