"""Each customer's newest touch, for many customers in one statement, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from nudges.model import Touch
from storage import SqlUnitOfWork
from tests.integration.storage.test_roundtrip import _seed

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.fixture
def uow(session_factory):  # type: ignore[no-untyped-def]
    return SqlUnitOfWork(session_factory)


def test_the_newest_touch_of_each_customer_and_none_for_the_untouched(uow: SqlUnitOfWork) -> None:
    with uow:
        _, maria, acme = _seed(uow)
        others = [
            uow.customers.add(replace(acme, id=0, name=f"Other {i}"), now=NOW) for i in range(3)
        ]
        touched = [acme, *others[:2]]
        for k, customer in enumerate(touched):
            for days in (30, 3 + k, 10):
                uow.touches.add(
                    Touch(
                        id=0,
                        customer_id=customer.id,
                        person_id=maria.id,
                        ritual=f"r{days}",
                        at=NOW - timedelta(days=days),
                        note=f"{customer.name} {days}",
                    ),
                    owner_id=maria.id,
                )
        # Two touches at the same instant: the later logged wins.
        same = NOW - timedelta(days=3)
        uow.touches.add(
            Touch(id=0, customer_id=acme.id, person_id=maria.id, ritual="again", at=same),
            owner_id=maria.id,
        )
        uow.commit()
    with uow:
        latest = uow.touches.latest([c.id for c in [acme, *others]])
    assert sorted(latest) == sorted(c.id for c in touched)  # the untouched one is left out
    assert latest[acme.id].ritual == "again"
    assert latest[others[0].id].note == "Other 0 4"
    assert latest[others[1].id].at == NOW - timedelta(days=5)
