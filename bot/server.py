"""`nudgebot run` with chat credentials: one aiohttp server for Slack's HTTP mode, Teams'
`/api/messages` and the operator's endpoints (`/healthz`, `/readyz`, `/metrics`), Slack's
Socket Mode client when configured, and the scheduler. SIGTERM (or SIGINT) stops it gracefully
(:mod:`bot.ops.lifecycle`) and it exits 0."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.bootstrap import Container, build
from bot.config import Settings, SlackMode
from bot.delivery.ports import Platform
from bot.ops import checks, lifecycle, logs
from bot.ops.http import add_routes
from bot.platforms import build_platforms
from bot.scheduler import build_scheduler, worker_name
from bot.web_books import attach_books
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)

Stopper = Callable[[], Awaitable[None]]


def build_web_app(container: Container) -> tuple[web.Application, list[Stopper]]:
    """The HTTP surface: Slack events/commands/interactivity/OAuth and Teams activities, as
    configured, and the operator's endpoints. Returns the app and what to stop on shutdown."""
    app = web.Application()
    add_routes(app, container, with_metrics=container.settings.metrics_enabled)
    attach_books(app, container)
    stoppers: list[Stopper] = []
    secrets = container.settings.secrets
    if secrets.slack_configured:
        from bot.slack.runtime import attach_slack

        runtime = attach_slack(app, container)
        stoppers.append(runtime.stop)
    if container.settings.teams.enabled or secrets.teams_configured:
        from bot.teams.runtime import attach_teams

        teams = attach_teams(app, container, host=container.settings.server.host)
        stoppers.append(teams.stop)
    return app, stoppers


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
    container.platforms.update(platforms or {})
    app, stoppers = build_web_app(container)
    scheduler = build_scheduler(container, build_platforms(container))
    container.readiness.add("scheduler", checks.scheduler(scheduler))
    container.readiness.add("stopping", lifecycle.not_stopping)
    runner = await start_site(app, settings)
    socket_client = None
    if settings.slack.mode is SlackMode.SOCKET and settings.secrets.slack_app_token:
        from bot.slack.runtime import start_socket_mode

        socket_client = await start_socket_mode(container)
        container.readiness.add("slack_socket", socket_client.readiness)
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
        if socket_client is not None:
            await _within(socket_client.close(), deadline)
        for stopper in stoppers:
            await _within(stopper(), deadline)
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
