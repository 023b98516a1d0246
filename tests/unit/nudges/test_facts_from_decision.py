"""The facts kept with a decision reuse what the decision worked out (its quiet status, its
dated events): they must equal the facts worked out on their own, in every time zone."""

from dataclasses import replace
from datetime import date, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from nudges.dates import coming_up, upcoming
from nudges.engine import decide_customer
from nudges.facts import customer_facts
from nudges.health import health
from nudges.model import CustomerSummary
from nudges.policy import Policy

from .factories import NOW, contact, customer, important_date, person, view

POLICY = Policy()
ZONES = ("UTC", "Pacific/Auckland", "America/Los_Angeles")
SHAPES = {
    "touched lately": {"last_touch_at": NOW - timedelta(days=3)},
    "quiet": {"last_touch_at": NOW - timedelta(days=200), "owner_last_touch_at": None},
    "never touched, since known": {"last_touch_at": None, "owner_last_touch_at": None},
    "never touched, since lately": {  # the zone moves the clock's start: health uses UTC
        "last_touch_at": None,
        "owner_last_touch_at": None,
        "since": NOW.date() - timedelta(days=45),
    },
    "never touched, new": {
        "last_touch_at": None,
        "owner_last_touch_at": None,
        "since": NOW.date(),
        "added_at": NOW - timedelta(days=40),
    },
    "never touched, nothing known": {
        "last_touch_at": None,
        "owner_last_touch_at": None,
        "since": None,
    },
    "renewal soon": {"renewal_on": date(2026, 6, 25), "since": date(2019, 6, 11)},
}


@pytest.mark.parametrize(("zone", "shape"), list(product(ZONES, SHAPES)))
@pytest.mark.parametrize("hours", [0, 11, 23])  # the owner's day may differ from UTC's
def test_facts_from_the_decision_equal_facts_on_their_own(zone, shape, hours):
    now = NOW.replace(hour=0) + timedelta(hours=hours)
    c = customer(**SHAPES[shape])
    v = view(
        customer=c,
        owner=person(timezone=zone),
        contacts=(contact(birthday_month=6, birthday_day=now.day + 2),),
        dates=(important_date(on=date(2019, 6, now.day + 1), yearly=True),),
    )
    decision = decide_customer(v, now=now, policy=POLICY)
    assert decision.quiet is not None and decision.events is not None
    today = now.astimezone(ZoneInfo(zone)).date()
    days = POLICY.digest_upcoming_days
    alone = upcoming(
        customer=c, contacts=v.contacts, dates=v.dates, today=today, policy=POLICY, days=days
    )
    assert coming_up(decision.events, today=today, days=days) == alone
    summary = CustomerSummary(customer=c, upcoming_dates=len(alone), touches_last_90_days=2)
    shared = customer_facts(summary, now=now, policy=POLICY, tz_name=zone, quiet=decision.quiet)
    assert shared == customer_facts(summary, now=now, policy=POLICY, tz_name=zone)
    assert shared.health == health(summary, now=now, policy=POLICY).score  # quiet days in UTC


def test_an_archived_customer_has_no_decision_to_share():
    decision = decide_customer(
        view(customer=replace(customer(), archived=True)), now=NOW, policy=POLICY
    )
    assert (decision.quiet, decision.events) == (None, None)
