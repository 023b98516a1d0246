"""Property: whatever day in the accepted range (1900-2200) is in any date field of a
customer, contact, important date, life event, touch or offer — the range's ends, February 29,
the nights clocks change — the sweep decides everything and sets nothing aside."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery.sweep import sweep
from nudges.calendar import EARLIEST_DAY, LATEST_DAY
from nudges.model import (
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    Offer,
    OfferKind,
    Touch,
)
from tests.integration.delivery.conftest import Book

pytestmark = pytest.mark.db

EDGES = [
    EARLIEST_DAY,
    EARLIEST_DAY + timedelta(days=1),
    LATEST_DAY,
    LATEST_DAY - timedelta(days=1),
    date(1904, 2, 29),
    date(2000, 2, 29),
    date(2196, 2, 29),
    date(2026, 3, 29),  # Europe moves its clocks forward
    date(2026, 10, 25),  # ... and back
    date(2026, 3, 8),  # the United States moves forward
    date(2026, 11, 1),
]
DAYS = st.one_of(st.sampled_from(EDGES), st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY))
# Sweeps at the instants clocks change (in UTC), and ordinary ones.
NOWS = st.one_of(
    st.sampled_from(
        [
            datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
            datetime(2028, 2, 29, 9, 0, tzinfo=UTC),
        ]
    ),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(  # noqa: DTZ001
        lambda d: d.replace(tzinfo=UTC)
    ),
)
ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Pacific/Kiritimati", None])
_names = count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    since=DAYS,
    renewal=DAYS,
    dnc=st.none() | DAYS,
    birthday=DAYS,
    dated=DAYS,
    event=DAYS,
    touched=DAYS,
    offer_from=DAYS,
    offer_days=st.integers(min_value=0, max_value=400),
    zone=ZONES,
    now=NOWS,
)
def test_the_sweep_completes_for_every_accepted_date_in_every_field(
    book: Book,
    since: date,
    renewal: date,
    dnc: date | None,
    birthday: date,
    dated: date,
    event: date,
    touched: date,
    offer_from: date,
    offer_days: int,
    zone: str | None,
    now: datetime,
) -> None:
    n = next(_names)
    workspace_id = book.maria.workspace.id
    public = min(offer_from + timedelta(days=offer_days), LATEST_DAY)
    with book.deps.uow() as uow:
        customer = uow.customers.add(
            Customer(
                id=0,
                workspace_id=workspace_id,
                name=f"Edge {n}",
                owner_id=book.maria.person.id,
                tier="key",
                since=since,
                renewal_on=renewal,
                dnc_until=dnc,
                timezone=zone,
            ),
            now=now - timedelta(days=1),
        )
        uow.contacts.add(
            Contact(
                id=0,
                customer_id=customer.id,
                name="Ann",
                birthday_month=birthday.month,
                birthday_day=birthday.day,
                birth_year=birthday.year,
            ),
            now=now,
        )
        uow.dates.add(ImportantDate(id=0, customer_id=customer.id, label="day", on=dated))
        uow.life_events.add(LifeEvent(id=0, customer_id=customer.id, kind="illness", on=event))
        uow.touches.add(
            Touch(
                id=0,
                customer_id=customer.id,
                person_id=book.maria.person.id,
                ritual="call",
                at=datetime.combine(touched, time(12), tzinfo=UTC),
            ),
            owner_id=book.maria.person.id,
        )
        offer = uow.offers.add(
            Offer(
                id=0,
                workspace_id=workspace_id,
                title=f"Offer {n}",
                kind=OfferKind.PRODUCT,
                existing_first_on=offer_from,
                public_on=public,
            ),
            now=now,
        )
        uow.customers.set_next_due(customer.id, now - timedelta(minutes=1))
        uow.offers.set_next_due(offer.id, now - timedelta(minutes=1))
        uow.commit()

    result = sweep(book.deps, now=now)

    assert result.customers >= 1 and result.offers >= 1
    with book.deps.uow() as uow:
        aside = [e for e in uow.audit.entries() if e.action == "sweep.set_aside"]
    assert aside == []
