"""Gather, decide, apply: bring stored nudges and ``next_due_at`` in line with the engine.

Used after every change to a customer (so a touch clears its quiet nudge at once) and by the
sweep for customers whose ``next_due_at`` has come. Reads in bulk per batch, never per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from bot.ops import metrics
from bot.services.summaries import build_summaries
from nudges.calendar import local_date, start_of_day
from nudges.dates import coming_up
from nudges.engine import CustomerView, decide_customer
from nudges.facts import CustomerFacts, customer_facts
from nudges.model import Nudge, NudgeState, NudgeStatus, Offer
from nudges.offers import OfferCandidate, audience, decide_offer
from nudges.policy import Policy
from nudges.quiet import QuietStatus
from nudges.suppress import Held
from storage import SqlUnitOfWork
from storage.repositories.kept_facts import decided_rows
from storage.repositories.nudge_rows import NudgeRows, nudge_rows

OFFER_REFRESH = timedelta(hours=6)  # pitches and new customers change who is first in line
# A nudge already delivered is held too when the customer is not to be contacted, or after a
# sensitive event: it must not stay on the person's to-do list. (The minimum gap after a touch
# leaves a delivered one as it is: it is not asked again when the gap ends.)
HOLDABLE = (NudgeState.OPEN, NudgeState.DELIVERED)
TAKEN_OFF_THE_LIST = frozenset({"do_not_contact", "sensitive_event"})


class _OfCustomer(Protocol):
    @property
    def customer_id(self) -> int: ...


R = TypeVar("R", bound=_OfCustomer)


@dataclass(frozen=True, slots=True)
class Applied:
    decided: int  # customers (or offers) decided
    nudges: int  # upserted
    expired: int


@dataclass(slots=True)
class Outcome:
    """What deciding a batch of customers works out, before anything is written: plain data,
    so a batch may be decided in one process (or transaction) and written in another."""

    customers: int
    nudges: list[Nudge]
    #: What was stored under each dedupe key when the batch was read.
    existing: dict[str, NudgeStatus]
    held: list[Held]
    expiring: list[str]
    next_due: dict[int, datetime | None]
    facts: list[CustomerFacts]


@dataclass(slots=True)
class Prepared:
    """An ``Outcome`` as the rows it writes (``prepare``): what a sweep's worker hands the
    process that writes. Plain tuples and dicts: sending the engine's objects between
    processes, and building them again, cost more than writing them."""

    customers: int
    nudges: NudgeRows
    held: list[Held]
    #: What was stored under the held keys when the batch was read.
    held_statuses: dict[str, NudgeStatus]
    expiring: list[str]
    decided: list[tuple[Any, ...]]  # ``kept_facts.decided_rows``
    upserted: int  # nudges decided (new, refreshed, or left as they are)


def prepare(outcome: Outcome, *, now: datetime) -> Prepared:
    """The rows ``outcome`` writes at ``now``; nothing is read."""
    held = {h.dedupe_key for h in outcome.held}
    return Prepared(
        outcome.customers,
        nudge_rows(outcome.nudges, existing=outcome.existing, now=now),
        outcome.held,
        {key: status for key, status in outcome.existing.items() if key in held},
        outcome.expiring,
        decided_rows(outcome.next_due, outcome.facts),
        len(outcome.nudges),
    )


def refresh_customers(
    uow: SqlUnitOfWork, customer_ids: Sequence[int], *, now: datetime, policy: Policy
) -> Applied:
    """Decide again for these customers and store the outcome (in the caller's unit of work)."""
    return apply_outcome(uow, decide_batch(uow, customer_ids, now=now, policy=policy), now=now)


def decide_batch(
    uow: SqlUnitOfWork, customer_ids: Sequence[int], *, now: datetime, policy: Policy
) -> Outcome:
    """Read these customers (and what deciding them needs) and decide them; writes nothing."""
    if not customer_ids:
        return Outcome(0, [], {}, [], [], {}, [])
    ids = list(customer_ids)
    customers = uow.customers.get_many(ids)
    owners = {p.id: p for p in uow.people.get_many({c.owner_id for c in customers})}
    contacts = _group(uow.contacts.of_customers(ids))
    dates = _group(uow.dates.of_customers(ids))
    events = _group(uow.life_events.of_customers(ids))
    since = now - timedelta(days=max(policy.ritual_variety_days, 1))
    touches = _group(uow.touches.recent(ids, since=since))
    statuses = uow.nudges.statuses_by_customer(ids)
    decided: list[Nudge] = []
    held: list[Held] = []
    expiring: list[str] = []
    next_due: dict[int, datetime | None] = {}
    quiet: dict[int, QuietStatus] = {}
    upcoming_dates: dict[int, int] = {}
    for customer in customers:
        view = CustomerView(
            customer=customer,
            owner=owners[customer.owner_id],
            contacts=tuple(contacts.get(customer.id, ())),
            recent_touches=tuple(touches.get(customer.id, ())),
            dates=tuple(dates.get(customer.id, ())),
            life_events=tuple(events.get(customer.id, ())),
            existing=statuses.get(customer.id, {}),
        )
        decision = decide_customer(view, now=now, policy=policy)
        decided.extend(decision.nudges)
        held.extend(decision.held)
        expiring.extend(decision.expired)
        next_due[customer.id] = decision.next_due_at
        if decision.quiet is not None and decision.events is not None:
            # The facts kept below reuse what the decision worked out.
            quiet[customer.id] = decision.quiet
            upcoming_dates[customer.id] = len(
                coming_up(
                    decision.events,
                    today=local_date(now, view.owner.timezone),
                    days=policy.digest_upcoming_days,
                )
            )
    summaries = build_summaries(
        uow,
        customers,
        owners=owners,
        now=now,
        policy=policy,
        offers=False,
        contacts=contacts,
        dates=dates,
        upcoming_dates=upcoming_dates,
    )
    facts = [
        customer_facts(
            s,
            now=now,
            policy=policy,
            tz_name=owners[s.customer.owner_id].timezone,
            quiet=quiet.get(s.customer.id),
        )
        for s in summaries
    ]
    return Outcome(len(customers), decided, _flat(statuses), held, expiring, next_due, facts)


def apply_outcome(uow: SqlUnitOfWork, outcome: Outcome, *, now: datetime) -> Applied:
    """Write what deciding a batch worked out, in a few set-based statements (on SQLite the
    sweep holds the write lock only while it writes). Correct only if nothing the decision
    read has changed since: the caller reads and writes in one transaction, or knows."""
    return apply_prepared(uow, prepare(outcome, now=now), now=now)


def apply_prepared(uow: SqlUnitOfWork, prepared: Prepared, *, now: datetime) -> Applied:
    """``apply_outcome`` of an outcome already worked out as rows (``prepare``)."""
    if not prepared.customers:
        return Applied(0, 0, 0)
    hold_open(uow, prepared.held, prepared.held_statuses, now=now)
    uow.nudges.write_rows(prepared.nudges, now=now)
    metrics.reasons_created_on_commit(uow, prepared.nudges.created_reasons())
    expired = uow.nudges.expire(prepared.expiring, now=now)
    uow.customers.write_decided(prepared.decided)
    return Applied(prepared.customers, prepared.upserted, expired)


def refresh_offers(uow: SqlUnitOfWork, *, now: datetime, policy: Policy) -> Applied:
    """Decide every offer that is due, over its eligible customers, best first."""
    offers = uow.offers.due(now=now)
    applied = [refresh_offer(uow, offer, now=now, policy=policy) for offer in offers]
    return Applied(len(offers), sum(a.nudges for a in applied), sum(a.expired for a in applied))


def refresh_offer(uow: SqlUnitOfWork, offer: Offer, *, now: datetime, policy: Policy) -> Applied:
    """Decide one offer over its eligible customers, best first, and store the outcome.

    Only the eligible customers it can reach are read whole (every one, or the best of them
    for a limited quantity: ``nudges.offers.audience`` over their ranking), with those holding
    a live nudge about it (to expire it): about the others, past the end of the line,
    deciding the offer writes nothing."""
    ranked = uow.offers.ranked(offer)
    order = {cid: rank for rank, (cid, _) in enumerate(ranked)}
    wanted = set(audience(offer, ranked, policy))
    wanted.update(c for c in uow.nudges.customers_with_live_offer(offer.id) if c in order)
    customers = uow.customers.get_many(sorted(wanted))
    customers.sort(key=lambda c: order[c.id])
    ids = [c.id for c in customers]
    pitches = {p.customer_id: p.state for p in uow.pitches.of_offer(offer.id)}
    events = _group(uow.life_events.of_customers(ids))
    statuses = uow.nudges.statuses_by_customer(ids)
    since = now - timedelta(days=max(policy.ritual_variety_days, 1))
    touches = _group(uow.touches.recent(ids, since=since))
    candidates = [
        OfferCandidate(
            customer=c,
            pitch=pitches.get(c.id),
            life_events=tuple(events.get(c.id, ())),
            existing=statuses.get(c.id, {}),
            recent_touches=tuple(touches.get(c.id, ())),
        )
        for c in customers
    ]
    workspace = uow.workspaces.get(offer.workspace_id)
    zone = workspace.timezone if workspace else None
    decision = decide_offer(offer, candidates, now=now, policy=policy, timezone=zone)
    uow.nudges.upsert_many(decision.nudges, existing=_flat(statuses), now=now)
    metrics.nudges_created_on_commit(uow, decision.nudges, existing=_flat(statuses))
    hold_open(uow, decision.held, _flat(statuses), now=now)
    expired = uow.nudges.expire(decision.expired, now=now)
    after = now + OFFER_REFRESH
    if decision.next_due_at is not None:
        after = min(after, start_of_day(decision.next_due_at, zone))
    ends = datetime.combine(offer.public_on, time(), tzinfo=now.tzinfo)
    uow.offers.set_next_due(offer.id, None if now >= ends + timedelta(days=1) else after)
    return Applied(1, len(decision.nudges), expired)


def hold_open(
    uow: SqlUnitOfWork,
    held: Iterable[Held],
    existing: Mapping[str, NudgeStatus],
    *,
    now: datetime,
) -> None:
    """Apply the engine's holds to nudges already stored as open.

    The engine holds a due nudge (do-not-contact, a sensitive life event, the minimum gap after
    a touch) by not emitting it, which leaves a nudge stored before the hold began open (or
    delivered): it would still be delivered, or listed as a to-do. Such a nudge is snoozed
    until the hold's last day, with the hold as the reason; the engine reopens it after that
    day like any snoozed nudge.
    """
    for hold in held:
        status = existing.get(hold.dedupe_key)
        holdable = HOLDABLE if hold.why in TAKEN_OFF_THE_LIST else (NudgeState.OPEN,)
        if hold.until is None or status is None or status.state not in holdable:
            continue
        stored = uow.nudges.by_key(hold.dedupe_key)
        if stored is not None and stored.id is not None:
            uow.nudges.set_state(
                stored.id, NudgeState.SNOOZED, now=now, snoozed_until=hold.until, reason=hold.why
            )


def _flat(statuses: Mapping[int, Mapping[str, NudgeStatus]]) -> dict[str, NudgeStatus]:
    return {key: status for by_key in statuses.values() for key, status in by_key.items()}


def _group(rows: Iterable[R]) -> dict[int, list[R]]:
    grouped: dict[int, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row.customer_id].append(row)
    return grouped
