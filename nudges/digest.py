"""The team digest for a manager, from per-customer aggregates (no touch is loaded).

Per salesperson: customers, coverage (share within the ideal cadence), amber and red counts,
escalations, touches this period against the previous one, dates coming up, and offer pitch
coverage (pitched / eligible for live offers). Team-wide: concentration risk (a customer above
``policy.concentration_share`` of a salesperson's or the team's annual value), single-threaded
accounts (one distinct contact ever touched) and the distribution of health scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nudges.health import BUCKETS, bucket, health
from nudges.model import CustomerSummary, Person
from nudges.policy import Policy
from nudges.quiet import Level, quiet_status


@dataclass(frozen=True, slots=True)
class SellerDigest:
    person_id: int
    customers: int
    coverage: float | None  # None: no customers
    amber: int
    red: int
    escalations: tuple[int, ...]  # customer ids red for too long
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
    sellers: tuple[SellerDigest, ...]
    escalations: tuple[int, ...]
    concentration: tuple[ConcentrationRisk, ...]
    single_threaded: tuple[int, ...]
    health: tuple[tuple[str, int], ...]  # (bucket label, customers)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole > 0 else 0.0


def _seller(
    person: Person, rows: list[CustomerSummary], *, now: datetime, policy: Policy
) -> SellerDigest:
    levels = []
    escalated = []
    for s in rows:
        qs = quiet_status(s.customer, now=now, policy=policy, tz_name=person.timezone)
        levels.append(qs.level)
        if qs.escalated:
            escalated.append(s.customer.id)
    n = len(rows)
    eligible = sum(max(0, s.live_offers_eligible) for s in rows)
    pitched = sum(max(0, s.live_offers_pitched) for s in rows)
    return SellerDigest(
        person_id=person.id,
        customers=n,
        coverage=round(levels.count(Level.GREEN) / n, 4) if n else None,
        amber=levels.count(Level.AMBER),
        red=levels.count(Level.RED),
        escalations=tuple(sorted(escalated)),
        touches_this_period=sum(s.touches_this_period for s in rows),
        touches_previous_period=sum(s.touches_previous_period for s in rows),
        upcoming_dates=sum(s.upcoming_dates for s in rows),
        offers_pitched=pitched,
        offers_eligible=eligible,
        pitch_coverage=round(pitched / eligible, 4) if eligible else None,
    )


def _concentration(
    books: dict[int, list[CustomerSummary]], policy: Policy
) -> list[ConcentrationRisk]:
    risks: list[ConcentrationRisk] = []
    everyone = [s for rows in books.values() for s in rows]
    scopes: list[tuple[int | None, list[CustomerSummary]]] = [
        *sorted(books.items(), key=lambda kv: kv[0]),
        (None, everyone),
    ]
    for owner, rows in scopes:
        total = sum(max(0, s.customer.annual_value) for s in rows)
        for s in rows:
            share = _share(max(0, s.customer.annual_value), total)
            if share > policy.concentration_share:
                risks.append(ConcentrationRisk(s.customer.id, owner, share))
    return sorted(
        risks, key=lambda r: (r.owner_id is None, r.owner_id or 0, -r.share, r.customer_id)
    )


def team_digest(
    *,
    manager: Person,
    team: Sequence[Person],
    summaries: Sequence[CustomerSummary],
    now: datetime,
    policy: Policy,
) -> TeamDigest:
    """The digest of ``team`` (the manager's salespeople) over their customers' summaries."""
    members = {p.id: p for p in team}
    books: dict[int, list[CustomerSummary]] = {pid: [] for pid in members}
    for s in summaries:
        if not s.customer.archived and s.customer.owner_id in books:
            books[s.customer.owner_id].append(s)
    sellers = tuple(
        _seller(members[pid], books[pid], now=now, policy=policy) for pid in sorted(books)
    )
    everyone = [s for rows in books.values() for s in rows]
    counts = {label: 0 for label, _, _ in BUCKETS}
    for s in everyone:
        counts[bucket(health(s, now=now, policy=policy).score)] += 1
    return TeamDigest(
        manager_id=manager.id,
        sellers=sellers,
        escalations=tuple(sorted(c for d in sellers for c in d.escalations)),
        concentration=tuple(_concentration(books, policy)),
        single_threaded=tuple(
            sorted(s.customer.id for s in everyone if s.distinct_contacts_touched == 1)
        ),
        health=tuple(counts.items()),
    )
