"""``kill -9`` of a bot process in the middle of a batch, then a restart: every delivery is sent
exactly once. The killed worker's lease keeps its batch from other workers until it expires;
the delivery it had handed to the platform when it died is found there, not sent again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from nudges.model import DeliveryKind, DeliveryState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book, run_python

SLOT = START + timedelta(hours=1)
BATCH = 50
HANG_AT = 30  # the 30th send of the first batch: accepted by the platform, then the kill


def start_worker(
    database: str, record: Path, *, name: str, now: datetime, hang_after: int = 0
) -> subprocess.Popen[str]:
    args = ["-m", "tests.integration.delivery.worker", "--record", str(record)]
    args += ["--name", name, "--now", now.isoformat(), "--batch", str(BATCH), "--delay", "0.002"]
    if hang_after:
        args += ["--hang-after", str(hang_after)]
    return run_python(args, database=database)


def finish(worker: subprocess.Popen[str]) -> None:
    _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err


def wait_for_sends(platform: FakePlatform, count: int, worker: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while len(platform.sent) < count:
        if worker.poll() is not None:
            pytest.fail(f"the worker ended early: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail(f"only {len(platform.sent)} sends after 30 s")
        time.sleep(0.01)


def test_kill_9_mid_batch_then_restart_sends_every_delivery_exactly_once(
    book: Book, database: str, tmp_path: Path
) -> None:
    # A real daily message from the sweep, and colleagues' ready-made messages: 120 in all.
    book.say('customer add "Acme" tier=key last=2026-01-05')
    book.say('customer add "Beta" tier=key last=2026-01-06')
    book.clock.set(SLOT - timedelta(minutes=5))
    planned = sweep(book.deps, now=SLOT - timedelta(minutes=5))
    assert [(who, slot, n) for who, slot, n, _ in planned.deliveries] == [
        (book.maria.person.id, SLOT, 2)
    ]
    colleagues = [book.join(f"u{i}", f"Colleague {i}") for i in range(4)]
    book.add_digests(recipients=colleagues, count=119, slot=SLOT)
    deliveries = book.deliveries()
    ids = [d.id for d in sorted(deliveries, key=lambda d: d.id)]
    assert len(ids) == 120
    assert deliveries[0].kind is DeliveryKind.NUDGES

    record = tmp_path / "sends.db"
    platform = FakePlatform(record_path=record)

    # The first worker claims a batch of 50, gets 30 messages accepted, and is killed while the
    # 30th is on its way back: the platform has it, the outbox does not know.
    first = start_worker(database, record, name="first", now=SLOT, hang_after=HANG_AT)
    wait_for_sends(platform, HANG_AT, first)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL

    assert [s.delivery_id for s in platform.sent] == ids[:HANG_AT]
    by_id = {d.id: d for d in book.deliveries()}
    assert [i for i in ids if by_id[i].state is DeliveryState.SENT] == ids[: HANG_AT - 1]
    in_flight = ids[HANG_AT - 1 : BATCH]
    assert [i for i in ids if by_id[i].state is DeliveryState.SENDING] == in_flight
    assert [i for i in ids if by_id[i].state is DeliveryState.PENDING] == ids[BATCH:]

    # Another worker (here, in this process) right away: the pending ones go; the dead
    # worker's batch waits for its lease to expire.
    lease = timedelta(seconds=book.container.settings.delivery.lease_seconds)
    other = Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="other")
    drained = asyncio.run(other.drain(now=SLOT + timedelta(seconds=30)))
    assert len(drained.sent) == len(ids) - BATCH
    assert platform.duplicates() == {}
    assert len(platform.sent) == HANG_AT + len(ids) - BATCH
    assert {d.id for d in book.deliveries() if d.state is DeliveryState.SENDING} == set(in_flight)

    # The bot restarted after the lease has expired takes the batch over; the 30th is found,
    # not sent again.
    finish(
        start_worker(database, record, name="restarted", now=SLOT + lease + timedelta(seconds=1))
    )
    assert platform.duplicates() == {}
    assert sorted(s.delivery_id for s in platform.sent) == ids
    after = {d.id: d for d in book.deliveries()}
    assert {d.state for d in after.values()} == {DeliveryState.SENT}
    for sent in platform.sent:
        assert after[sent.delivery_id].message_ref == sent.message_ref
    hung = after[ids[HANG_AT - 1]]
    assert hung.attempts == 2
    assert [s.pid for s in platform.sends_of(hung.id)] == [first.pid]

    # Maria's message carried her two nudges, and they are now delivered, not open.
    [mine] = platform.sent_to(book.maria.person.id)
    assert [i.title.split(" — ")[0] for i in mine.reply.sections[0].items] == ["Acme", "Beta"]
    with book.deps.uow() as uow:
        assert uow.nudges.for_recipient(book.maria.person.id) == []
