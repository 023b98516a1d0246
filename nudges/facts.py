"""The facts kept with each customer when it is decided, so that digests and Home add them up
instead of reading the whole book again.

Levels stay true at any later instant: what is kept is *when* the relationship turns amber,
turns red and escalates (the engine decides the customer again whenever a touch, an edit or a
due date changes those). Health and the dates coming up are kept as of the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from nudges.dates import upcoming
from nudges.health import health_score
from nudges.model import Contact, Customer, CustomerSummary, ImportantDate, Touch
from nudges.policy import Policy
from nudges.quiet import Level, QuietStatus, quiet_status


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    customer_id: int
    quiet_since: datetime | None  # the quiet clock's start; None: due now, never touched
    amber_at: datetime | None
    red_at: datetime | None
    escalation_at: datetime | None
    health: int
    upcoming_dates: int
    threads: int  # distinct contacts touched in the last ``policy.single_threaded_days``
    decided_at: datetime


def customer_facts(
    summary: CustomerSummary,
    *,
    now: datetime,
    policy: Policy,
    tz_name: str | None,
    quiet: QuietStatus | None = None,
) -> CustomerFacts:
    """The facts of one customer at ``now`` (``tz_name``: its owner's time zone; ``quiet``:
    its quiet status at ``now`` in that zone, if the decision already worked it out)."""
    qs = quiet or quiet_status(summary.customer, now=now, policy=policy, tz_name=tz_name)
    # Health counts quiet days in UTC; the same status serves when the zone plays no part.
    same = qs if tz_free(summary.customer) else None
    return CustomerFacts(
        customer_id=summary.customer.id,
        quiet_since=qs.clock_start,
        amber_at=qs.amber_at,
        red_at=qs.red_at,
        escalation_at=qs.escalation_at,
        health=health_score(summary, now=now, policy=policy, quiet=same),
        upcoming_dates=summary.upcoming_dates,
        threads=summary.recent_contacts_touched,
        decided_at=now,
    )


def tz_free(customer: Customer) -> bool:
    """Whether the customer's quiet status is the same in every time zone: the clock starts
    at its last touch (an instant), or, untouched, customer-since (a day) plays no part."""
    return customer.last_touch_at is not None or customer.since is None


def level_at(facts: CustomerFacts, now: datetime) -> Level:
    """The level at ``now`` (as ``quiet_status`` gives it; the database computes the same)."""
    if facts.red_at is not None and now >= facts.red_at:
        return Level.RED
    if facts.quiet_since is None or (facts.amber_at is not None and now >= facts.amber_at):
        return Level.AMBER
    return Level.GREEN


def escalated_at(facts: CustomerFacts, now: datetime) -> bool:
    return facts.escalation_at is not None and now >= facts.escalation_at


def single_threaded(facts: CustomerFacts) -> bool:
    """At most one contact touched lately (none at all included)."""
    return facts.threads <= 1


def summarise(
    customer: Customer,
    *,
    touches: Sequence[Touch],
    contacts: Sequence[Contact],
    dates: Sequence[ImportantDate],
    today: date,
    now: datetime,
    policy: Policy,
) -> CustomerSummary:
    """A customer's summary from its whole touch history in memory (a generated book; the
    database counts the same for a stored one), with no pitch answered and no offer counted."""
    period = timedelta(days=policy.digest_period_days)
    last_90 = now - timedelta(days=90)
    threads_since = now - timedelta(days=policy.single_threaded_days)

    def between(low: datetime, high: datetime) -> int:
        return sum(1 for t in touches if low <= t.at < high)

    return CustomerSummary(
        customer=customer,
        touches_this_period=between(now - period, now),
        touches_previous_period=between(now - 2 * period, now - period),
        touches_last_90_days=between(last_90, now),
        touches_previous_90_days=between(now - timedelta(days=180), last_90),
        distinct_contacts_touched=len({t.contact_id for t in touches if t.contact_id is not None}),
        recent_contacts_touched=len(
            {t.contact_id for t in touches if t.contact_id is not None and t.at >= threads_since}
        ),
        upcoming_dates=len(
            upcoming(
                customer=customer,
                contacts=contacts,
                dates=dates,
                today=today,
                policy=policy,
                days=policy.digest_upcoming_days,
            )
        ),
    )
