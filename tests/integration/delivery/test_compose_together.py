"""Messages composed together (the outbox reads ten at a time, in one transaction) say
exactly what each would say composed alone: each reader's own clock, each customer's own
contact and last touch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from benchmarks.outbox import load_deliveries
from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.compose import read_daily
from bot.demo import generate
from bot.replies import render_text
from nudges.model import DeliveryState

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def container(database: str) -> Iterator[Container]:
    generate(Settings(database_url=database), customers=300, owners=3, seed=5, now=NOW)
    built = build(Settings(database_url=database), clock=FixedClock(NOW), pool_size=4)
    yield built
    built.close()


def test_messages_composed_together_read_as_each_composed_alone(container: Container) -> None:
    load_deliveries(container, count=12)
    deps = container.deps
    with deps.reader() as uow:
        daily = uow.deliveries.in_states([DeliveryState.PENDING])
        readers = {p.id: p.timezone for p in uow.people.get_many({d.recipient_id for d in daily})}
        together = read_daily(uow, daily, policy=deps.policy, now=NOW)
        alone = {d.id: read_daily(uow, [d], policy=deps.policy, now=NOW)[d.id] for d in daily}
    assert len(daily) == 12
    assert len(set(readers.values())) >= 2  # readers in different time zones
    assert together == alone
    texts = [render_text(reply) for reply in together.values() if reply is not None]
    assert len(texts) == 12
    assert all("Contact:" in text and "Last touch:" in text for text in texts)
