"""The outbox part of the benchmark, small: every message it loads has something to say at
the outbox's clock, so each one reaches the platform, and what it reports is what the outbox
stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from benchmarks.drain import measure_drain
from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo import generate
from storage.tables import delivery_item_t, delivery_t

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def container(database: str) -> Iterator[Container]:
    generate(Settings(database_url=database), customers=150, owners=3, seed=3, now=NOW)
    built = build(Settings(database_url=database), clock=FixedClock(NOW), pool_size=4)
    yield built
    built.close()


def test_the_drain_part_sends_every_message_it_loads(container: Container) -> None:
    result = asyncio.run(measure_drain(container, count=200, rate=50_000.0, stall_seconds=5.0))

    assert result["deliveries"] == 200
    assert result["sent"] == 200  # accepted by the platform, not only marked sent
    assert result["nothing_to_say"] == 0
    assert (result["failed"], result["left"], result["left_why"]) == (0, 0, {})
    assert result["recipients"] == 3  # the salespeople, each about their own quiet customers
    with container.engine.connect() as connection:
        stored = connection.execute(
            select(delivery_t.c.id, delivery_t.c.state, delivery_t.c.message_ref)
        ).all()
        items = connection.scalar(select(func.count()).select_from(delivery_item_t))
    assert len(stored) == 200
    assert {(state, ref == f"bench:{i}") for i, state, ref in stored} == {("sent", True)}
    assert items == 3 * 200
