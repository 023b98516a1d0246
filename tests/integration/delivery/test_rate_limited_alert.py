"""A delivery the platform keeps rate-limiting long after its slot is surfaced: in
`deliveries` and as ``nudgebot_outbox_rate_limited`` (the attempts it spends waiting are still
not counted against its retry budget)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.delivery.outbox import Outbox
from bot.ops import metrics
from nudges.model import DeliveryState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

pytestmark = pytest.mark.db


def _scrape(book: Book) -> str:
    collected = metrics.registry(book.deps.reader, book.clock.now)
    return metrics.exposition(collected).decode()


def test_a_delivery_rate_limited_for_hours_shows_in_deliveries_and_metrics(book: Book) -> None:
    slot = START
    book.add_digests(recipients=[book.maria], count=1, slot=slot)
    fake = FakePlatform()
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: fake}, worker="w")

    book.clock.set(slot + timedelta(minutes=30))
    fake.fail_next("rate_limited", retry_after=600)
    asyncio.run(outbox.drain(now=book.clock.now()))
    assert "nudgebot_outbox_rate_limited 0.0" in _scrape(book)  # not long yet
    assert "held back" not in book.say("deliveries")

    book.clock.set(slot + timedelta(hours=3))
    fake.fail_next("rate_limited", retry_after=600)
    asyncio.run(outbox.drain(now=book.clock.now()))

    (delivery,) = book.deliveries()
    assert delivery.state is DeliveryState.PENDING
    assert delivery.attempts == 0  # waiting on a rate limit spends no attempt
    assert "nudgebot_outbox_rate_limited 1.0" in _scrape(book)
    shown = book.say("deliveries")
    assert "held back by console's rate limits for 3 hours" in shown
