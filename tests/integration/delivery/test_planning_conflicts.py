"""Planning messages meets a concurrent transaction: a deadlock plans the batch again; a slot
another replica planned a moment ago is left to it, and the rest of the batch is planned."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.delivery.sweep import sweep
from nudges.model import DeliveryKind
from tests.integration.delivery.conftest import Book
from tests.integration.delivery.test_replicas import (
    PLANNED_AT,
    assert_one_message_per_recipient,
    quiet_book,
)
from tests.integration.services.test_conflicts import failing_once


def test_a_planning_batch_that_loses_a_deadlock_is_planned_again(book: Book) -> None:
    team = quiet_book(book, 3)

    with failing_once(book.container.engine, "INSERT INTO delivery ", "40P01"):
        result = sweep(book.deps, now=PLANNED_AT)

    assert len(result.deliveries) == 3
    assert_one_message_per_recipient(book, team)


def test_a_slot_planned_elsewhere_undoes_only_that_message(book: Book) -> None:
    team = quiet_book(book, 3)

    with failing_once(book.container.engine, "INSERT INTO delivery ", "23505", IntegrityError):
        result = sweep(book.deps, now=PLANNED_AT)

    # The refused one is planned by the next sweep (here: at once); the others went through.
    assert len(result.deliveries) == 2
    sweep(book.deps, now=PLANNED_AT)
    assert len([d for d in book.deliveries() if d.kind is DeliveryKind.NUDGES]) == 3
    assert_one_message_per_recipient(book, team)
