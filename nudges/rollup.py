"""A manager's team summarised by their direct reports: each report with everyone under them
(a head of sales sees their managers, each with their whole team rolled up)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nudges.digest import SellerDigest


@dataclass(frozen=True, slots=True)
class TeamRollup:
    person_id: int  # the direct report
    people: int  # they and everyone under them
    customers: int
    coverage: float | None  # share of their customers within the ideal cadence
    amber: int
    red: int
    escalations: int
    touches_this_period: int
    touches_previous_period: int


def _under(person_id: int, children: Mapping[int | None, Sequence[int]]) -> set[int]:
    """``person_id`` and everyone reporting to them, directly or not."""
    found = {person_id}
    frontier = [person_id]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, ()) if c not in found]
        found.update(frontier)
    return found


def rollup(
    sellers: Sequence[SellerDigest], *, managers: Mapping[int, int | None], reports: Sequence[int]
) -> list[TeamRollup]:
    """One line per direct report in ``reports``, over the sellers of their subtree
    (``managers``: each team member's manager). Each subtree's sellers are found by their
    place in ``sellers`` and added up in that order, whatever the number of reports."""
    children: dict[int | None, list[int]] = {}
    for pid, manager in managers.items():
        children.setdefault(manager, []).append(pid)
    places: dict[int, list[int]] = {}
    for place, s in enumerate(sellers):
        places.setdefault(s.person_id, []).append(place)
    out = []
    for report in reports:
        members = _under(report, children)
        rows = [sellers[i] for i in sorted(i for m in members for i in places.get(m, ()))]
        customers = sum(s.customers for s in rows)
        green = sum((s.coverage or 0.0) * s.customers for s in rows)
        out.append(
            TeamRollup(
                person_id=report,
                people=len(members),
                customers=customers,
                coverage=round(green / customers, 4) if customers else None,
                amber=sum(s.amber for s in rows),
                red=sum(s.red for s in rows),
                escalations=sum(s.escalations for s in rows),
                touches_this_period=sum(s.touches_this_period for s in rows),
                touches_previous_period=sum(s.touches_previous_period for s in rows),
            )
        )
    return out
