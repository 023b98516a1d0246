"""Existing customers first: offers, parity for new-customer incentives, keeping them abreast.

Between an offer's ``existing_first_on`` (inclusive) and ``public_on`` (exclusive):

- PRODUCT: every eligible customer without a pitch yields an OFFER nudge for its owner. With
  a limited quantity, only the best N eligible customers that have not declined are in line
  (best: annual value descending, then tenure - earliest customer-since - then id).
- INCENTIVE: a PARITY nudge ("offer them the same") for the best ``quantity`` (else
  ``policy.parity_best_customers``) eligible customers without a pitch.
- CASE_STUDY / WIN: an ABREAST nudge for every eligible customer not yet told.

Eligible: not archived; tier, kind and tags match (an empty criterion matches everything; tags
need any one). Without ``kinds``, a product or an incentive is for paying customers only (kind
``customer``: not partners, suppliers, referrers or internal stakeholders); case studies and
wins are for every kind. Held like any nudge: do-not-contact, a sensitive life event, the
minimum gap.

The audience (:func:`audience`) is who the offer reaches, best first, the quantity applied: the
same rule decides the nudges, ``offer show`` and pitch coverage in digests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from nudges.calendar import local_date
from nudges.life import UPBEAT, sensitive_until
from nudges.model import (
    Customer,
    LifeEvent,
    Nudge,
    NudgeReason,
    NudgeStatus,
    Offer,
    OfferKind,
    PitchState,
    RelationshipKind,
    Touch,
)
from nudges.policy import Policy
from nudges.ranking import priority
from nudges.rituals import last_used, suggest_ritual
from nudges.suppress import (
    FINISHED,
    LIVE,
    Held,
    dnc_active,
    dnc_detail,
    is_snoozed,
    min_gap_ends_at,
    state_after,
    within_min_gap,
)

_REASON = {
    OfferKind.PRODUCT: NudgeReason.OFFER,
    OfferKind.INCENTIVE: NudgeReason.PARITY,
    OfferKind.CASE_STUDY: NudgeReason.ABREAST,
    OfferKind.WIN: NudgeReason.ABREAST,
}
_PREFIX = {NudgeReason.OFFER: "offer", NudgeReason.PARITY: "parity", NudgeReason.ABREAST: "abreast"}


@dataclass(frozen=True, slots=True)
class OfferCandidate:
    """One customer the shell considers for an offer, with what the decision needs."""

    customer: Customer
    pitch: PitchState | None = None  # this offer's pitch to the customer, if any
    life_events: tuple[LifeEvent, ...] = ()  # recent ones (sensitive ones hold upbeat nudges)
    existing: Mapping[str, NudgeStatus] = field(default_factory=dict)
    recent_touches: tuple[Touch, ...] = ()  # for ritual variety


@dataclass(frozen=True, slots=True)
class OfferDecision:
    nudges: tuple[Nudge, ...]
    held: tuple[Held, ...]
    expired: tuple[str, ...]  # live keys of this offer no longer due (window over, pitched ...)
    eligible: int  # eligible customers among the candidates
    next_due_at: date | None  # the day the window opens, when it has not yet


def is_live(offer: Offer, today: date) -> bool:
    return offer.existing_first_on <= today < offer.public_on


#: The relationship kinds an offer is for when it names none (empty: every kind).
DEFAULT_KINDS: Mapping[OfferKind, frozenset[RelationshipKind]] = {
    OfferKind.PRODUCT: frozenset({RelationshipKind.CUSTOMER}),
    OfferKind.INCENTIVE: frozenset({RelationshipKind.CUSTOMER}),
    OfferKind.CASE_STUDY: frozenset(),
    OfferKind.WIN: frozenset(),
}


def eligible_kinds(offer: Offer) -> frozenset[RelationshipKind]:
    """The kinds of relationship the offer is for (empty: every kind)."""
    return offer.kinds or DEFAULT_KINDS.get(offer.kind, frozenset())


def is_eligible(offer: Offer, customer: Customer) -> bool:
    if customer.archived:
        return False
    if offer.tiers and customer.tier not in offer.tiers:
        return False
    kinds = eligible_kinds(offer)
    if kinds and customer.kind not in kinds:
        return False
    return not offer.tags or bool(offer.tags & customer.tags)


def audience(
    offer: Offer, ranked: Sequence[tuple[int, PitchState | None]], policy: Policy
) -> list[int]:
    """The customers the offer reaches, best first, out of its eligible customers ``ranked``
    best first (id, this offer's pitch to them): every one, or with a limited quantity of a
    product the best until that many have not declined (a decline frees its unit for the next
    best; an accepted or open pitch holds it), or for an incentive the best ``quantity``
    (else ``policy.parity_best_customers``)."""
    if offer.kind is OfferKind.INCENTIVE:
        best = offer.quantity if offer.quantity is not None else policy.parity_best_customers
        return [cid for cid, _ in ranked[: max(0, best)]]
    if offer.kind is not OfferKind.PRODUCT or offer.quantity is None:
        return [cid for cid, _ in ranked]
    reached: list[int] = []
    held = 0
    for cid, pitch in ranked:
        if held >= offer.quantity:
            break
        reached.append(cid)
        if pitch is not PitchState.DECLINED:
            held += 1
    return reached


def best_first_key(customer: Customer) -> tuple[int, date, int]:
    """Annual value descending, then tenure (earliest since), then id: a total order."""
    return (-customer.annual_value, customer.since or date.max, customer.id)


def offer_key(offer: Offer, customer_id: int) -> str:
    return f"{_PREFIX[_REASON[offer.kind]]}:{customer_id}:{offer.id}"


def _in_line(offer: Offer, eligible: list[OfferCandidate], policy: Policy) -> list[OfferCandidate]:
    ranked = sorted(eligible, key=lambda c: best_first_key(c.customer))
    reached = set(audience(offer, [(c.customer.id, c.pitch) for c in ranked], policy))
    return [c for c in ranked if c.customer.id in reached]


def _detail(offer: Offer, reason: NudgeReason) -> str:
    if reason is NudgeReason.PARITY:
        return f"New customers get '{offer.title}': offer them the same"
    if reason is NudgeReason.ABREAST:
        return f"Keep them abreast: share '{offer.title}'"
    return f"Pitch '{offer.title}' before it goes public on {offer.public_on.isoformat()}"


def _hold(
    c: OfferCandidate, key: str, reason: NudgeReason, *, now: datetime, today: date, policy: Policy
) -> Held | None:
    cust = c.customer
    if dnc_active(cust, today):
        return Held(key, reason, "do_not_contact", dnc_detail(cust), cust.dnc_until)
    upbeat = sensitive_until(c.life_events, customer_id=cust.id, today=today, policy=policy)
    if upbeat is not None and reason in UPBEAT:
        return Held(
            key,
            reason,
            "sensitive_event",
            f"Held after a sensitive life event until {upbeat.isoformat()}",
            upbeat,
        )
    if within_min_gap(cust, now=now, policy=policy):
        ends = min_gap_ends_at(cust, policy)
        return Held(
            key,
            reason,
            "min_gap",
            "Touched recently: give them room",
            ends.date() if ends else None,
        )
    if is_snoozed(c.existing.get(key), today=today):
        status = c.existing.get(key)
        return Held(key, reason, "snoozed", "Snoozed", status.snoozed_until if status else None)
    return None


def decide_offer(
    offer: Offer,
    candidates: Sequence[OfferCandidate],
    *,
    now: datetime,
    policy: Policy,
    timezone: str | None = None,
) -> OfferDecision:
    """The nudges an offer yields over ``candidates`` at ``now`` (``timezone``: the
    workspace's, for which day it is)."""
    today = local_date(now, timezone)
    reason = _REASON[offer.kind]
    eligible = [c for c in candidates if is_eligible(offer, c.customer)]
    upcoming = offer.existing_first_on if today < offer.existing_first_on else None
    line = _in_line(offer, eligible, policy) if is_live(offer, today) else []
    nudges: list[Nudge] = []
    held: list[Held] = []
    due_keys: set[str] = set()
    for c in line:
        cust = c.customer
        if c.pitch not in (None, PitchState.PENDING):
            continue
        key = offer_key(offer, cust.id)
        due_keys.add(key)
        status = c.existing.get(key)
        if status is not None and status.state in FINISHED:
            continue
        hold = _hold(c, key, reason, now=now, today=today, policy=policy)
        if hold is not None:
            held.append(hold)
            continue
        state = state_after(status, today=today)
        if state is None:
            continue
        days_left = (offer.public_on - today).days
        nudges.append(
            Nudge(
                dedupe_key=key,
                customer_id=cust.id,
                recipient_id=cust.owner_id,
                reason=reason,
                due_on=offer.existing_first_on,
                priority=priority(
                    reason=reason,
                    tier=cust.tier,
                    annual_value=cust.annual_value,
                    policy=policy,
                    days_until=days_left,
                ),
                ritual=suggest_ritual(
                    tier=cust.tier,
                    reason=reason,
                    used=last_used(c.recent_touches),
                    now=now,
                    policy=policy,
                    seed=key,
                ),
                detail=_detail(offer, reason),
                state=state,
                offer_id=offer.id,
                facts=(("offer", offer.title), ("public_on", offer.public_on.isoformat())),
            )
        )
    expired = sorted(
        key
        for c in candidates
        for key, status in c.existing.items()
        if key == offer_key(offer, c.customer.id) and status.state in LIVE and key not in due_keys
    )
    return OfferDecision(tuple(nudges), tuple(held), tuple(expired), len(eligible), upcoming)
