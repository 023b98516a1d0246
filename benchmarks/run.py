"""The benchmark: books of 10k, 100k and 1M customers made by ``nudgebot demo`` (one salesperson
per 100 customers), on SQLite and on PostgreSQL. Prints one table.

    python -m benchmarks.run                       # 10k, 100k and 1M on both databases
    python -m benchmarks.run --sizes 10k           # what CI runs
    python -m benchmarks.run --sizes 1m --databases postgresql --profile-dir /tmp/prof

For each book: the sweep with ~1% and with ~10% of customers due (each in a fresh process: its
time and peak resident memory), the floor (the same database handing over the rows that sweep
needs, by raw SQL, in the same run) and the ratio sweep / floor; /touch latency through the Slack
HTTP endpoint at 50 concurrent clients while a sweep runs; and the outbox draining 10,000
daily messages that are sendable now (on a 10k book of its own) through a platform that admits
a fixed rate, until each is sent or failed. Databases: SQLite files in a temporary directory;
PostgreSQL databases created (and dropped) on ``--postgres`` (default: the local server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import imports, natural
from benchmarks.touch import TouchResult, measure_touch

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ROOT = Path(__file__).resolve().parent.parent
#: The drain's own book: 100 salespeople, of whose customers about 13% are quiet on a given day.
DRAIN_BOOK = 10_000


class PartFailed(RuntimeError):
    pass


def run_part(part: str, *, db: str, now: str, verbose: bool, **options: Any) -> dict[str, Any]:
    """Run ``benchmarks.parts PART`` in a fresh interpreter and return its RESULT."""
    command = [sys.executable, "-m", "benchmarks.parts", part, "--db", db, "--now", now]
    for key, value in options.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if verbose or done.returncode != 0:
        sys.stderr.write(done.stderr)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    raise PartFailed(f"{part} failed (exit {done.returncode}): {done.stderr[-2000:]}")


@contextmanager
def database(kind: str, size: str, *, workdir: Path, postgres: str, keep: bool) -> Iterator[str]:
    if kind == "sqlite":
        path = workdir / f"bench-{size}.db"
        yield f"sqlite:///{path}"
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"nudgebot_bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_book(
    kind: str, size: str, *, args: argparse.Namespace, workdir: Path, now: str
) -> list[dict[str, Any]]:
    customers = SIZES[size]
    rows: list[dict[str, Any]] = []
    with database(kind, size, workdir=workdir, postgres=args.postgres, keep=args.keep) as url:
        part_options = {"db": url, "now": now, "verbose": args.verbose}
        made = run_part("demo", customers=customers, **part_options)
        print(
            f"[{kind} {size}] demo: {made['seconds']:.1f}s, peak {made['peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )
        for share in args.shares:
            prepared = run_part("prepare", share=share, **part_options)
            floor = run_part("floor", **part_options)
            profile = None
            if args.profile_dir:
                profile = str(Path(args.profile_dir) / f"sweep-{kind}-{size}-{share:g}.prof")
            swept = run_part("sweep", profile=profile, **part_options)
            row = {
                "database": kind,
                "size": size,
                "demo_s": made["seconds"],
                "demo_mb": made["peak_rss_mb"],
                "share": share,
                "due": prepared["due"],
                "floor_s": floor["seconds"],
                "floor_rows_s": floor["rows_s"],
                "floor_rows": sum(floor["rows"].values()),
                "sweep_s": swept["seconds"],
                "sweep_mb": swept["peak_rss_mb"],
                "nudges": swept["nudges"],
                "deliveries": swept["deliveries"],
            }
            rows.append(row)
            print(f"[{kind} {size}] {json.dumps(row)}", file=sys.stderr)
        if not args.skip_touch:
            try:
                touch = asyncio.run(
                    measure_touch(
                        url=url,
                        now_iso=now,
                        run_part=lambda part, **o: run_part(part, **part_options, **o),
                        clients=args.clients,
                        paced_rate=args.touch_rate or None,
                    )
                )
            except (OSError, PartFailed) as exc:
                touch = TouchResult(False, f"not measured: {type(exc).__name__}: {exc}"[:300])
            rows[-1]["touch"] = touch
            print(f"[{kind} {size}] /touch: {_touch_text(touch)}", file=sys.stderr)
    return rows


def _natural(kind: str, size: str, *, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with database(
        kind, f"natural-{size}", workdir=workdir, postgres=args.postgres, keep=args.keep
    ) as url:
        row = natural.bench_natural(
            kind,
            size,
            SIZES[size],
            url=url,
            run_part=lambda part, **o: run_part(part, db=url, verbose=args.verbose, **o),
            profile_dir=args.profile_dir,
        )
    print(f"[{kind} {size}] natural: {json.dumps(row)}", file=sys.stderr)
    return row


def bench_drain(kind: str, *, args: argparse.Namespace, workdir: Path, now: str) -> dict[str, Any]:
    with database(kind, "drain", workdir=workdir, postgres=args.postgres, keep=args.keep) as url:
        part_options = {"db": url, "now": now, "verbose": args.verbose}
        run_part("demo", customers=DRAIN_BOOK, **part_options)
        return run_part("drain", count=args.drain_count, rate=args.drain_rate, **part_options)


def _touch_text(touch: TouchResult) -> str:
    if not touch.measured:
        return touch.reason
    ack50, ack99 = touch.percentile("ack", 50), touch.percentile("ack", 99)
    p50, p99 = touch.percentile("handled", 50), touch.percentile("handled", 99)
    load = (
        f"paced {touch.rate:g}/s"
        if touch.rate
        else f"closed loop, {touch.throughput:.0f}/s handled"
    )
    text = (
        f"{load}: handled p50 {p50:.0f} ms, p99 {p99:.0f} ms (ack p50 {ack50:.0f} ms, "
        f"p99 {ack99:.0f} ms); {touch.requests} requests, {touch.errors} errors, during a "
        f"{touch.sweep_seconds or 0:.1f}s sweep"
    )
    if touch.paced is not None:
        text += "\n" + " " * 18 + _touch_text(touch.paced)
    return text


def print_table(rows: list[dict[str, Any]], drains: dict[str, dict[str, Any]]) -> None:
    header = (
        f"{'database':<10} {'book':>5} {'demo':>8} {'demo MB':>7} {'due':>4} {'customers':>9} "
        f"{'floor':>8} {'sweep':>8} {'ratio':>6} {'rows':>6} {'sweep MB':>8} {'nudges':>7}"
    )
    print()
    print(
        "Sweep (fresh process per run; floor = raw SQL for the rows that sweep needs and the "
        "touch and pitch counts of the facts it keeps; rows: the ratio to the rows alone)"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = r["sweep_s"] / r["floor_s"] if r["floor_s"] else float("inf")
        to_rows = r["sweep_s"] / r["floor_rows_s"] if r["floor_rows_s"] else float("inf")
        print(
            f"{r['database']:<10} {r['size']:>5} {r['demo_s']:>7.1f}s {r['demo_mb']:>7.0f} "
            f"{r['share']:>4.0%} {r['due']:>9} {r['floor_s']:>7.2f}s {r['sweep_s']:>7.2f}s "
            f"{ratio:>5.1f}x {to_rows:>5.1f}x {r['sweep_mb']:>8.0f} {r['nudges']:>7}"
        )
    touches = [(r["database"], r["size"], r["touch"]) for r in rows if "touch" in r]
    if touches:
        print()
        print("/touch through POST /slack/events, 50 concurrent clients, while a 10% sweep runs")
        for kind, size, touch in touches:
            print(f"{kind:<10} {size:>5}  {_touch_text(touch)}")
    if drains:
        print()
        print("Outbox drain through a rate-limited platform")
        for kind, d in drains.items():
            print(f"{kind:<10} {_drain_text(d)}")


def _drain_text(d: dict[str, Any]) -> str:
    text = (
        f"{d['sent']} of {d['deliveries']} messages sent in {d['seconds']:.1f}s "
        f"({d['recipients']} recipients): {d['achieved_per_second']:.0f}/s of a "
        f"{d['limit_per_second']:.0f}/s limit ({d['share_of_limit']:.0%}); "
        f"{d['rate_limited']} refused by the limit, {d['retried']} retried, "
        f"{d['failed']} failed; peak {d['peak_rss_mb']:.0f} MB"
    )
    if d["nothing_to_say"]:
        text += f"; {d['nothing_to_say']} recorded sent with nothing left to say (not sent)"
    if d["left"]:
        why = "; ".join(f"{n} {reason}" for reason, n in d["left_why"].items())
        text += f"; {d['left']} LEFT UNSENT ({why})"
    return text


def book_now(real: datetime) -> datetime:
    """The book's present: the next Wednesday noon (UTC) at least half a day ahead of the clock.
    Mid-week, so no weekly manager digest is due (its cost is the whole team's book, once a
    week: measured apart); ahead of the real clock, so the server under the /touch test, which
    sweeps on the real clock, finds nothing due of its own."""
    day = (real + timedelta(days=1)).date()
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="10k,100k,1m", help="of 10k, 100k, 1m")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("NUDGEBOT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="an admin URL of the PostgreSQL server (CREATE DATABASE)",
    )
    parser.add_argument("--shares", default="0.01,0.1", help="shares of customers due")
    parser.add_argument(
        "--scenarios",
        default="random,natural",
        help="random (a share of the book marked due), natural (the book as made, Monday)",
    )
    parser.add_argument("--clients", type=int, default=50, help="/touch clients")
    parser.add_argument(
        "--touch-rate",
        type=float,
        default=20.0,
        help="/touch requests a second sent by the same clients at random moments, after the "
        "closed loop (0: leave out)",
    )
    parser.add_argument("--skip-touch", action="store_true", help="leave /touch out")
    parser.add_argument("--skip-drain", action="store_true", help="leave the outbox out")
    parser.add_argument("--drain-count", type=int, default=10_000, help="deliveries")
    parser.add_argument("--drain-rate", type=float, default=200.0, help="platform sends/s")
    parser.add_argument("--profile-dir", help="write a cProfile of each sweep here")
    parser.add_argument("--workdir", help="where SQLite files go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--verbose", action="store_true", help="show each part's output")
    parser.add_argument("--skip-import", action="store_true", help="leave the CRM import out")
    parser.add_argument(
        "--import-rows",
        default=None,
        help="customers,touches in the CRM files of the import benchmark (default: 100000,500000 "
        "with a size of 100k or more, else 10000,50000)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    kinds = [d.strip().lower() for d in args.databases.split(",") if d.strip()]
    args.shares = [float(s) for s in args.shares.split(",") if s.strip()]
    if unknown := [s for s in sizes if s not in SIZES] + [
        k for k in kinds if k not in ("sqlite", "postgresql")
    ]:
        parser.error(f"unknown size or database: {', '.join(unknown)}")
    if args.profile_dir:
        Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
    now = book_now(datetime.now(UTC)).isoformat()
    rows: list[dict[str, Any]] = []
    drains: dict[str, dict[str, Any]] = {}
    imported: list[dict[str, Any]] = []
    naturals: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="nudgebot-bench-") as temp:
        workdir = Path(args.workdir or temp)
        workdir.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            for size in sizes:
                if "random" in args.scenarios:
                    rows += bench_book(kind, size, args=args, workdir=workdir, now=now)
                if "natural" in args.scenarios:
                    naturals.append(_natural(kind, size, args=args, workdir=workdir))
            if not args.skip_drain:
                drains[kind] = bench_drain(kind, args=args, workdir=workdir, now=now)
                print(f"[{kind}] drain: {json.dumps(drains[kind])}", file=sys.stderr)
        if not args.skip_import:
            large = any(SIZES[s] >= 100_000 for s in sizes)
            chosen = args.import_rows or ("100000,500000" if large else "10000,50000")
            customers, touches = (int(n) for n in chosen.split(","))
            imported = imports.run_for(
                kinds, postgres=args.postgres, workdir=workdir, customers=customers, touches=touches
            )
    if rows or drains:
        print_table(rows, drains)
    if naturals:
        natural.print_natural(naturals)
    if imported:
        imports.print_table(imported)
    return 0


if __name__ == "__main__":
    sys.exit(main())
