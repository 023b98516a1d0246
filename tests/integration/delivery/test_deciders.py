"""A sweep with many customers due decides them in its own process and in worker processes:
what is stored is what deciding in one process stores, and a customer changed by someone
else while a worker decided it ends as that change left it."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import SchedulerSettings, Settings
from bot.delivery import deciders
from bot.delivery.isolation import SET_ASIDE
from bot.delivery.sweep import SweepResult, decide_due
from bot.demo import generate
from bot.ops import lifecycle, metrics
from bot.services.decisions import Outcome, decide_batch, refresh_customers
from nudges.model import Customer, NudgeReason, NudgeState, Touch
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
    """1,200 demo customers (about 300 due at the tick), decided 40 a page by the sweep's
    process and a worker as soon as anything is due."""
    generate(Settings(database_url=database), customers=1_200, owners=12, seed=7, now=NOW)
    settings = Settings(database_url=database, scheduler=SchedulerSettings(decide_workers=2))
    container = build(settings, clock=FixedClock(TICK))
    monkeypatch.setattr(deciders, "PAGE", 40)
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
    assert len(ids) > 5 * deciders.PAGE  # several batches for each worker
    expected = in_one_process(book, ids)

    result = SweepResult()
    decide_due(book.deps, now=TICK, result=result)

    assert result.customers == len(ids)
    assert result.in_workers > 0  # and the rest in this process, while the worker started
    assert_stored_as_decided(book, ids, expected, result)


def assert_stored_as_decided(
    book: Container, ids: list[int], expected: Outcome, result: SweepResult
) -> None:
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


def test_pages_no_worker_has_started_are_taken_back_once_every_page_is_handed_out(
    book: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page handed out at once: the worker starts on the first ones (the pool queues
    two for it at once); the sweep's process, with nothing left to hand out, takes the others
    back from the newest and decides them, rather than waiting for the worker."""
    monkeypatch.setattr(deciders, "AHEAD", 1_000)
    ids = due(book)
    expected = in_one_process(book, ids)

    result = SweepResult()
    decide_due(book.deps, now=TICK, result=result)

    assert result.customers == len(ids)
    assert 0 < result.in_workers <= len(ids) - 3 * deciders.PAGE
    assert_stored_as_decided(book, ids, expected, result)


def test_a_customer_touched_while_its_worker_decides_it_ends_as_the_touch_left_it(
    book: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its owner logs a touch with a quiet customer of the first page (from another
    connection) after the page's worker has decided it: the quiet nudge the worker decided
    from what it read must not stay open. (SQLite: the sweep has not written the page yet and
    must not; PostgreSQL: the worker has written it, and the touch decides its customer
    again.)"""
    ids = due(book)
    quiet = _quiet_customer(book, ids[: deciders.PAGE])
    write = deciders._Sweep._write
    touches: list[threading.Thread] = []

    def touched_first(sweep: Any, batch: Any) -> None:
        if not touches:
            batch.done.result()  # the worker has read and decided the customer untouched
            touch = threading.Thread(target=_touch, args=(book, quiet))
            touches.append(touch)
            touch.start()
            touch.join(timeout=30)
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
    # None open: never written (SQLite: the page was decided again after the touch), or
    # closed by the touch (PostgreSQL: written by the worker first).
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


def test_a_customer_no_one_can_decide_is_set_aside_and_every_other_is_decided(
    book: Container,
) -> None:
    """Its page fails in its worker (SQLite: the page is decided again in the sweep's process;
    PostgreSQL: the worker decides the page one by one): the customer is set aside, audited
    and counted in the sweep's process, and every other customer is decided."""
    with book.deps.uow() as uow:
        owner = uow.customers.get(due(book)[0])
        assert owner is not None
        bad = uow.customers.add(
            Customer(
                id=0,
                workspace_id=owner.workspace_id,
                name="Far Corp",
                owner_id=owner.owner_id,
                tier="key",
                since=date(9999, 12, 30),  # the calendar's last days: the engine fails on them
                renewal_on=date(9999, 12, 31),
            ),
            now=NOW,
        )
        uow.customers.set_next_due(bad.id, NOW - timedelta(days=365))  # first: a worker's page
        uow.commit()
    ids = due(book)
    set_aside_before = metrics.SWEEP_SET_ASIDE.labels(kind="customer")._value.get()

    result = SweepResult()
    decide_due(book.deps, now=TICK, result=result)

    assert result.customers == len(ids) - 1
    assert result.in_workers > 0
    assert due(book) == []
    with book.deps.uow() as uow:
        far = uow.customers.get(bad.id)
        actions = {(e.action, e.subject_type, e.subject_id) for e in uow.audit.entries()}
    assert far is not None and far.next_due_at == TICK + SET_ASIDE
    assert ("sweep.set_aside", "customer", bad.id) in actions
    assert metrics.SWEEP_SET_ASIDE.labels(kind="customer")._value.get() == set_aside_before + 1


def test_pages_hand_out_every_due_customer_once_in_order_however_many_share_an_instant(
    book: Container,
) -> None:
    """An imported book: most of its customers due at one instant, a few at others."""
    ids = due(book)
    with book.engine.begin() as connection:
        connection.execute(
            update(customer_t).where(customer_t.c.id.in_(ids[5:])).values(next_due_at=NOW)
        )
    expected = due(book)  # (next_due_at, id) order
    pages: list[list[tuple[int, datetime]]] = []
    after = None
    with book.deps.reader() as uow:
        while page := uow.customers.due_page(now=TICK, after=after, limit=7):
            pages.append(page)
            after = (page[-1][1], page[-1][0])
    assert [customer_id for page in pages for customer_id, _ in page] == expected
    assert all(len(page) == 7 for page in pages[:-1])


def test_a_stop_asked_for_mid_sweep_leaves_the_rest_due_and_no_worker_behind(
    book: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot is told to stop once a first page is written: nothing new is handed out, a
    page not started stays due for the next sweep (a page a worker had started is written and
    counted on PostgreSQL, dropped on SQLite), the worker exits. Pages of 10: 30 of them."""
    monkeypatch.setattr(deciders, "PAGE", 10)
    ids = due(book)
    count = deciders._Sweep._count

    def stop_after_first(sweep: Any, applied: Any, *, in_worker: bool) -> None:
        count(sweep, applied, in_worker=in_worker)
        lifecycle.stopping.set()

    monkeypatch.setattr(deciders._Sweep, "_count", stop_after_first)
    result = SweepResult()
    try:
        decide_due(book.deps, now=TICK, result=result)
    finally:
        lifecycle.stopping.clear()

    left = due(book)
    assert 0 < result.customers < len(ids)
    assert len(left) == len(ids) - result.customers
    assert not multiprocessing.active_children()
