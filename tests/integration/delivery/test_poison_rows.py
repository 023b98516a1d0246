"""One row the engine cannot decide (a far-off date written before the grammar bounded
dates, or a bug) never stops the sweep: it is set aside with its id in the log, the audit and
the metrics, not tried again every few minutes, and everyone else's nudges go out."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest

from bot.delivery import planning
from bot.delivery.compose import daily_message
from bot.delivery.isolation import SET_ASIDE
from bot.delivery.sweep import sweep
from bot.ops import metrics
from bot.replies import Reply
from nudges.model import Customer, Offer, OfferKind, Person
from tests.integration.delivery.conftest import START, Book

pytestmark = pytest.mark.db

FAR = date(9999, 12, 30)


def _customer(book: Book, name: str, *, since: date, renewal_on: date | None = None) -> int:
    """A customer written straight to the database (as an import or an older version
    would), known to the bot for 90 days and due for a decision."""
    with book.deps.uow() as uow:
        customer = uow.customers.add(
            Customer(
                id=0,
                workspace_id=book.maria.workspace.id,
                name=name,
                owner_id=book.maria.person.id,
                tier="key",
                since=since,
                renewal_on=renewal_on,
            ),
            now=START - timedelta(days=90),
        )
        uow.customers.set_next_due(customer.id, START - timedelta(days=1))
        uow.commit()
    return customer.id


def _poison_customer(book: Book) -> int:
    """A customer whose dates are the calendar's last days (the grammar refuses them)."""
    return _customer(book, "Far Corp", since=FAR, renewal_on=date(9999, 12, 31))


def _poison_offer(book: Book) -> int:
    with book.deps.uow() as uow:
        offer = uow.offers.add(
            Offer(
                id=0,
                workspace_id=book.maria.workspace.id,
                title="Far",
                kind=OfferKind.PRODUCT,
                existing_first_on=FAR,
                public_on=date(9999, 12, 31),
            ),
            now=START,
        )
        uow.offers.set_next_due(offer.id, START - timedelta(days=1))
        uow.commit()
    return offer.id


def _quiet_customers(book: Book, names: list[str]) -> None:
    for name in names:
        _customer(book, name, since=date(2020, 1, 1))


def test_a_customer_and_an_offer_that_cannot_be_decided_are_set_aside_and_the_rest_goes_on(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    _quiet_customers(book, ["Acme", "Globex"])
    bad_customer = _poison_customer(book)
    bad_offer = _poison_offer(book)
    set_aside_before = metrics.SWEEP_SET_ASIDE.labels(kind="customer")._value.get()

    with caplog.at_level(logging.WARNING, logger="bot.delivery.sweep"):
        result = sweep(book.deps, now=START, lookahead=timedelta(hours=2))

    # Everyone else's nudges are decided and Maria's 09:00 message is planned.
    assert result.deliveries, "no message planned"
    with book.deps.uow() as uow:
        planned = {n.customer_id for d in book.deliveries() for n in uow.deliveries.nudges_of(d.id)}
    assert {book_customer(book, "Acme"), book_customer(book, "Globex")} <= planned
    # The two rows are set aside: logged with their ids, audited, counted, not due again soon.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"customer {bad_customer}" in logged and f"offer {bad_offer}" in logged
    with book.deps.uow() as uow:
        actions = {(e.action, e.subject_type, e.subject_id) for e in uow.audit.entries()}
        customer = uow.customers.get(bad_customer)
        offer = uow.offers.get(bad_offer)
    assert ("sweep.set_aside", "customer", bad_customer) in actions
    assert ("sweep.set_aside", "offer", bad_offer) in actions
    assert customer is not None and offer is not None
    assert customer.next_due_at is not None and customer.next_due_at >= START + SET_ASIDE
    assert metrics.SWEEP_SET_ASIDE.labels(kind="customer")._value.get() == set_aside_before + 1

    # Five minutes later the next sweep does not try them again.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.sweep"):
        sweep(book.deps, now=START + timedelta(minutes=5))
    assert not [r for r in caplog.records if "set aside" in r.getMessage()]


def test_an_edit_that_fixes_the_row_brings_it_back_at_once(book: Book) -> None:
    bad = _poison_customer(book)
    sweep(book.deps, now=START)

    book.say("customer edit far corp since=2020-01-01 renewal=2026-06-30")

    with book.deps.uow() as uow:
        customer = uow.customers.get(bad)
    assert customer is not None and customer.next_due_at is not None
    assert customer.next_due_at != START + SET_ASIDE  # decided again by the edit itself


def book_customer(book: Book, name: str) -> int:
    with book.deps.uow() as uow:
        found = uow.customers.by_name(workspace_id=book.maria.workspace.id, name=name)
    assert found is not None
    return found.id


def test_a_person_whose_message_cannot_be_planned_is_set_aside_and_the_rest_goes_on(
    book: Book, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine takes any stored person (an unknown time zone is UTC, an hour out of range
    is 09:00), so here composing one person's message fails as a bug would: that person is
    set aside, everyone else's message goes out."""
    zed = book.join("zed", "Zed")
    book.say('customer add "Zeta" tier=key last=2025-10-01', actor=zed)
    _quiet_customers(book, ["Acme", "Globex"])

    def composing(person: Person, **kwargs: Any) -> Reply:
        if person.id == zed.person.id:
            raise ValueError("a bug")
        return daily_message(person, **kwargs)

    monkeypatch.setattr(planning, "daily_message", composing)
    set_aside_before = metrics.SWEEP_SET_ASIDE.labels(kind="person")._value.get()

    with caplog.at_level(logging.WARNING, logger="bot.delivery.sweep"):
        result = sweep(book.deps, now=START, lookahead=timedelta(hours=2))

    assert [person for person, *_ in result.deliveries] == [book.maria.person.id]
    assert f"person {zed.person.id}" in " ".join(r.getMessage() for r in caplog.records)
    with book.deps.uow() as uow:
        actions = {(e.action, e.subject_type, e.subject_id) for e in uow.audit.entries()}
        waiting = uow.nudges.for_recipient(zed.person.id)
    assert ("sweep.set_aside", "person", zed.person.id) in actions
    assert [n.customer_id for n in waiting] == [book_customer(book, "Zeta")]  # kept, open
    assert metrics.SWEEP_SET_ASIDE.labels(kind="person")._value.get() == set_aside_before + 1

    # Five minutes later the next sweep does not try again; a day later, at his slot, it does.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.sweep"):
        sweep(book.deps, now=START + timedelta(minutes=5))
    assert not [r for r in caplog.records if "set aside" in r.getMessage()]
    with caplog.at_level(logging.WARNING, logger="bot.delivery.sweep"):
        sweep(book.deps, now=START + SET_ASIDE + timedelta(hours=1))  # at his slot
    assert f"person {zed.person.id}" in " ".join(r.getMessage() for r in caplog.records)
