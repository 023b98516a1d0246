"""The outbox runs on the event loop that serves chat: its database work must not stop that
loop, even while the database makes it wait (a sweep holding SQLite's write lock)."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

from sqlalchemy import text

from bot.delivery.outbox import Outbox
from nudges.model import DeliveryState
from nudges.model import Platform as PlatformName
from storage import is_sqlite
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

SLOT = START + timedelta(hours=1)
HELD = 1.0  # seconds another transaction keeps the outbox waiting


async def test_a_drain_waiting_for_the_database_leaves_the_event_loop_free(
    book: Book, fake: FakePlatform
) -> None:
    ids = book.add_digests(recipients=[book.maria], count=3, slot=SLOT)
    book.clock.set(SLOT)
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: fake}, worker="w")
    engine = book.container.engine
    holding = threading.Event()

    def hold() -> None:
        with engine.begin() as connection:  # on SQLite: BEGIN IMMEDIATE, the write lock
            if not is_sqlite(str(engine.url)):
                connection.execute(text("LOCK TABLE delivery IN ACCESS EXCLUSIVE MODE"))
            holding.set()
            time.sleep(HELD)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.monotonic()
    drained = await outbox.drain()
    waited = time.monotonic() - started
    ticking.cancel()
    holder.join()

    assert waited >= HELD / 2  # the drain did wait for the other transaction
    assert max(gaps) < HELD / 2  # and the loop went on meanwhile
    assert sorted(d for d, _, _ in drained.sent) == ids
    assert {d.state for d in book.deliveries()} == {DeliveryState.SENT}
