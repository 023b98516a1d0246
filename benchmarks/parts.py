"""One measured part of the benchmark, run in a fresh process so that its peak resident memory
(``ru_maxrss``) is its own: ``python -m benchmarks.parts PART --db URL --now ISO [options]``.

The last line of the output is ``RESULT {json}`` with at least ``seconds`` and ``peak_rss_mb``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import bindparam, text

from benchmarks import home, natural
from bot.config import Settings
from bot.config.loader import parse_settings
from bot.demo.generate import peak_rss_mb
from storage import make_engine
from storage.types import UTCDateTime

Result = dict[str, Any]

# Every due customer and the rows the sweep reads for it, answered by the database alone.
FLOOR_QUERIES = {
    "customers": "SELECT * FROM customer c WHERE c.next_due_at <= :now "
    "ORDER BY c.next_due_at, c.id",
    "tags": "SELECT t.* FROM customer_tag t JOIN customer c ON c.id = t.customer_id "
    "WHERE c.next_due_at <= :now",
    "owners": "SELECT p.* FROM person p WHERE p.id IN "
    "(SELECT c.owner_id FROM customer c WHERE c.next_due_at <= :now)",
    "contacts": "SELECT k.* FROM contact k JOIN customer c ON c.id = k.customer_id "
    "WHERE c.next_due_at <= :now",
    "dates": "SELECT d.* FROM important_date d JOIN customer c ON c.id = d.customer_id "
    "WHERE c.next_due_at <= :now",
    "events": "SELECT e.* FROM life_event e JOIN customer c ON c.id = e.customer_id "
    "WHERE c.next_due_at <= :now",
    "touches": "SELECT t.* FROM touchpoint t JOIN customer c ON c.id = t.customer_id "
    "WHERE c.next_due_at <= :now AND t.at >= :since",
    "nudges": "SELECT n.customer_id, n.dedupe_key, n.state, n.snoozed_until FROM nudge n "
    "JOIN customer c ON c.id = n.customer_id WHERE c.next_due_at <= :now",
}

_DUE = "SELECT c.id FROM customer c WHERE c.next_due_at <= :now"
# What the facts kept with each decision are worked out from (``StatsRepository.touch_counts``
# and ``pitch_counts``), counted by the database as the sweep has it count them: every touch
# and pitch of each due customer is read, though only the counts are handed over.
COUNT_FLOOR_QUERIES = {
    "touch counts": "SELECT t.customer_id, "
    "sum(CASE WHEN t.at >= :period AND t.at < :now THEN 1 ELSE 0 END), "
    "sum(CASE WHEN t.at >= :previous AND t.at < :period THEN 1 ELSE 0 END), "
    "sum(CASE WHEN t.at >= :last_90 AND t.at < :now THEN 1 ELSE 0 END), "
    "sum(CASE WHEN t.at >= :previous_90 AND t.at < :last_90 THEN 1 ELSE 0 END), "
    "count(DISTINCT t.contact_id), "
    "count(DISTINCT CASE WHEN t.at >= :threads THEN t.contact_id END) "
    f"FROM touchpoint t WHERE t.customer_id IN ({_DUE}) GROUP BY t.customer_id",
    "pitch counts": "SELECT p.customer_id, p.state, count(*) FROM pitch p "
    f"WHERE p.customer_id IN ({_DUE}) GROUP BY p.customer_id, p.state",
}


class TreeMemory:
    """The most resident memory this process and its descendants held at once, sampled every
    0.2 s from ``/proc`` (None where there is no ``/proc``)."""

    def __init__(self) -> None:
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        if Path("/proc/self/status").exists():
            self.peak_mb = 0.0
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            total = sum(_rss_mb(pid) for pid in _tree(me))
            self.peak_mb = max(self.peak_mb or 0.0, total)


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            continue
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def settings_of(args: argparse.Namespace) -> Settings:
    workers = getattr(args, "decide_workers", 0)
    return parse_settings(
        {"scheduler": {"decide_workers": workers}},
        env={"NUDGEBOT_DATABASE_URL": args.db},
        source="benchmark",
    )


_settings = settings_of


def _now(args: argparse.Namespace) -> datetime:
    return datetime.fromisoformat(args.now)


def demo(args: argparse.Namespace) -> Result:
    """``nudgebot demo`` itself, in this process."""
    from bot.cli import main

    command = ["demo", "--customers", str(args.customers), "--db", args.db, "--now", args.now]
    command += ["--seed", str(args.seed)]
    report = io.StringIO()
    started = perf_counter()
    with contextlib.redirect_stdout(report):
        status = main(command)
    seconds = perf_counter() - started
    print(report.getvalue(), file=sys.stderr)
    if status != 0:
        raise SystemExit(status)
    return {"seconds": seconds}


def prepare(args: argparse.Namespace) -> Result:
    """Make a random ``--share`` of customers due (the rest far from due), forget what earlier
    runs wrote (open nudges, deliveries), and leave the offer for later, so the sweep measured
    next decides exactly the chosen customers."""
    from benchmarks.drain import clear_outbox

    now = _now(args)
    per_mille = round(args.share * 1000)
    engine = make_engine(args.db)
    started = perf_counter()
    try:
        with engine.begin() as connection:
            clear_outbox(connection)
            connection.execute(
                text(
                    "UPDATE customer SET next_due_at = CASE "
                    "WHEN (id * 2654435761 + :salt) % 1000 < :per_mille THEN :due ELSE :later END "
                    "WHERE archived = :no"
                ).bindparams(
                    bindparam("due", type_=UTCDateTime()), bindparam("later", type_=UTCDateTime())
                ),
                {
                    "salt": args.seed,
                    "per_mille": per_mille,
                    "due": now - timedelta(hours=1),
                    "later": now + timedelta(days=30),
                    "no": False,
                },
            )
            connection.execute(
                text("UPDATE offer SET next_due_at = :later").bindparams(
                    bindparam("later", type_=UTCDateTime())
                ),
                {"later": now + timedelta(days=1)},
            )
            due = connection.scalar(
                text("SELECT count(*) FROM customer WHERE next_due_at <= :now").bindparams(
                    bindparam("now", type_=UTCDateTime())
                ),
                {"now": now},
            )
        _vacuum(engine)
    finally:
        engine.dispose()
    return {"seconds": perf_counter() - started, "due": int(due or 0)}


def _vacuum(engine: Any) -> None:
    """PostgreSQL: clean the dead rows a million-row update leaves and refresh statistics."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("customer", "nudge", "delivery", "delivery_item"):
            connection.execute(text(f"VACUUM ANALYZE {table}"))


def floor(args: argparse.Namespace) -> Result:
    """The database's own time to hand over every row the sweep needs."""
    engine = make_engine(args.db)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))  # connect before the clock starts
            found = floor_reads(connection, now=_now(args), policy=_settings(args).policy)
            connection.rollback()
    finally:
        engine.dispose()
    return found


def floor_instants(now: datetime, policy: Any) -> dict[str, datetime]:
    """The instants the floor's queries take (those the sweep reads and counts with)."""
    day = timedelta(days=1)
    period = policy.digest_period_days * day
    return {
        "now": now,
        "since": now - max(policy.ritual_variety_days, 1) * day,
        "period": now - period,
        "previous": now - 2 * period,
        "last_90": now - 90 * day,
        "previous_90": now - 180 * day,
        "threads": now - policy.single_threaded_days * day,
    }


def floor_query(sql: str, instants: dict[str, datetime]) -> tuple[Any, dict[str, datetime]]:
    """One of the floor's queries, with the instants it names."""
    used = {k: v for k, v in instants.items() if f":{k}" in sql}
    return text(sql).bindparams(*(bindparam(k, type_=UTCDateTime()) for k in used)), used


def floor_reads(connection: Any, *, now: datetime, policy: Any) -> Result:
    """``FLOOR_QUERIES`` and ``COUNT_FLOOR_QUERIES`` at ``now``: ``seconds`` in all, and
    ``rows_s`` and ``counts_s`` for each kind; rows (or groups) each query returned."""
    instants = floor_instants(now, policy)
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for kind, queries in (("rows_s", FLOOR_QUERIES), ("counts_s", COUNT_FLOOR_QUERIES)):
        started = perf_counter()
        for name, sql in queries.items():
            rows[name] = len(connection.execute(*floor_query(sql, instants)).fetchall())
        seconds[kind] = perf_counter() - started
    return {"seconds": sum(seconds.values()), **seconds, "rows": rows}


def sweep(args: argparse.Namespace) -> Result:
    """One full sweep at ``--now``, as the scheduler runs it."""
    from bot.bootstrap import build
    from bot.delivery.sweep import sweep as run_sweep

    now = _now(args)
    container = build(_settings(args), auto_migrate=False)
    profiler = cProfile.Profile() if args.profile else None
    try:
        started = perf_counter()
        if profiler is not None:
            profiler.enable()
        result = run_sweep(container.deps, now=now)
        if profiler is not None:
            profiler.disable()
        seconds = perf_counter() - started
    finally:
        container.close()
    if profiler is not None:
        profiler.dump_stats(args.profile)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    return {
        "seconds": seconds,
        "customers": result.customers,
        "offers": result.offers,
        "nudges": result.nudges,
        "deliveries": len(result.deliveries),
        "digests": len(result.digests),
    }


def drain(args: argparse.Namespace) -> Result:
    """``--count`` sendable daily messages through a platform that admits ``--rate`` sends a
    second, until each is sent or failed (:mod:`benchmarks.drain`)."""
    return asyncio.run(_drain(args))


async def _drain(args: argparse.Namespace) -> Result:
    from benchmarks.drain import measure_drain
    from bot.bootstrap import build

    container = build(_settings(args), auto_migrate=False)
    try:
        return await measure_drain(container, count=args.count, rate=args.rate)
    finally:
        container.close()


PARTS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "demo": demo,
    "prepare": prepare,
    "floor": floor,
    "sweep": sweep,
    "drain": drain,
    **natural.PARTS,
    "slack-home": home.slack_home,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parts")
    parser.add_argument("part", choices=sorted(PARTS))
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--profile", metavar="FILE", help="sweep: write a cProfile here")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument(
        "--decide-workers",
        type=int,
        default=0,
        help="scheduler.decide_workers: 0 one per core, 1 deciding in the sweep's process",
    )
    args = parser.parse_args(argv)
    with TreeMemory() as tree:
        result = PARTS[args.part](args)
    result["peak_rss_mb"] = peak_rss_mb()
    # The largest worker process a sweep started (``bot.delivery.deciders``), if any, and the
    # most this process and the ones it started held at once (sampled; Linux only).
    result["worker_peak_rss_mb"] = peak_rss_mb(children=True)
    result["tree_peak_rss_mb"] = tree.peak_mb
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
