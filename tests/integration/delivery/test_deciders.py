"""A sweep with many customers due decides them in worker processes and writes what they
worked out in its own: what is stored is what deciding in one process stores, and a customer
changed by someone else while its worker decided it ends as that change left it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import SchedulerSettings, Settings
from bot.delivery import deciders, turns
from bot.delivery.sweep import SweepResult, decide_due
from bot.demo import generate
from bot.services.decisions import Outcome, decide_batch, refresh_customers
from nudges.model import NudgeReason, NudgeState, Touch
from storage.tables import customer_t, nudge_t

pytestmark = pytest.mark.db

NOW = datetime(2027, 6, 7, 6, 0, tzinfo=UTC)  # a Monday
TICK = datetime(2027, 6, 7, 6, 30, tzinfo=UTC)
NUDGE_COLUMNS = (
    "dedupe_key", "customer_id", "recipient_id", "reason", "due_on", "priority", "ritual",
    "detail", "state", "level", "contact_id", "facts", "deliver_on", "snoozed_until",
)  # fmt: skip
FACT_COLUMNS = (
    "next_due_at", "quiet_since", "amber_at", "red_at", "escalation_at", "health",
    "upcoming_dates", "threads",
)  # fmt: skip


@pytest.fixture
def book(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Container]:
    """1,200 demo customers (about 300 due at the tick), decided 40 a batch by two workers
    as soon as anything is due."""
    generate(Settings(database_url=database), customers=1_200, owners=12, seed=7, now=NOW)
    settings = Settings(database_url=database, scheduler=SchedulerSettings(decide_workers=2))
    container = build(settings, clock=FixedClock(TICK))
    monkeypatch.setattr(turns, "BATCH", 40)
    monkeypatch.setattr(deciders, "PARALLEL_FROM", 1)
    yield container
    container.close()


def due(container: Container) -> list[int]:
    with container.deps.uow() as uow:
        return uow.customers.due_ids(now=TICK, limit=10_000)


def in_one_process(container: Container, ids: list[int]) -> Outcome:
    """What deciding every due customer in this process would store (nothing written)."""
    with container.deps.reader() as uow:
        return decide_batch(uow, ids, now=TICK, policy=container.deps.policy)


def stored(container: Container, ids: list[int]) -> tuple[dict[str, Any], dict[int, Any]]:
    """The nudges about ``ids`` and their customers' next-due instants and kept facts."""
    with container.engine.connect() as connection:
        nudges = connection.execute(
            select(*(nudge_t.c[n] for n in NUDGE_COLUMNS)).where(nudge_t.c.customer_id.in_(ids))
        ).all()
        customers = connection.execute(
            select(customer_t.c.id, *(customer_t.c[n] for n in FACT_COLUMNS)).where(
                customer_t.c.id.in_(ids)
            )
        ).all()
    return {row.dedupe_key: tuple(row) for row in nudges}, {row.id: row for row in customers}


def test_what_workers_decide_is_stored_as_deciding_in_one_process_stores_it(
    book: Container,
) -> None:
    ids = due(book)
    assert len(ids) > 5 * turns.BATCH  # several batches for each worker
    expected = in_one_process(book, ids)

    result = SweepResult()
    decide_due(book.deps, now=TICK, result=result)

    assert (result.customers, result.in_workers) == (len(ids), len(ids))
    assert result.nudges == len(expected.nudges)
    nudges, customers = stored(book, ids)
    for nudge in expected.nudges:
        row = nudges[nudge.dedupe_key]
        assert row[NUDGE_COLUMNS.index("state")] == nudge.state.value
        assert row[NUDGE_COLUMNS.index("due_on")] == nudge.due_on
        assert row[NUDGE_COLUMNS.index("recipient_id")] == nudge.recipient_id
        assert row[NUDGE_COLUMNS.index("ritual")] == nudge.ritual
        assert row[NUDGE_COLUMNS.index("detail")] == nudge.detail
        assert row[NUDGE_COLUMNS.index("priority")] == pytest.approx(nudge.priority)
    assert {n.dedupe_key for n in expected.nudges} <= set(nudges)
    for facts in expected.facts:
        row = customers[facts.customer_id]
        assert row.next_due_at == expected.next_due[facts.customer_id]
        assert (row.quiet_since, row.amber_at, row.red_at, row.escalation_at) == (
            facts.quiet_since,
            facts.amber_at,
            facts.red_at,
            facts.escalation_at,
        )
        assert (row.health, row.upcoming_dates, row.threads) == (
            facts.health,
            facts.upcoming_dates,
            facts.threads,
        )
    assert due(book) == []


def test_a_customer_touched_while_its_worker_decides_it_ends_as_the_touch_left_it(
    book: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch is written only after its worker has decided it and, meanwhile, its
    owner has logged a touch with its quiet customer (from another connection): the quiet
    nudge the worker decided from what it read must not come back."""
    ids = due(book)
    quiet = _quiet_customer(book, ids[: turns.BATCH])
    write = deciders._Sweep._write
    touches: list[threading.Thread] = []

    def touched_first(sweep: Any, batch: Any) -> None:
        if not touches:
            batch.decided.result()  # the worker has read and decided the customer untouched
            touch = threading.Thread(target=_touch, args=(book, quiet))
            touches.append(touch)
            touch.start()
            # SQLite: the touch is written at once. PostgreSQL: it waits for the batch's
            # rows, which the sweep holds until it has written them.
            touch.join(timeout=3)
        write(sweep, batch)

    monkeypatch.setattr(deciders._Sweep, "_write", touched_first)
    result = SweepResult()
    decide_due(book.deps, now=TICK, result=result)
    touches[0].join(timeout=30)
    assert not touches[0].is_alive()

    # Every customer decided: by a worker, or again here, or (SQLite) by the touch itself.
    assert result.customers >= len(ids) - 1
    with book.deps.uow() as uow:
        customer = uow.customers.get(quiet)
    assert customer is not None and customer.last_touch_at == TICK
    nudges, _ = stored(book, [quiet])
    state = NUDGE_COLUMNS.index("state")
    quiet_nudges = {k: row[state] for k, row in nudges.items() if k.startswith("quiet:")}
    # None open: either never written (SQLite: the batch was decided again after the touch)
    # or closed by the touch (PostgreSQL: written first, the touch waiting for the rows).
    assert NudgeState.OPEN.value not in quiet_nudges.values(), quiet_nudges
    assert due(book) == []


def _quiet_customer(container: Container, ids: list[int]) -> int:
    """A customer among ``ids`` about whom deciding now opens a quiet nudge."""
    outcome = in_one_process(container, ids)
    for nudge in outcome.nudges:
        if nudge.reason is NudgeReason.QUIET and nudge.state is NudgeState.OPEN:
            return nudge.customer_id
    raise AssertionError("no quiet customer in the first batch")


def _touch(container: Container, customer_id: int) -> None:
    """What ``/touch`` writes: the touch, then the customer decided again, in one transaction."""
    deps = container.deps
    with deps.uow() as uow:
        customer = uow.customers.get(customer_id)
        assert customer is not None
        uow.touches.add(
            Touch(
                id=0, customer_id=customer_id, person_id=customer.owner_id, ritual="call", at=TICK
            ),
            owner_id=customer.owner_id,
        )
        refresh_customers(uow, [customer_id], now=TICK, policy=deps.policy)
        uow.commit()
