"""The import benchmark: a CRM export of 100,000 customers and one of 500,000 touches (activity
history), each imported by ``nudgebot import`` in a fresh process on SQLite and PostgreSQL,
with its time, rows a second and peak resident memory.

    python -m benchmarks.imports --customers 100000 --touches 500000
    python -m benchmarks.imports part --db URL --kind customers --file F   # one measured run

The files are written like a HubSpot companies export (owners by e-mail, money as "$120,000",
dates as "2024-05-01 14:03") and a Salesforce activity report (US dates, notes with commas and
quotes); one salesperson per 100 customers.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)


def write_customers(path: Path, count: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Record ID",
                "Company name",
                "Company owner",
                "Create Date",
                "Last Activity Date",
                "Annual Revenue",
                "Country/Region",
                "Type",
                "Industry",
            ]
        )
        for n in range(1, count + 1):
            created = NOW - timedelta(days=rng.randint(30, 3650))
            last = (
                ""
                if rng.random() < 0.2
                else (
                    NOW - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
                ).strftime("%Y-%m-%d %H:%M")
            )
            writer.writerow(
                [
                    n,
                    f"Company {n:07d}, Inc.",
                    f"seller{n % max(1, count // 100)}@example.com",
                    created.strftime("%Y-%m-%d %H:%M"),
                    last,
                    f"${rng.randint(1, 5000) * 1000:,}",
                    rng.choice(("United States", "Germany", "France", "UK")),
                    rng.choice(("Customer", "Partner", "Reseller", "Vendor")),
                    rng.choice(("Computer Software", "Manufacturing", "Retail")),
                ]
            )


def write_touches(path: Path, count: int, *, customers: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Activity ID", "Subject", "Date", "Assigned", "Account Name", "Task Type", "Comments"]
        )
        for n in range(1, count + 1):
            customer = rng.randint(1, customers)
            day = NOW - timedelta(days=rng.randint(1, 730))
            writer.writerow(
                [
                    f"00T{n:012d}",
                    rng.choice(("Call", "Quarterly review", "Lunch")),
                    f"{day.month}/{day.day}/{day.year}",
                    f"seller{customer % max(1, customers // 100)}@example.com",
                    f"Company {customer:07d}, Inc.",
                    rng.choice(("Call", "Meeting", "Email")),
                    'Talked about "renewal", pricing, next steps' if n % 3 else "",
                ]
            )


def prepare(db: str, *, customers: int) -> None:
    """A migrated database with a workspace and one salesperson per 100 customers."""
    from bot.bootstrap import build
    from bot.clock import FixedClock
    from bot.config.loader import parse_settings
    from bot.services.identity import identify
    from nudges.model import Platform
    from storage import make_engine, migrate

    engine = make_engine(db)
    migrate(engine)
    engine.dispose()
    settings = parse_settings({}, env={"NUDGEBOT_DATABASE_URL": db}, source="benchmark")
    container = build(settings, clock=FixedClock(NOW), auto_migrate=False)
    try:
        for n in range(max(1, customers // 100)):
            identify(
                container.deps,
                platform=Platform.CONSOLE,
                team_id="console",
                team_name="Console",
                user_id=f"seller{n}",
                display_name=f"Seller {n}",
                email=f"seller{n}@example.com",
            )
    finally:
        container.close()


def part(args: argparse.Namespace) -> dict[str, Any]:
    """One import in this process: its time and this process's peak memory."""
    import resource

    from bot.bootstrap import build
    from bot.config.loader import parse_settings
    from bot.demo.generate import peak_rss_mb
    from bot.services.books.imports import ImportOptions, run_import
    from bot.transfer.presets import Kind

    settings = parse_settings({}, env={"NUDGEBOT_DATABASE_URL": args.db}, source="benchmark")
    container = build(settings, auto_migrate=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    preset = "hubspot" if args.kind == "customers" else "salesforce"
    try:
        started = perf_counter()
        report = run_import(
            container.deps,
            ImportOptions(kind=Kind(args.kind), path=Path(args.file), preset=preset),
            now=NOW,
        )
        seconds = perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        container.close()
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    o = report.outcome
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": report.rows,
        "created": o.created,
        "updated": o.updated,
        "unchanged": o.unchanged,
        "errors": len(o.errors),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(db: str, kind: str, file: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.imports",
        "part",
        "--db",
        db,
        "--kind",
        kind,
        "--file",
        str(file),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"import of {kind} failed (exit {done.returncode}): {done.stderr[-2000:]}")


def bench_imports(
    db: str, kind: str, *, workdir: Path, customers: int, touches: int
) -> list[dict[str, Any]]:
    companies, activities = workdir / "companies.csv", workdir / "activities.csv"
    if not companies.exists():
        write_customers(companies, customers)
        write_touches(activities, touches, customers=customers)
    prepare(db, customers=customers)
    rows = []
    for what, file in (("customers", companies), ("touches", activities), ("customers", companies)):
        result = measure(db, what, file)
        again = " (again)" if rows and what == "customers" else ""
        rows.append({"database": kind, "file": what + again, **result})
        print(f"[{kind}] import {what}{again}: {json.dumps(result)}", file=sys.stderr)
    return rows


def run_for(
    kinds: list[str], *, postgres: str, workdir: Path, customers: int, touches: int
) -> list[dict[str, Any]]:
    """Every database's import rows (the hook ``benchmarks.run`` calls)."""
    from benchmarks.run import database

    rows: list[dict[str, Any]] = []
    for kind in kinds:
        with database(kind, "import", workdir=workdir, postgres=postgres, keep=False) as db:
            rows += bench_imports(db, kind, workdir=workdir, customers=customers, touches=touches)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print()
    print(
        "| database | import | rows | seconds | rows/s | CPU (import process) | created "
        "| unchanged | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0
        print(
            f"| {r['database']} | {r['file']} | {r['rows']:,} | {r['seconds']:.1f} s | "
            f"{rate:,.0f} | {r['cpu_seconds']:.1f} s | {r['created']:,} | {r['unchanged']:,} | "
            f"{r['peak_rss_mb']:.0f} MB |"
        )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "part":
        parser = argparse.ArgumentParser(prog="python -m benchmarks.imports part")
        parser.add_argument("--db", required=True)
        parser.add_argument("--kind", choices=("customers", "touches"), required=True)
        parser.add_argument("--file", required=True)
        print("RESULT " + json.dumps(part(parser.parse_args(argv[1:]))))
        return 0
    from benchmarks.run import DEFAULT_POSTGRES

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.imports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=500_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nudgebot-import-") as temp:
        rows = run_for(
            [k.strip() for k in args.databases.split(",") if k.strip()],
            postgres=args.postgres,
            workdir=Path(args.workdir or temp),
            customers=args.customers,
            touches=args.touches,
        )
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
