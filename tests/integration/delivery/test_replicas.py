"""Several bot processes on one database: each delivery is sent once, and each recipient gets
one message per slot, however the sweeps and the claims interleave."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.delivery.sweep import SweepResult, sweep
from bot.services.context import Actor, Deps
from nudges.model import DeliveryKind, DeliveryState
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book, run_python

SLOT = START + timedelta(hours=1)
PLANNED_AT = SLOT - timedelta(minutes=5)


def postgres_only(database: str) -> None:
    if not database.startswith("postgresql"):
        pytest.skip(
            "replicas share a PostgreSQL database (FOR UPDATE SKIP LOCKED); SQLite is the "
            "single-process store, its claims are covered by the other outbox tests"
        )


def quiet_book(book: Book, people: int) -> list[Actor]:
    """``people`` salespeople with two customers each that turn amber overnight: due at the
    next sweep, decided by that sweep (not when they were added)."""
    book.clock.set(START - timedelta(days=10))
    team = [book.join(f"u{i}", f"Seller {i}") for i in range(people)]
    for n, seller in enumerate(team):
        book.say(f'customer add "Alpha {n}" tier=key last=2026-01-05', actor=seller)
        book.say(f'customer add "Omega {n}" tier=key last=2026-01-05', actor=seller)
    book.clock.set(PLANNED_AT)
    return team


def assert_one_message_per_recipient(book: Book, team: list[Actor]) -> None:
    deliveries = [d for d in book.deliveries() if d.kind is DeliveryKind.NUDGES]
    assert sorted(d.recipient_id for d in deliveries) == sorted(s.person.id for s in team)
    assert {d.slot_at for d in deliveries} == {SLOT}
    carried: Counter[int] = Counter()
    with book.deps.uow() as uow:
        for d in deliveries:
            nudges = uow.deliveries.nudges_of(d.id)
            assert len(nudges) == 2
            assert {n.recipient_id for n in nudges} == {d.recipient_id}
            carried.update(n.id for n in nudges if n.id is not None)
    assert set(carried.values()) == {1}  # no nudge rides in two messages


def test_two_sweeps_at_the_same_instant_write_one_delivery_per_recipient_per_slot(
    book: Book,
) -> None:
    team = quiet_book(book, people=3)
    first = sweep(book.deps, now=PLANNED_AT)
    second = sweep(book.deps, now=PLANNED_AT)
    assert first.customers == 6
    assert len(first.deliveries) == 3
    assert second.deliveries == []
    assert_one_message_per_recipient(book, team)


def test_two_replicas_sweeping_concurrently_write_one_delivery_per_recipient_per_slot(
    book: Book, database: str
) -> None:
    postgres_only(database)
    team = quiet_book(book, people=30)
    replica = build(book.container.settings, clock=FixedClock(PLANNED_AT), pool_size=4)
    start = threading.Barrier(2)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def run(deps: Deps) -> None:
        start.wait()
        try:
            results.append(sweep(deps, now=PLANNED_AT))
        except BaseException as exc:  # reported below, with the other replica's outcome
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(deps,)) for deps in (book.deps, replica.deps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    replica.close()
    assert errors == []
    assert sum(len(r.deliveries) for r in results) == len(team)
    assert sum(r.customers for r in results) >= 2 * len(team)
    assert_one_message_per_recipient(book, team)


def test_three_worker_processes_drain_2000_deliveries_each_sent_exactly_once(
    book: Book, database: str, tmp_path: Path
) -> None:
    postgres_only(database)
    recipients = [book.join(f"u{i}", f"Colleague {i}") for i in range(20)]
    ids = book.add_digests(recipients=recipients, count=2000, slot=SLOT)
    record = tmp_path / "sends.db"
    platform = FakePlatform(record_path=record)
    go = tmp_path / "go"

    names = ("replica-a", "replica-b", "replica-c")
    workers = [
        run_python(
            [
                "-m",
                "tests.integration.delivery.worker",
                *("--record", str(record), "--name", name, "--now", SLOT.isoformat()),
                *("--go", str(go)),
            ],
            database=database,
        )
        for name in names
    ]
    wait_until_ready([Path(f"{go}.{name}.ready") for name in names], workers)
    go.touch()
    summaries = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        summaries.append(json.loads(out.strip().splitlines()[-1]))

    sends = platform.sent
    assert sorted(s.delivery_id for s in sends) == ids  # each once: no duplicates, none missing
    assert sum(s["sent"] for s in summaries) == 2000
    assert all(s["sent"] > 0 for s in summaries), summaries  # all three took part
    assert {s.pid for s in sends} == {w.pid for w in workers}
    after = {d.id: d for d in book.deliveries()}
    assert {d.state for d in after.values()} == {DeliveryState.SENT}
    assert {d.attempts for d in after.values()} == {1}
    for sent in sends:
        assert after[sent.delivery_id].message_ref == sent.message_ref
        assert after[sent.delivery_id].recipient_id == sent.person_id


def wait_until_ready(flags: list[Path], workers: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in flags):
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"a worker ended before starting: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail("the workers did not get ready within 60 s")
        time.sleep(0.01)
