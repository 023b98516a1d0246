"""The heartbeat: APScheduler 3 calls one service per job. It holds no state of its own; the
database is the source of truth, so a missed or doubled beat changes nothing."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Container
from bot.delivery.digests import plan_digests
from bot.delivery.health import SweepHealth
from bot.delivery.housekeeping import housekeeping
from bot.delivery.outbox import Outbox
from bot.delivery.ports import Platform
from bot.delivery.sweep import sweep
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_scheduler(
    container: Container, platforms: Mapping[PlatformName, Platform]
) -> AsyncIOScheduler:
    deps = container.deps
    settings = container.settings.scheduler
    outbox = Outbox(deps, platforms, worker=worker_name())
    scheduler = AsyncIOScheduler(timezone="UTC")
    # A beat that comes late (a slow start-up before the scheduler starts, a busy event loop)
    # still runs, once: APScheduler's default would skip any run more than a second late,
    # the first sweep at start-up included.
    defaults = {
        "replace_existing": True,
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": None,
    }

    health = SweepHealth()
    container.readiness.add("sweep", health.check)

    async def run_sweep() -> None:
        # The sweep is synchronous database work: keep it off the event loop that serves chat.
        try:
            result = await asyncio.to_thread(sweep, deps, now=deps.clock.now())
        except Exception as exc:
            health.failed(exc)
            # The class only at ERROR: a database error's text holds the statement's values.
            log.error("sweep failed (%s in a row): %s", health.failures, type(exc).__name__)
            log.debug("sweep failed", exc_info=exc)
            return
        health.succeeded()
        log.info(
            "sweep: %s customers, %s nudges, %s deliveries",
            result.customers,
            result.nudges,
            len(result.deliveries),
        )

    async def run_digests() -> None:
        now = deps.clock.now()
        horizon = now + timedelta(minutes=settings.sweep_minutes)
        planned = await asyncio.to_thread(plan_digests, deps, now=now, horizon=horizon)
        if planned:
            log.info("digests: %s planned", len(planned))

    async def run_outbox() -> None:
        result = await outbox.drain()
        if result.sent or result.retried or result.failed:
            log.info(
                "outbox: %s sent, %s to retry, %s failed",
                len(result.sent),
                result.retried,
                result.failed,
            )

    async def run_housekeeping() -> None:
        expired = await asyncio.to_thread(housekeeping, deps, now=deps.clock.now())
        log.info("housekeeping: %s stale nudges expired", expired)

    scheduler.add_job(
        run_sweep,
        "interval",
        minutes=settings.sweep_minutes,
        id="sweep",
        next_run_time=deps.clock.now(),
        **defaults,
    )
    scheduler.add_job(
        run_digests,
        "interval",
        minutes=settings.sweep_minutes,
        id="digests",
        next_run_time=deps.clock.now(),
        **defaults,
    )
    scheduler.add_job(
        run_outbox, "interval", seconds=settings.deliver_seconds, id="outbox", **defaults
    )
    scheduler.add_job(
        run_housekeeping,
        "interval",
        minutes=settings.housekeeping_minutes,
        id="housekeeping",
        **defaults,
    )
    container.jobs.track_all(scheduler)  # a graceful stop waits for the jobs running
    return scheduler
