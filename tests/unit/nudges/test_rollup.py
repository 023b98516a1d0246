"""A head of sales sees each manager with the whole team under them rolled up."""

import pytest

from nudges.digest import SellerDigest
from nudges.rollup import rollup


def seller(person_id: int, *, customers: int, coverage: float | None, red: int = 0) -> SellerDigest:
    return SellerDigest(
        person_id=person_id,
        customers=customers,
        coverage=coverage,
        amber=1,
        red=red,
        escalations=1 if red else 0,
        touches_this_period=2,
        touches_previous_period=1,
        upcoming_dates=0,
        offers_pitched=0,
        offers_eligible=0,
        pitch_coverage=None,
    )


def test_each_direct_report_carries_everyone_under_them():
    # head 1 -> managers 2 and 3; 2 -> sellers 4, 5; 3 -> lead 6 -> seller 7
    managers = {2: 1, 3: 1, 4: 2, 5: 2, 6: 3, 7: 6}
    sellers = [
        seller(2, customers=0, coverage=None),
        seller(3, customers=0, coverage=None),
        seller(4, customers=100, coverage=0.5, red=3),
        seller(5, customers=300, coverage=1.0),
        seller(6, customers=0, coverage=None),
        seller(7, customers=50, coverage=0.2, red=1),
    ]

    second, third = rollup(sellers, managers=managers, reports=[2, 3])

    assert (second.person_id, second.people, second.customers) == (2, 3, 400)
    assert second.coverage == 0.875  # (50 + 300) / 400
    assert (second.red, second.escalations, second.amber) == (3, 1, 3)
    assert (third.people, third.customers, third.coverage, third.red) == (3, 50, 0.2, 1)
    assert second.touches_this_period == 6


def test_a_report_without_customers_has_no_coverage():
    (only,) = rollup([seller(2, customers=0, coverage=None)], managers={2: 1}, reports=[2])
    assert only.coverage is None and only.customers == 0


def _slow_rollup_sums(
    sellers: list[SellerDigest], managers: dict[int, int | None], report: int
) -> tuple[int, int, float, int, int]:
    """The definition: everyone reachable down from ``report``, each seller looked up in the
    whole list, added up in the list's order."""
    members = {report}
    changed = True
    while changed:
        changed = False
        for pid, manager in managers.items():
            if manager in members and pid not in members:
                members.add(pid)
                changed = True
    rows = [s for s in sellers if s.person_id in members]
    green = sum((s.coverage or 0.0) * s.customers for s in rows)
    customers = sum(s.customers for s in rows)
    return (
        len(members),
        customers,
        round(green / customers, 4) if customers else -1.0,
        sum(s.red for s in rows),
        sum(s.touches_this_period for s in rows),
    )


def _team(seed: int, *, width: int, depth: int) -> dict[int, int | None]:
    """A head (1) with ``width`` managers, each a chain of ``depth`` leads with sellers under
    every level; the ids interleaved so that no subtree is a run of ids."""
    managers: dict[int, int | None] = {}
    for m in range(width):
        boss = 1
        for level in range(depth):
            lead = 2 + level * width + m
            managers[lead] = boss
            for k in range((seed + m + level) % 4 + 1):
                managers[10_000 + lead * 10 + k] = lead
            boss = lead
    return managers


@pytest.mark.parametrize(("width", "depth"), [(1, 12), (40, 3), (300, 1)])
def test_a_deep_or_wide_hierarchy_rolls_up_as_its_definition(width: int, depth: int):
    managers = _team(3, width=width, depth=depth)
    people = sorted(managers)
    sellers = [
        seller(
            pid,
            customers=pid % 7 * 13,
            coverage=None if pid % 7 == 0 else (pid % 10) / 10,
            red=pid % 3,
        )
        for pid in people
    ]
    reports = [pid for pid in people if managers[pid] == 1]

    rows = rollup(sellers, managers=managers, reports=reports)

    assert [r.person_id for r in rows] == reports
    for row in rows:
        expected = _slow_rollup_sums(sellers, managers, row.person_id)
        coverage = -1.0 if row.coverage is None else row.coverage
        assert (
            row.people,
            row.customers,
            coverage,
            row.red,
            row.touches_this_period,
        ) == expected


def test_a_cycle_in_the_hierarchy_counts_each_person_once():
    # 2 and 3 report to each other (a mistake in the team's data), 4 to 3; 5 to the head
    managers: dict[int, int | None] = {2: 3, 3: 2, 4: 3, 5: 1}
    sellers = [seller(p, customers=10 * p, coverage=0.5) for p in (2, 3, 4, 5)]

    rows = rollup(sellers, managers=managers, reports=[2, 5])

    assert [(r.person_id, r.people, r.customers) for r in rows] == [(2, 3, 90), (5, 1, 50)]
