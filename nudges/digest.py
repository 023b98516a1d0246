"""The team digest for a manager, composed from each member's aggregate (no touch is loaded,
and no customer is read twice, however deep the hierarchy).

Per salesperson: customers, coverage (share within the ideal cadence), amber and red counts,
escalations, touches this period against the previous one, dates coming up, and offer pitch
coverage (pitched / eligible for live offers). Team-wide: concentration risk (a customer above
``policy.concentration_share`` of a book: listed once, for the team when it is a risk for the
whole team, else for its salesperson), single-threaded accounts (at most one contact touched in
the last ``policy.single_threaded_days``, none at all included; the most valuable first), the
quiet accounts (longest quiet first) and the distribution of health scores. Long lists keep
their worst ``policy.digest_list_limit`` and say how many there are.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from nudges.facts import CustomerFacts, customer_facts, escalated_at, level_at, single_threaded
from nudges.health import BUCKETS, bucket
from nudges.model import CustomerSummary, Person
from nudges.policy import Policy
from nudges.quiet import Level


@dataclass(frozen=True, slots=True)
class QuietAccount:
    customer_id: int
    name: str
    owner_id: int
    level: Level
    quiet_since: datetime | None
    days_quiet: int
    annual_value: int

    def order(self, now: datetime) -> tuple[datetime, int]:
        return (self.quiet_since or now, self.customer_id)  # longest quiet first


class ListedAccount(NamedTuple):
    """What a digest shows of an account it lists: its name, whose it is, what it is worth."""

    name: str
    owner_id: int
    annual_value: int


@dataclass(frozen=True, slots=True)
class OwnerAggregate:
    """One salesperson's book added up at one instant: what a digest needs of it."""

    owner_id: int
    customers: int = 0
    amber: int = 0
    red: int = 0
    escalated: int = 0
    escalations: tuple[tuple[datetime, int], ...] = ()  # (since, customer id), worst first
    touches_this_period: int = 0
    touches_previous_period: int = 0
    upcoming_dates: int = 0
    offers_pitched: int = 0
    offers_eligible: int = 0
    health: tuple[int, ...] = (0,) * len(BUCKETS)
    book_value: int = 0
    biggest: tuple[tuple[int, int], ...] = ()  # (customer id, value) above the share, by id
    single_threaded: int = 0
    single_threaded_top: tuple[tuple[int, int], ...] = ()  # (customer id, value), worst first
    quiet: int = 0
    quiet_top: tuple[QuietAccount, ...] = ()  # worst first


@dataclass(frozen=True, slots=True)
class SellerDigest:
    person_id: int
    customers: int
    coverage: float | None  # None: no customers
    amber: int
    red: int
    escalations: int
    touches_this_period: int
    touches_previous_period: int
    upcoming_dates: int
    offers_pitched: int
    offers_eligible: int
    pitch_coverage: float | None  # None: nothing eligible


@dataclass(frozen=True, slots=True)
class ConcentrationRisk:
    customer_id: int
    owner_id: int | None  # None: a share of the whole team's book
    share: float


@dataclass(frozen=True, slots=True)
class TeamDigest:
    manager_id: int
    customers: int
    sellers: tuple[SellerDigest, ...]
    escalated: int
    escalations: tuple[int, ...]  # customer ids, longest escalated first
    concentration: tuple[ConcentrationRisk, ...]
    single_threaded: int
    single_threaded_top: tuple[int, ...]  # customer ids, most valuable first
    quiet: int
    quiet_top: tuple[QuietAccount, ...]
    health: tuple[tuple[str, int], ...]  # (bucket label, customers)


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole > 0 else 0.0


def value_order(item: tuple[int, int]) -> tuple[int, int]:
    return (-item[1], item[0])


def quiet_account(
    summary: CustomerSummary, facts: CustomerFacts, *, now: datetime
) -> QuietAccount | None:
    level = level_at(facts, now)
    if level is Level.GREEN:
        return None
    since = facts.quiet_since
    return QuietAccount(
        customer_id=summary.customer.id,
        name=summary.customer.name,
        owner_id=summary.customer.owner_id,
        level=level,
        quiet_since=since,
        days_quiet=max(0, (now - since).days) if since is not None else 0,
        annual_value=summary.customer.annual_value,
    )


def aggregate_owner(
    owner_id: int,
    rows: Sequence[tuple[CustomerSummary, CustomerFacts]],
    *,
    now: datetime,
    policy: Policy,
) -> OwnerAggregate:
    """The aggregate of one book, customer by customer (the database computes the same with
    sums; this is its definition)."""
    limit = policy.digest_list_limit
    rows = [(s, f) for s, f in rows if not s.customer.archived]
    levels = [level_at(f, now) for _, f in rows]
    health = [0] * len(BUCKETS)
    labels = [label for label, _, _ in BUCKETS]
    for _, f in rows:
        health[labels.index(bucket(f.health))] += 1
    value = sum(max(0, s.customer.annual_value) for s, _ in rows)
    escalated = [
        (f.escalation_at, s.customer.id)
        for s, f in rows
        if f.escalation_at is not None and escalated_at(f, now)
    ]
    lone = [(s.customer.id, max(0, s.customer.annual_value)) for s, f in rows if single_threaded(f)]
    quiet = [q for s, f in rows if (q := quiet_account(s, f, now=now)) is not None]
    return OwnerAggregate(
        owner_id=owner_id,
        customers=len(rows),
        amber=levels.count(Level.AMBER),
        red=levels.count(Level.RED),
        escalated=len(escalated),
        escalations=tuple(sorted(escalated)[:limit]),
        touches_this_period=sum(s.touches_this_period for s, _ in rows),
        touches_previous_period=sum(s.touches_previous_period for s, _ in rows),
        upcoming_dates=sum(f.upcoming_dates for _, f in rows),
        offers_pitched=sum(max(0, s.live_offers_pitched) for s, _ in rows),
        offers_eligible=sum(max(0, s.live_offers_eligible) for s, _ in rows),
        health=tuple(health),
        book_value=value,
        biggest=tuple(
            sorted(
                (s.customer.id, s.customer.annual_value)
                for s, _ in rows
                if share(max(0, s.customer.annual_value), value) > policy.concentration_share
            )
        ),
        single_threaded=len(lone),
        single_threaded_top=tuple(sorted(lone, key=value_order)[:limit]),
        quiet=len(quiet),
        quiet_top=tuple(sorted(quiet, key=lambda q: q.order(now))[:limit]),
    )


def _seller(a: OwnerAggregate) -> SellerDigest:
    n = a.customers
    return SellerDigest(
        person_id=a.owner_id,
        customers=n,
        coverage=round((n - a.amber - a.red) / n, 4) if n else None,
        amber=a.amber,
        red=a.red,
        escalations=a.escalated,
        touches_this_period=a.touches_this_period,
        touches_previous_period=a.touches_previous_period,
        upcoming_dates=a.upcoming_dates,
        offers_pitched=a.offers_pitched,
        offers_eligible=a.offers_eligible,
        pitch_coverage=round(a.offers_pitched / a.offers_eligible, 4)
        if a.offers_eligible
        else None,
    )


def _concentration(
    books: Sequence[OwnerAggregate], policy: Policy, *, whole_team: bool
) -> list[ConcentrationRisk]:
    """Each risky customer once: for the team when it is a risk for the whole team's book,
    else for its salesperson's."""
    total = sum(a.book_value for a in books)
    risks = []
    for a in books:
        for customer_id, value in a.biggest:
            team_share = share(max(0, value), total)
            if whole_team and team_share > policy.concentration_share:
                risks.append(ConcentrationRisk(customer_id, None, team_share))
            else:
                risks.append(
                    ConcentrationRisk(customer_id, a.owner_id, share(max(0, value), a.book_value))
                )
    return sorted(
        risks, key=lambda r: (r.owner_id is None, r.owner_id or 0, -r.share, r.customer_id)
    )


def compose_digest(
    *,
    manager: Person,
    team: Sequence[Person],
    aggregates: Mapping[int, OwnerAggregate],
    now: datetime,
    policy: Policy,
) -> TeamDigest:
    """The digest of ``team`` from its members' aggregates (a member without one owns
    nothing)."""
    limit = policy.digest_list_limit
    books = [aggregates.get(p.id, OwnerAggregate(p.id)) for p in sorted(team, key=lambda p: p.id)]
    health = [sum(a.health[i] for a in books) for i in range(len(BUCKETS))]
    return TeamDigest(
        manager_id=manager.id,
        customers=sum(a.customers for a in books),
        sellers=tuple(_seller(a) for a in books),
        escalated=sum(a.escalated for a in books),
        escalations=tuple(
            c for _, c in heapq.nsmallest(limit, (e for a in books for e in a.escalations))
        ),
        concentration=tuple(_concentration(books, policy, whole_team=len(books) > 1)),
        single_threaded=sum(a.single_threaded for a in books),
        single_threaded_top=tuple(
            c
            for c, _ in heapq.nsmallest(
                limit, (t for a in books for t in a.single_threaded_top), key=value_order
            )
        ),
        quiet=sum(a.quiet for a in books),
        quiet_top=tuple(
            heapq.nsmallest(
                limit, (q for a in books for q in a.quiet_top), key=lambda q: q.order(now)
            )
        ),
        health=tuple((label, n) for (label, _, _), n in zip(BUCKETS, health, strict=True)),
    )


def team_digest(
    *,
    manager: Person,
    team: Sequence[Person],
    summaries: Sequence[CustomerSummary],
    now: datetime,
    policy: Policy,
) -> TeamDigest:
    """The digest of ``team`` over their customers' summaries, customer by customer."""
    members = {p.id: p for p in team}
    rows: dict[int, list[tuple[CustomerSummary, CustomerFacts]]] = {pid: [] for pid in members}
    for s in summaries:
        owner = members.get(s.customer.owner_id)
        if owner is not None:
            facts = customer_facts(s, now=now, policy=policy, tz_name=owner.timezone)
            rows[owner.id].append((s, facts))
    aggregates = {
        pid: aggregate_owner(pid, mine, now=now, policy=policy) for pid, mine in rows.items()
    }
    return compose_digest(manager=manager, team=team, aggregates=aggregates, now=now, policy=policy)
