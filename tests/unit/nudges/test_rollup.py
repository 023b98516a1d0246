"""A head of sales sees each manager with the whole team under them rolled up."""

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
