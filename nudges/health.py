"""Relationship health, 0-100, with the factors that explain it.

- recency (40): within the ideal cadence 40; between ideal and max falling from 40 to 10;
  past max falling from 10 to 0 at twice the max; never touched and no customer-since 0.
- trend (20): touches in the last 90 days against the 90 before: ``20 * min(1, last/previous)``;
  with no previous touches, 20 if there were any lately, else 0.
- breadth (15): 5 per distinct contact ever touched, up to 3.
- pitch response (15): ``15 * accepted / (accepted + declined)``; 8 when nothing was pitched.
- tenure (10): 0 inside ``policy.tenure_risk_months`` (relationships most often end between
  6 months and 3 years in), 10 outside it, 5 when customer-since is unknown.

Points are rounded to whole numbers; the score is their sum, clamped to 0-100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from nudges.calendar import local_date, months_between
from nudges.model import CustomerSummary
from nudges.policy import Policy
from nudges.quiet import QuietStatus, quiet_status


class Factor(NamedTuple):
    name: str
    points: int
    explanation: str


@dataclass(frozen=True, slots=True)
class Health:
    customer_id: int
    score: int
    factors: tuple[Factor, ...]


def _recency_points(qs: QuietStatus) -> int:
    cad, days = qs.cadence, qs.days_quiet
    if qs.clock_start is None:
        return 0
    if days <= cad.ideal_days:
        pts = 40.0
    elif days <= cad.max_days:
        pts = 40 - 30 * (days - cad.ideal_days) / max(1, cad.max_days - cad.ideal_days)
    else:
        pts = 10 * max(0.0, 1 - (days - cad.max_days) / max(1, cad.max_days))
    return round(pts)


def _recency(qs: QuietStatus) -> Factor:
    if qs.clock_start is None:
        return Factor("recency", 0, "Never touched")
    cad, days = qs.cadence, qs.days_quiet
    return Factor(
        "recency",
        _recency_points(qs),
        f"Last touch {days} days ago (ideal {cad.ideal_days}, max {cad.max_days})",
    )


def _trend_points(s: CustomerSummary) -> int:
    last, prev = max(0, s.touches_last_90_days), max(0, s.touches_previous_90_days)
    return (20 if last else 0) if prev == 0 else round(20 * min(1.0, last / prev))


def _trend(s: CustomerSummary) -> Factor:
    last, prev = max(0, s.touches_last_90_days), max(0, s.touches_previous_90_days)
    return Factor(
        "trend", _trend_points(s), f"{last} touches in the last 90 days, {prev} in the 90 before"
    )


def _breadth_points(s: CustomerSummary) -> int:
    return 5 * min(3, max(0, s.distinct_contacts_touched))


def _breadth(s: CustomerSummary) -> Factor:
    n = max(0, s.distinct_contacts_touched)
    return Factor("breadth", _breadth_points(s), f"{n} distinct contact{'s' if n != 1 else ''}")


def _pitch_points(s: CustomerSummary) -> int:
    a, d = max(0, s.pitches_accepted), max(0, s.pitches_declined)
    return 8 if a + d == 0 else round(15 * a / (a + d))


def _pitches(s: CustomerSummary) -> Factor:
    a, d = max(0, s.pitches_accepted), max(0, s.pitches_declined)
    text = "No pitch answered yet" if a + d == 0 else f"{a} accepted, {d} declined"
    return Factor("pitch_response", _pitch_points(s), text)


def _tenure_months(s: CustomerSummary, now: datetime) -> int | None:
    since = s.customer.since
    return None if since is None else months_between(since, local_date(now, None))


def _tenure_points(months: int | None, policy: Policy) -> int:
    if months is None:
        return 5
    lo, hi = policy.tenure_risk_months
    return 0 if lo <= months < hi else 10


def _tenure(s: CustomerSummary, *, now: datetime, policy: Policy) -> Factor:
    months = _tenure_months(s, now)
    points = _tenure_points(months, policy)
    if months is None:
        return Factor("tenure", points, "Customer-since unknown")
    lo, hi = policy.tenure_risk_months
    where = "inside" if points == 0 else "outside"
    return Factor("tenure", points, f"{months} months in: {where} the {lo}-{hi} month risk window")


def _quiet(
    summary: CustomerSummary, now: datetime, policy: Policy, quiet: QuietStatus | None
) -> QuietStatus:
    return quiet or quiet_status(summary.customer, now=now, policy=policy, tz_name=None)


def _score(points: int) -> int:
    return max(0, min(100, points))


def health(
    summary: CustomerSummary,
    *,
    now: datetime,
    policy: Policy,
    quiet: QuietStatus | None = None,
) -> Health:
    """The customer's health score and its factors. ``quiet``: the customer's quiet status
    at ``now`` already worked out, if its time zone cannot change it (see ``tz_free``)."""
    factors = (
        _recency(_quiet(summary, now, policy, quiet)),
        _trend(summary),
        _breadth(summary),
        _pitches(summary),
        _tenure(summary, now=now, policy=policy),
    )
    return Health(summary.customer.id, _score(sum(f.points for f in factors)), factors)


def health_score(
    summary: CustomerSummary,
    *,
    now: datetime,
    policy: Policy,
    quiet: QuietStatus | None = None,
) -> int:
    """``health(...).score`` without the explanations (a sweep keeps the score alone)."""
    return _score(
        _recency_points(_quiet(summary, now, policy, quiet))
        + _trend_points(summary)
        + _breadth_points(summary)
        + _pitch_points(summary)
        + _tenure_points(_tenure_months(summary, now), policy)
    )


BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("0-19", 0, 19),
    ("20-39", 20, 39),
    ("40-59", 40, 59),
    ("60-79", 60, 79),
    ("80-100", 80, 100),
)


def bucket(score: int) -> str:
    for label, lo, hi in BUCKETS:
        if lo <= score <= hi:
            return label
    return BUCKETS[0][0] if score < 0 else BUCKETS[-1][0]
