"""The outbox drain, measured: a morning's messages (:mod:`benchmarks.outbox`) sent through a
platform that admits a fixed number of sends a second, until every one is sent or failed.

What it reports is read back from the outbox, not assumed: the messages the platform accepted,
the ones the outbox recorded as sent with nothing left to say (never sent), failed and
unreachable, and any left unsent at the deadline with their state and last error."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any

from sqlalchemy import Connection, func, select, text

from benchmarks.outbox import load_deliveries
from benchmarks.platform import TokenBucketPlatform
from bot.bootstrap import Container
from bot.delivery.outbox import DrainResult, Outbox
from nudges.model import DeliveryState, Platform
from storage.tables import delivery_t

FINISHED = (DeliveryState.SENT.value, DeliveryState.FAILED.value, DeliveryState.UNREACHABLE.value)
#: Between two drains that found nothing to claim: at least this, at most the longest wait.
MIN_PAUSE_SECONDS = 0.005
MAX_PAUSE_SECONDS = 0.25
#: The drain is given up when no delivery has been sent or failed for this long.
STALL_SECONDS = 60.0


def clear_outbox(connection: Connection) -> None:
    """Forget what earlier runs wrote: the outbox and every nudge not acted on."""
    connection.execute(text("DELETE FROM delivery_item"))
    connection.execute(text("DELETE FROM delivery"))
    connection.execute(text("DELETE FROM nudge WHERE state <> 'done'"))


@dataclass
class Tally:
    retried: int = 0  # tried again later (rate limits included)
    failed: int = 0
    unreachable: int = 0

    def add(self, drained: DrainResult) -> None:
        self.retried += drained.retried
        self.failed += drained.failed
        self.unreachable += drained.unreachable


async def measure_drain(
    container: Container, *, count: int, rate: float, stall_seconds: float = STALL_SECONDS
) -> dict[str, Any]:
    """Empty the outbox, load ``count`` sendable messages, and drain until each is sent or
    failed; stop early only when none has been finished for ``stall_seconds`` (what is left
    then is reported, with why)."""
    with container.engine.begin() as connection:
        clear_outbox(connection)
    loaded = load_deliveries(container, count=count)
    platform = TokenBucketPlatform(rate=rate)
    outbox = Outbox(container.deps, {p: platform for p in Platform}, worker="bench")
    tally = Tally()
    started = last_progress = perf_counter()
    left = loaded.deliveries
    while True:
        drained = await outbox.drain()
        tally.add(drained)
        unfinished, earliest = await asyncio.to_thread(_unfinished, container)
        if unfinished < left:
            left, last_progress = unfinished, perf_counter()
        if not unfinished or perf_counter() - last_progress >= stall_seconds:
            break
        if not drained.sent and not drained.retried and not drained.failed:
            # Nothing was ready: what is left waits for its next attempt (a rate limit, a
            # backoff). Come back then, not in a busy loop of claims.
            await asyncio.sleep(_pause(container, earliest))
    seconds = perf_counter() - started
    states = await asyncio.to_thread(_states, container)
    unsent = {why: n for why, n in states.items() if not why.startswith(FINISHED)}
    achieved = platform.sent / seconds if seconds else 0.0
    return {
        "deliveries": loaded.deliveries,
        "recipients": loaded.recipients,
        "customers": loaded.customers,
        "seconds": seconds,
        "sent": platform.sent,
        "nothing_to_say": states.get("sent, nothing left to say", 0),
        "rate_limited": platform.refused,
        "retried": tally.retried,
        "failed": tally.failed + tally.unreachable,
        "left": sum(unsent.values()),
        "left_why": unsent,
        "limit_per_second": rate,
        "achieved_per_second": achieved,
        "share_of_limit": achieved / rate,
    }


def _pause(container: Container, earliest: datetime | None) -> float:
    if earliest is None:  # held under a lease: look again soon
        return MAX_PAUSE_SECONDS
    wait = (earliest - container.deps.clock.now()).total_seconds()
    return min(max(wait, MIN_PAUSE_SECONDS), MAX_PAUSE_SECONDS)


def _unfinished(container: Container) -> tuple[int, datetime | None]:
    """How many deliveries are neither sent nor failed, and the earliest next attempt of the
    pending ones."""
    with container.deps.reader() as uow:
        waiting = uow.deliveries.in_states([DeliveryState.PENDING, DeliveryState.SENDING])
    pending = [d.next_attempt_at for d in waiting if d.state is DeliveryState.PENDING]
    return len(waiting), min(pending, default=None)


def _states(container: Container) -> dict[str, int]:
    """Every delivery by what became of it: ``sent``, ``sent, nothing left to say``,
    ``failed: <error>``, ``pending: <last error>``..."""
    ref_is_empty = func.coalesce(delivery_t.c.message_ref, "") == ""
    with container.engine.connect() as connection:
        rows = connection.execute(
            select(delivery_t.c.state, ref_is_empty.label("empty"), delivery_t.c.last_error)
        ).all()
        connection.rollback()
    found: Counter[str] = Counter()
    for state, empty, error in rows:
        if state == DeliveryState.SENT.value:
            found["sent, nothing left to say" if empty else "sent"] += 1
        else:
            found[f"{state}: {error or 'not tried yet'}"[:120]] += 1
    return dict(found)
