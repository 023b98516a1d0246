"""Quiet relationships: the cadence clock, its amber and red levels, and escalation.

The clock starts at the last touch by anyone. Amber from ``ideal_days``, red from ``max_days``,
and an escalation to the owner's manager once red for longer than
``policy.escalation_after_days``.

Onboarding: an account nobody has touched yet counts from customer-since, but never from
earlier than its first check-in allows: it turns amber (a first check-in) no sooner than
``policy.new_customer_grace_days`` after the bot learned about it (``Customer.added_at``), red
the cadence's amber-to-red gap after that, and escalates only once red for the escalation
threshold from then. With neither a touch, customer-since nor ``added_at``, it is due now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from nudges.calendar import days_delta, start_of_day
from nudges.model import Cadence, Customer
from nudges.policy import Policy

_FALLBACK = Cadence(ideal_days=30, max_days=60)
FIRST_CHECK_IN = "first_check_in"  # a fact on the quiet nudge of an account never touched


class Level(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True, slots=True)
class QuietStatus:
    """Where a relationship stands against its cadence at one instant."""

    cadence: Cadence
    clock_start: datetime | None  # None: never touched and no customer-since: due now
    days_quiet: int
    level: Level
    escalated: bool
    amber_at: datetime | None
    red_at: datetime | None
    escalation_at: datetime | None
    first_check_in: bool = False  # nobody has touched it yet: the next touch is the first

    @property
    def days_over_ideal(self) -> int:
        return max(0, self.days_quiet - self.cadence.ideal_days)


def cadence_for(customer: Customer, policy: Policy) -> Cadence:
    """The customer's own cadence, else its relationship kind's, else its tier's."""
    if customer.cadence is not None:
        chosen = customer.cadence
    elif str(customer.kind) in policy.kind_cadence:
        chosen = policy.kind_cadence[str(customer.kind)]
    else:
        chosen = policy.cadence.get(customer.tier, _FALLBACK)
    if 1 <= chosen.ideal_days <= chosen.max_days:
        return chosen  # most are: no new one needed
    ideal = max(1, chosen.ideal_days)
    return Cadence(ideal_days=ideal, max_days=max(ideal, chosen.max_days))


def shortest_ideal_days(policy: Policy) -> int:
    """The shortest ideal cadence of any tier or kind: a customer touched more recently than
    this (and without a cadence of its own) cannot be quiet."""
    cadences = (*policy.cadence.values(), *policy.kind_cadence.values(), _FALLBACK)
    return max(1, min(c.ideal_days for c in cadences))


def onboarding_start(customer: Customer, cadence: Cadence, policy: Policy) -> datetime | None:
    """The earliest clock start of an untouched account: the one that makes it amber just as
    its onboarding window ends; None when the bot does not know when it learned of it."""
    if customer.added_at is None:
        return None
    return _after(customer.added_at, max(0, policy.new_customer_grace_days) - cadence.ideal_days)


def clock_start(
    customer: Customer, *, tz_name: str | None, cadence: Cadence, policy: Policy
) -> datetime | None:
    """When the quiet clock started: the last touch by anyone, else the later of
    customer-since and the onboarding start."""
    if customer.last_touch_at is not None:
        return customer.last_touch_at
    starts = [onboarding_start(customer, cadence, policy)]
    if customer.since is not None:
        starts.append(start_of_day(customer.since, tz_name))
    return max((s for s in starts if s is not None), default=None)


def _after(start: datetime, days: int) -> datetime | None:
    try:
        return start + days_delta(days)
    except OverflowError:
        return None


def quiet_status(
    customer: Customer, *, now: datetime, policy: Policy, tz_name: str | None
) -> QuietStatus:
    """The relationship's level at ``now`` and the instants it turns amber, red and escalates."""
    cadence = cadence_for(customer, policy)
    start = clock_start(customer, tz_name=tz_name, cadence=cadence, policy=policy)
    first = customer.last_touch_at is None
    if start is None:
        return QuietStatus(cadence, None, 0, Level.AMBER, False, None, None, None, first)
    amber_at = _after(start, cadence.ideal_days)
    red_at = _after(start, cadence.max_days)
    escalation_at = _after(start, cadence.max_days + max(0, policy.escalation_after_days))
    days = max(0, (now - start).days)
    if red_at is not None and now >= red_at:
        level = Level.RED
    elif amber_at is not None and now >= amber_at:
        level = Level.AMBER
    else:
        level = Level.GREEN
    escalated = escalation_at is not None and now >= escalation_at
    return QuietStatus(
        cadence, start, days, level, escalated, amber_at, red_at, escalation_at, first
    )


def owner_quiet_since(customer: Customer, *, tz_name: str | None) -> datetime | None:
    """When the owner's own clock started: their last touch, else the later of customer-since
    and when the bot learned of the account."""
    if customer.owner_last_touch_at is not None:
        return customer.owner_last_touch_at
    starts = [customer.added_at]
    if customer.since is not None:
        starts.append(start_of_day(customer.since, tz_name))
    return max((s for s in starts if s is not None), default=None)


def owner_quiet_at(customer: Customer, *, policy: Policy, tz_name: str | None) -> datetime | None:
    """When "colleagues touched it, the owner has not" starts to apply; None if it cannot.

    It needs a touch by someone other than the owner after the owner's own last touch.
    """
    last = customer.last_touch_at
    own = customer.owner_last_touch_at
    if last is None or (own is not None and own >= last):
        return None
    start = owner_quiet_since(customer, tz_name=tz_name)
    return _after(start if start is not None else last, max(0, policy.owner_quiet_days))


def first_check_in_text(c: Customer, *, now: datetime) -> str:
    known = max(0, (now - c.added_at).days) if c.added_at else 0
    ago = "today" if known == 0 else f"{known} day{'s' if known != 1 else ''} ago"
    return f"First check-in: nobody has logged a touch since it was added {ago}"
