"""Priority, ranking and the daily cap.

priority = reason base + level + tier + value + overdue + date proximity + escalation, where

- reason base: see ``REASON_BASE`` (life events and renewals weigh most);
- level (quiet and escalation): red 30, amber 10;
- tier: ``30 * (n - i) / n`` for the i-th (0-based) of n tiers in ``policy.tiers``, 0 if unknown;
- value: ``min(40, 10 * log10(1 + annual_value / 1000))`` (2k: 4.8, 50k: 17, 1M: 30, 10M: 40);
- overdue (quiet reasons): ``min(10, 10 * days_over_ideal / max(1, max_days - ideal_days))``, so
  how long an account has been quiet orders accounts of one level, tier and value, and never
  lifts a small account long gone above a valuable one;
- date proximity (dated reasons): ``20 * max(0, 1 - days_until / 14)``;
- escalation: 15 when the relationship has been red for too long.

The result is rounded to 3 decimals. The order is by priority descending, then dedupe key: a
total, stable order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from nudges.model import Nudge, NudgeReason, Person
from nudges.policy import Policy

REASON_BASE: dict[NudgeReason, float] = {
    NudgeReason.LIFE_EVENT: 20.0,
    NudgeReason.RENEWAL: 15.0,
    NudgeReason.QUIET: 10.0,
    NudgeReason.BIRTHDAY: 10.0,
    NudgeReason.ESCALATION: 10.0,
    NudgeReason.OFFER: 8.0,
    NudgeReason.PARITY: 8.0,
    NudgeReason.ANNIVERSARY: 6.0,
    NudgeReason.CUSTOM_DATE: 6.0,
    NudgeReason.OWNER_QUIET: 5.0,
    NudgeReason.ABREAST: 4.0,
}
ESCALATION_POINTS = 15.0
PROXIMITY_DAYS = 14
LEVEL_POINTS: dict[str, float] = {"red": 30.0, "amber": 10.0}


def tier_points(tier: str, policy: Policy) -> float:
    n = len(policy.tiers)
    if tier not in policy.tiers or n == 0:
        return 0.0
    return 30.0 * (n - policy.tiers.index(tier)) / n


def value_points(annual_value: int) -> float:
    return min(40.0, 10.0 * math.log10(1 + max(0, annual_value) / 1000))


def overdue_points(days_over_ideal: int, *, ideal_days: int, max_days: int) -> float:
    span = max(1, max_days - ideal_days)
    return min(10.0, 10.0 * max(0, days_over_ideal) / span)


def proximity_points(days_until: int) -> float:
    return 20.0 * max(0.0, 1 - max(0, days_until) / PROXIMITY_DAYS)


def priority(
    *,
    reason: NudgeReason,
    tier: str,
    annual_value: int,
    policy: Policy,
    overdue: float = 0.0,
    days_until: int | None = None,
    escalated: bool = False,
    level: str | None = None,
) -> float:
    """The priority of a nudge; ``overdue`` is :func:`overdue_points` for quiet reasons,
    ``level`` the quiet level ("red", "amber") for quiet reasons and escalations."""
    total = REASON_BASE.get(reason, 0.0) + tier_points(tier, policy)
    total += LEVEL_POINTS.get(level or "", 0.0)
    total += value_points(annual_value) + overdue
    if days_until is not None:
        total += proximity_points(days_until)
    if escalated:
        total += ESCALATION_POINTS
    return round(total, 3)


def order_key(nudge: Nudge) -> tuple[float, str, int, int]:
    return (-nudge.priority, nudge.dedupe_key, nudge.recipient_id, nudge.customer_id)


def rank(nudges: Iterable[Nudge]) -> list[Nudge]:
    """Most important first; ties broken by dedupe key (then recipient and customer)."""
    return sorted(nudges, key=order_key)


def cap_for(person: Person, policy: Policy) -> int:
    cap = person.daily_cap if person.daily_cap is not None else policy.daily_cap
    return max(0, cap)


def by_customer(nudges: Iterable[Nudge]) -> list[list[Nudge]]:
    """One entry per recipient and customer: a customer due for several reasons is one entry
    holding them all, most important first; entries ranked by their most important nudge."""
    entries: dict[tuple[int, int], list[Nudge]] = {}
    for nudge in rank(nudges):
        entries.setdefault((nudge.recipient_id, nudge.customer_id), []).append(nudge)
    return list(entries.values())


def capped(nudges: Iterable[Nudge], *, limit: int) -> tuple[list[Nudge], int]:
    """The nudges of the ``limit`` most important customers (the cap counts customers, not
    reasons), and how many customers wait for another day."""
    entries = by_customer(nudges)
    kept = entries[: max(0, limit)]
    return [n for entry in kept for n in entry], len(entries) - len(kept)
