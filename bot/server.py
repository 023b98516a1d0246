"""`nudgebot run` with chat credentials: one aiohttp server for Slack's HTTP mode, Teams'
`/api/messages` and the operator's endpoints (`/healthz`, `/readyz`, `/metrics`), Slack's
Socket Mode client when configured, and the scheduler. SIGTERM (or SIGINT) stops it gracefully
(:mod:`bot.ops.lifecycle`) and it exits 0."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Mapping
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.bootstrap import Container, build, senders, serve_platforms
from bot.config import Settings
from bot.delivery.ports import Platform
from bot.ops import checks, lifecycle, logs
from bot.ops.http import add_routes
from bot.platforms import Serving
from bot.scheduler import build_scheduler, worker_name
from bot.web_books import attach_books
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)


def build_web_app(container: Container) -> tuple[web.Application, list[Serving]]:
    """The HTTP surface: each chat platform the settings turn on (Slack's events, commands
    and OAuth; Teams' activities) and the operator's endpoints. Returns the app and the
    platforms served (to start once it listens, to stop on shutdown)."""
    app = web.Application()
    add_routes(app, container, with_metrics=container.settings.metrics_enabled)
    attach_books(app, container)
    return app, serve_platforms(app, container)


#: Database work runs in these threads (the connection pool has as many connections). More
#: threads than this contend for the GIL on a small machine: at 16, 50 clients kept the event
#: loop waiting (acks p50 400 ms instead of 60 ms) for no gain in touches handled a second.
WORKER_THREADS = 8


async def start_site(app: web.Application, settings: Settings) -> web.AppRunner:
    """Serve ``app`` on ``[server] host:port``; requests still open at a stop get what is left
    of the grace period to finish."""
    runner = web.AppRunner(
        app,
        access_log_class=logs.AccessLogger,
        shutdown_timeout=settings.server.shutdown_grace_seconds,
        handle_signals=False,
    )
    await runner.setup()
    site = web.TCPSite(runner, host=settings.server.host, port=settings.server.port)
    await site.start()
    log.info("serving on %s:%s", settings.server.host, settings.server.port)
    return runner


async def serve_async(
    settings: Settings,
    *,
    ready: asyncio.Event | None = None,
    platforms: Mapping[PlatformName, Platform] | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully. ``platforms``: senders to use
    instead of the ones built from the credentials (tests)."""
    lifecycle.stopping.clear()
    # Chat handlers run their (synchronous) use cases in the default executor, sized with the
    # connection pool: a few threads beyond the cores, for the time they wait on the database.
    loop = asyncio.get_running_loop()
    loop.set_default_executor(
        ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="nudgebot")
    )
    container = build(settings, pool_size=WORKER_THREADS)
    app, serving = build_web_app(container)
    container.platforms.update(platforms or {})
    scheduler = build_scheduler(container, senders(container))
    container.readiness.add("scheduler", checks.scheduler(scheduler))
    container.readiness.add("stopping", lifecycle.not_stopping)
    runner = await start_site(app, settings)
    for served in serving:
        await served.start()
    scheduler.start()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
        log.info("stop requested: finishing what is in flight")
    finally:
        grace = settings.server.shutdown_grace_seconds
        deadline = loop.time() + grace
        await lifecycle.stop_scheduler(
            scheduler, container.jobs, container.deps, worker=worker_name(), grace=grace
        )
        for served in serving:
            await _within(served.stop(), deadline)
        await runner.cleanup()
        container.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        log.info("stopped")


async def _within(step: Awaitable[None], deadline: float) -> None:
    """A step of the stop, given what is left of the grace period (at least a moment)."""
    left = max(deadline - asyncio.get_running_loop().time(), 0.5)
    try:
        await asyncio.wait_for(step, timeout=left)
    except TimeoutError:
        log.warning("stopping: a step did not finish within the grace period")


def serve(settings: Settings) -> int:
    asyncio.run(serve_async(settings))
    return 0
