"""How long a request waits for SQLite's write lock while a sweep runs.

Builds a demo book (``nudgebot demo``) in a SQLite file, makes every customer due, and runs
one sweep; meanwhile a thread logs touches on customers one after another, as people would,
and measures how long each waited to begin its write transaction (``BEGIN IMMEDIATE``). Each
sweep batch reads and decides without the write lock and takes it only to write; once it has
met another writer, batches of ``bot.delivery.turns.SQLITE_BATCH`` customers hold the lock
from their start and pause after themselves (``bot.delivery.turns.Turns``). The worst wait
should stay far below the busy timeout (``storage.engine.SQLITE_BUSY_TIMEOUT_MS``, 10 s), after
which the request would be retried and, failing that, answered with an error.

    .venv/bin/python -m benchmarks.sqlite_lock --customers 20000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text, update

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery import sweep as sweeping
from storage.engine import SQLITE_BUSY_TIMEOUT_MS
from storage.tables import customer_t


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.sqlite_lock")
    parser.add_argument("--customers", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'book.db'}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "demo",
                "--db",
                url,
                "--customers",
                str(args.customers),
            ],
            check=True,
            capture_output=True,
        )
        now = datetime.now(UTC) + timedelta(days=40)
        container = build(Settings(database_url=url), clock=FixedClock(now))
        with container.engine.begin() as connection:
            connection.execute(update(customer_t).values(next_due_at=now - timedelta(days=1)))
            ids = list(connection.execute(select(customer_t.c.id)).scalars())
        waits: list[float] = []
        done = threading.Event()

        def touches() -> None:
            for customer_id in ids:
                if done.is_set():
                    return
                started = time.perf_counter()
                # BEGIN IMMEDIATE when the transaction begins: the wait for the write lock
                with container.engine.connect() as connection, connection.begin():
                    waits.append(time.perf_counter() - started)
                    connection.execute(
                        text("UPDATE customer SET min_gap_days = min_gap_days WHERE id = :id"),
                        {"id": customer_id},
                    )
                time.sleep(0.01)

        toucher = threading.Thread(target=touches)
        toucher.start()
        started = time.perf_counter()
        result = sweeping.sweep(container.deps, now=now)
        swept = time.perf_counter() - started
        done.set()
        toucher.join()
        container.close()
    waits.sort()
    print(f"sweep of {result.customers} customers: {swept:.1f} s")
    print(
        f"touches during the sweep: {len(waits)}; wait for the write lock: "
        f"median {waits[len(waits) // 2] * 1000:.0f} ms, "
        f"p99 {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, worst {waits[-1] * 1000:.0f} ms "
        f"(busy timeout {SQLITE_BUSY_TIMEOUT_MS} ms)"
    )


if __name__ == "__main__":
    main()
