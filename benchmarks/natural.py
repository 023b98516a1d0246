"""The natural book: ``nudgebot demo --now T`` ticked at ``T + 30 min`` with nothing marked due
by hand (whatever the book itself has come due, Monday digests included), then a steady-state
tick five minutes later, the Monday digests alone, and a head of sales' team digest (what their
App Home shows). Each part in a fresh process: its time and its peak resident memory.

The floors are the database's own time to hand over the rows the work needs: the due customers
and what the sweep reads for them; every customer's kept facts (what the digests add up).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

from sqlalchemy import text

from storage import make_engine

Result = dict[str, Any]
MONDAY = "2027-06-07T06:00:00+00:00"  # the book's present; its first tick comes 30 min later
FIRST_TICK = timedelta(minutes=30)
STEADY_TICK = timedelta(minutes=35)
DIGEST_FLOOR = (
    "SELECT owner_id, quiet_since, amber_at, red_at, escalation_at, health, upcoming_dates, "
    "threads, annual_value FROM customer WHERE archived = :no"
)


def _tick_at(args: argparse.Namespace, after: timedelta) -> datetime:
    return datetime.fromisoformat(args.now) + after


@contextmanager
def _profiled(path: str | None) -> Iterator[None]:
    if not path:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)


def _container(args: argparse.Namespace, now: datetime | Any) -> Any:
    """The bot built on the book, its clock standing at ``now`` (or ``now`` is the clock)."""
    from benchmarks.parts import settings_of
    from bot.bootstrap import build
    from bot.clock import FixedClock

    clock = now if not isinstance(now, datetime) else FixedClock(now)
    return build(settings_of(args), clock=clock, auto_migrate=False)


def natural_floor(args: argparse.Namespace) -> Result:
    """Before the first tick: the raw reads of what deciding the due customers needs (their
    rows, and the counts their kept facts are worked out from), and of every customer's kept
    facts."""
    from benchmarks.parts import floor_reads, settings_of

    now = _tick_at(args, FIRST_TICK)
    engine = make_engine(args.db)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            found = floor_reads(connection, now=now, policy=settings_of(args).policy)
            started = perf_counter()
            facts = len(connection.execute(text(DIGEST_FLOOR), {"no": False}).fetchall())
            digests = perf_counter() - started
            connection.rollback()
    finally:
        engine.dispose()
    return {"seconds": found["seconds"] + digests, "decide_s": found["seconds"],
            "rows_s": found["rows_s"], "counts_s": found["counts_s"],
            "due": found["rows"]["customers"], "digest_s": digests,
            "facts_rows": facts}  # fmt: skip


def _tick(args: argparse.Namespace, after: timedelta, *, steady: bool = False) -> Result:
    """One tick at ``after`` (the sweep, then the digest job, as ``nudgebot tick`` runs
    them); with ``steady``, then the next tick five minutes later in the same process, as a
    running bot ticks (its caches warm): ``steady_*``."""
    from bot.clock import FixedClock

    now = _tick_at(args, after)
    clock = FixedClock(now)
    container = _container(args, clock)
    try:
        with _profiled(args.profile):
            found = _timed_tick(container, now)
        if steady:
            later = now + (STEADY_TICK - FIRST_TICK)
            clock.set(later)
            found |= {f"steady_{k}": v for k, v in _timed_tick(container, later).items()}
    finally:
        container.close()
    return found


def _timed_tick(container: Any, now: datetime) -> Result:
    from bot.delivery.digests import plan_digests
    from bot.delivery.sweep import sweep

    lookahead = timedelta(minutes=container.settings.scheduler.sweep_minutes)
    started = perf_counter()
    swept = sweep(container.deps, now=now)
    middle = perf_counter()
    digests = plan_digests(container.deps, now=now, horizon=now + lookahead)
    ended = perf_counter()
    return {
        "seconds": ended - started,
        "sweep_s": middle - started,
        "decide_s": swept.seconds["decide"],
        "offers_s": swept.seconds["offers"],
        "plan_s": swept.seconds["plan"],
        "digests_s": ended - middle,
        "customers": swept.customers,
        "in_workers": swept.in_workers,
        "nudges": swept.nudges,
        "deliveries": len(swept.deliveries),
        "digests": len(digests),
    }


def first_tick(args: argparse.Namespace) -> Result:
    """The first tick, then the steady tick in the same process."""
    return _tick(args, FIRST_TICK, steady=True)


def steady_tick(args: argparse.Namespace) -> Result:
    """The steady tick alone, in a fresh process (cold caches: a restarted bot's first)."""
    return _tick(args, STEADY_TICK)


def monday(args: argparse.Namespace) -> Result:
    """The weekly digests due at the first tick planned again (the ones written are forgotten
    first)."""
    return _digests(args, ahead=None)


def every_digest(args: argparse.Namespace) -> Result:
    """Every manager's weekly digest planned at once, whatever their digest day and hour (the
    horizon a week ahead): the digest job's cost for the whole book."""
    return _digests(args, ahead=timedelta(days=7))


def _digests(args: argparse.Namespace, *, ahead: timedelta | None) -> Result:
    from bot.delivery.digests import plan_digests

    now = _tick_at(args, FIRST_TICK)
    engine = make_engine(args.db)
    with engine.begin() as connection:
        connection.execute(
            text(
                "DELETE FROM delivery_item WHERE delivery_id IN "
                "(SELECT id FROM delivery WHERE kind = 'digest')"
            )
        )
        connection.execute(text("DELETE FROM delivery WHERE kind = 'digest'"))
    engine.dispose()
    container = _container(args, now)
    try:
        lookahead = ahead or timedelta(minutes=container.settings.scheduler.sweep_minutes)
        with _profiled(args.profile):
            started = perf_counter()
            digests = plan_digests(container.deps, now=now, horizon=now + lookahead)
            seconds = perf_counter() - started
    finally:
        container.close()
    return {"seconds": seconds, "digests": len(digests)}


def head_digest(args: argparse.Namespace) -> Result:
    """The team digest of the person with the most people under them (App Home's "My team")."""
    from bot.services.context import Actor

    now = _tick_at(args, STEADY_TICK)
    container = _container(args, now)
    try:
        with container.deps.uow() as uow:
            managers = uow.people.managers()
            head = max(managers, key=lambda m: len(uow.people.reports_of(m.id)))
            workspace = uow.workspaces.get(head.workspace_id)
        assert workspace is not None
        with _profiled(args.profile):
            started = perf_counter()
            reply = container.commands.handle_text(Actor(workspace, head), "digest team")
            seconds = perf_counter() - started
    finally:
        container.close()
    return {"seconds": seconds, "title": reply.text}


PARTS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "natural-floor": natural_floor,
    "first-tick": first_tick,
    "steady-tick": steady_tick,
    "monday": monday,
    "every-digest": every_digest,
    "head-digest": head_digest,
}


def bench_natural(
    kind: str, size: str, customers: int, *, url: str, run_part: Callable[..., Result],
    profile_dir: str | None,
) -> Result:  # fmt: skip
    """The natural-book scenarios on one fresh database."""

    def profile(name: str) -> str | None:
        return f"{profile_dir}/{name}-{kind}-{size}.prof" if profile_dir else None

    made = run_part("demo", customers=customers, seed=7, now=MONDAY)
    row: Result = {"database": kind, "size": size, "demo_s": made["seconds"]}
    row["floor"] = run_part("natural-floor", now=MONDAY)
    row["first"] = run_part("first-tick", now=MONDAY, profile=profile("first-tick"))
    row["monday"] = run_part("monday", now=MONDAY, profile=profile("monday"))
    row["home"] = run_part("head-digest", now=MONDAY, profile=profile("head-digest"))
    return row


def print_natural(rows: list[Result]) -> None:
    header = (
        f"{'database':<10} {'book':>5} {'decided':>8} {'floor':>7} {'decide':>7} {'ratio':>6} "
        f"{'rows':>6} "
        f"{'sweep':>7} "
        f"{'digests':>7} {'digest':>7} {'facts':>7} {'tick':>7} {'tick MB':>7} {'all MB':>7} "
        f"{'steady':>7} "
        f"{'monday':>7} {'home':>6}"
    )
    print()
    print(
        "Natural book: demo --now T, first tick at T+30min (Monday digests included), steady "
        "tick at T+35min (same process), the Monday digests alone, a head of sales' team "
        "digest (App Home); ratio: deciding the due customers against the floor (their rows, "
        "and the touch and pitch counts their kept facts take); rows: against their rows "
        "alone; tick MB: the "
        "sweep's process, all MB: it and its worker processes at once"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        floor, first = r["floor"], r["first"]
        ratio = first["decide_s"] / floor["decide_s"] if floor["decide_s"] else float("inf")
        to_rows = first["decide_s"] / floor["rows_s"] if floor["rows_s"] else float("inf")
        print(
            f"{r['database']:<10} {r['size']:>5} {first['customers']:>8} "
            f"{floor['decide_s']:>6.2f}s {first['decide_s']:>6.2f}s "
            f"{ratio:>5.1f}x {to_rows:>5.1f}x "
            f"{first['sweep_s']:>6.2f}s "
            f"{first['digests']:>7} {first['digests_s']:>6.2f}s {floor['digest_s']:>6.2f}s "
            f"{first['seconds']:>6.2f}s {first['peak_rss_mb']:>7.0f} "
            f"{first.get('tree_peak_rss_mb') or 0:>7.0f} "
            f"{first['steady_seconds']:>6.2f}s {r['monday']['seconds']:>6.2f}s "
            f"{r['home']['seconds']:>5.2f}s"
        )
