"""A process with its own idea of "now" (``nudgebot tick --now`` tomorrow, a machine whose
clock runs ahead) next to a live worker: it takes over none of the worker's deliveries (their
leases are measured on the database's clock too), pushes no retry into its own future, and
``tick --now`` at another time refuses to run while a worker is sending."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.delivery.outbox import Outbox
from nudges.model import DeliveryState
from nudges.model import Platform as PlatformName
from storage.tables import delivery_t
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import Book

pytestmark = pytest.mark.db

LEASE = 120


def _live_worker_holds(book: Book, *, now: datetime, count: int) -> list[int]:
    """The running bot claims a batch and is sending it (its leases live by real time)."""
    with book.deps.uow() as uow:
        claimed = uow.deliveries.claim(now=now, worker="bot", lease_seconds=LEASE, limit=count)
        uow.commit()
    return [d.id for d in claimed]


def test_a_time_travelling_drain_takes_over_nothing_and_reschedules_nothing(
    make_book: object, fake: FakePlatform
) -> None:
    book: Book = make_book(lease_seconds=LEASE)  # type: ignore[operator]
    present = datetime.now(UTC)  # this test needs the real present: it is what leases measure
    ids = book.add_digests(recipients=[book.maria], count=20, slot=present - timedelta(minutes=1))
    held = _live_worker_holds(book, now=present, count=10)
    fake.fail_next("rate_limited", retry_after=30)
    tomorrow = present + timedelta(days=1)

    traveller = Outbox(book.deps, {PlatformName.CONSOLE: fake}, worker="tick")
    asyncio.run(traveller.drain(now=tomorrow))

    # The live worker's ten are still its own: none was sent by the traveller.
    assert not {s.delivery_id for s in fake.sent} & set(held)
    by_id = {d.id: d for d in book.deliveries()}
    assert {by_id[i].state for i in held} == {DeliveryState.SENDING}
    # The platform asked to slow down: what waits is due again in about 30 s of real time,
    # not tomorrow.
    waiting = [by_id[i] for i in ids if by_id[i].state is DeliveryState.PENDING]
    assert waiting
    assert len(waiting) + len(fake.sent) == len(ids) - len(held)
    for delivery in waiting:
        assert delivery.next_attempt_at < present + timedelta(minutes=5)
    assert fake.duplicates() == {}

    # The bot finishes its batch: every delivery went out once.
    worker = Outbox(book.deps, {PlatformName.CONSOLE: fake}, worker="bot")
    with book.deps.uow() as uow:
        for delivery_id in held:
            uow.deliveries.mark_sent(delivery_id, worker="bot", message_ref="bot", now=present)
        uow.commit()
    asyncio.run(worker.drain(now=present + timedelta(minutes=5)))
    assert fake.duplicates() == {}
    assert {d.state for d in book.deliveries()} == {DeliveryState.SENT}


def test_a_lease_taken_by_a_clock_running_ahead_ends_by_real_time(book: Book) -> None:
    present = datetime.now(UTC)
    book.add_digests(recipients=[book.maria], count=1, slot=present - timedelta(minutes=1))
    with book.deps.uow() as uow:
        uow.deliveries.claim(
            now=present + timedelta(days=1), worker="ahead", lease_seconds=LEASE, limit=1
        )
        uow.commit()
    with book.container.engine.connect() as connection:
        lease_until = connection.execute(select(delivery_t.c.lease_until)).scalar_one()
    assert lease_until < present + timedelta(seconds=LEASE + 60)  # not tomorrow's
    # A worker whose own clock says the lease ran out still leaves it while real time says
    # it has not.
    with book.deps.uow() as uow:
        taken = uow.deliveries.claim(
            now=present + timedelta(seconds=LEASE + 5), worker="bot", lease_seconds=LEASE, limit=1
        )
        uow.commit()
    assert taken == []


def test_tick_at_another_time_refuses_while_a_worker_is_sending(
    book: Book, database: str, tmp_path: Path
) -> None:
    present = datetime.now(UTC)
    book.add_digests(recipients=[book.maria], count=4, slot=present - timedelta(minutes=1))
    _live_worker_holds(book, now=present, count=2)
    before = book.deliveries()

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "tick",
            "--db",
            database,
            "--now",
            (present + timedelta(days=1)).isoformat(),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert "another worker is sending 2 deliveries" in done.stderr
    assert "--dry-run" in done.stderr
    assert book.deliveries() == before
