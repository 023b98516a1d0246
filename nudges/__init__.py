"""The functional core: pure functions of (data, now, policy) -> decisions. Standard library only.

Public entry points (all pure; ``now`` is an aware UTC datetime, holidays a ``frozenset[date]``):

Per customer (``nudges.engine``)
    decide_customer(view: CustomerView, *, now: datetime, policy: Policy) -> CustomerDecision
        nudges to upsert by dedupe key, held ones (with why), expired keys, next_due_at.
    next_due_at(view: CustomerView, *, now: datetime, policy: Policy) -> datetime | None

Per offer (``nudges.offers``)
    decide_offer(offer: Offer, candidates: Sequence[OfferCandidate], *, now: datetime,
                 policy: Policy, timezone: str | None = None) -> OfferDecision

Delivery (``nudges.delivery``, ``nudges.timing``, ``nudges.suppress``)
    plan_delivery(recipient: Person, nudges: Iterable[Nudge], *, now: datetime,
                  policy: Policy, holidays: frozenset[date]) -> DeliveryPlan
    next_slot(person: Person, *, after: datetime, holidays: frozenset[date]) -> datetime
    slot_for_nudge(person: Person, nudge: Nudge, *, now: datetime,
                   holidays: frozenset[date], policy: Policy) -> datetime
    local_time_hint(customer_tz: str | None, now: datetime) -> str | None
    route_recipient(person: Person, *, now: datetime, people: Mapping[int, Person]) -> int
    route_nudges(nudges: Iterable[Nudge], *, now: datetime,
                 people: Mapping[int, Person]) -> dict[int, list[Nudge]]

Health and digest (``nudges.health``, ``nudges.digest``)
    health(summary: CustomerSummary, *, now: datetime, policy: Policy) -> Health
    team_digest(*, manager: Person, team: Sequence[Person],
                summaries: Sequence[CustomerSummary], now: datetime, policy: Policy)
        -> TeamDigest

Building blocks
    calendar: in_year, next_yearly, add_months, months_between, local_date, start_of_day
    quiet: cadence_for(customer, policy), quiet_status(customer, *, now, policy, tz_name)
    dates: dated_events(*, customer, contacts, dates, today, policy),
           upcoming(*, customer, contacts, dates, today, policy, days)
    rituals: suggest_ritual(*, tier, reason, used, now, policy, seed) -> str | None
    ranking: priority(*, reason, tier, annual_value, policy, ...), rank(nudges),
             capped(nudges, *, limit)

The business rules are stated in docs/rules.md.
"""
