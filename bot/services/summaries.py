"""Per-customer aggregates for health scores and digests, gathered in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from nudges.calendar import local_date
from nudges.dates import upcoming
from nudges.model import Contact, Customer, CustomerSummary, ImportantDate, Person, PitchState
from nudges.offers import audience
from nudges.policy import Policy
from storage import SqlUnitOfWork


def build_summaries(
    uow: SqlUnitOfWork,
    customers: Sequence[Customer],
    *,
    owners: Mapping[int, Person],
    now: datetime,
    policy: Policy,
    offers: bool = True,
    contacts: Mapping[int, Sequence[Contact]] | None = None,
    dates: Mapping[int, Sequence[ImportantDate]] | None = None,
    upcoming_dates: Mapping[int, int] | None = None,
) -> list[CustomerSummary]:
    """The customers' summaries. ``offers``: count the live offers each is eligible for and
    pitched (the facts kept with a decision leave them out: offers have their own sweep).
    ``contacts``/``dates``: already read by the caller, by customer; ``upcoming_dates``: the
    dates coming up already counted, by customer (the others are counted here)."""
    ids = [c.id for c in customers]
    if not ids:
        return []
    period = timedelta(days=policy.digest_period_days)
    counts = uow.stats.touch_counts(
        ids,
        now=now,
        period_start=now - period,
        previous_start=now - 2 * period,
        last_90=now - timedelta(days=90),
        previous_90=now - timedelta(days=180),
        threads_since=now - timedelta(days=policy.single_threaded_days),
    )
    pitches = uow.stats.pitch_counts(ids)
    if contacts is None:
        contacts = _by_customer(uow.contacts.of_customers(ids))
    if dates is None:
        dates = _by_customer(uow.dates.of_customers(ids))
    reached: dict[int, set[int]] = {}
    pitched: dict[int, set[int]] = {}
    if offers:
        workspaces = {c.workspace_id for c in customers}
        live = [o for o in uow.offers.live(on=now.date()) if o.workspace_id in workspaces]
        # Pitch coverage counts the customers each offer reaches (best first, quantity
        # applied), by the same rule that decides who is nudged about it.
        for offer in live:
            ranked = uow.offers.ranked(offer)
            reached[offer.id] = set(audience(offer, ranked, policy))
            pitched[offer.id] = {
                cid for cid, state in ranked if state not in (None, PitchState.PENDING)
            }
    summaries = []
    for customer in customers:
        touch = counts.get(customer.id)
        states = pitches.get(customer.id, {})
        eligible = [oid for oid, ids_ in reached.items() if customer.id in ids_]
        soon = (upcoming_dates or {}).get(customer.id)
        if soon is None:
            owner = owners.get(customer.owner_id)
            today = local_date(now, owner.timezone if owner else None)
            soon = len(
                upcoming(
                    customer=customer,
                    contacts=list(contacts.get(customer.id, ())),
                    dates=list(dates.get(customer.id, ())),
                    today=today,
                    policy=policy,
                    days=policy.digest_upcoming_days,
                )
            )
        summaries.append(
            CustomerSummary(
                customer=customer,
                touches_this_period=touch.this_period if touch else 0,
                touches_previous_period=touch.previous_period if touch else 0,
                touches_last_90_days=touch.last_90_days if touch else 0,
                touches_previous_90_days=touch.previous_90_days if touch else 0,
                distinct_contacts_touched=touch.distinct_contacts if touch else 0,
                recent_contacts_touched=touch.recent_contacts if touch else 0,
                pitches_accepted=states.get("accepted", 0),
                pitches_declined=states.get("declined", 0),
                live_offers_eligible=len(eligible),
                live_offers_pitched=sum(1 for oid in eligible if customer.id in pitched[oid]),
                upcoming_dates=soon,
            )
        )
    return summaries


R = TypeVar("R", Contact, ImportantDate)


def _by_customer(rows: Iterable[R]) -> dict[int, list[R]]:
    found: dict[int, list[R]] = {}
    for row in rows:
        found.setdefault(row.customer_id, []).append(row)
    return found
