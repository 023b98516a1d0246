"""`nudgebot run` with chat credentials: one aiohttp server for Slack's HTTP mode and Teams'
`/api/messages`, Slack's Socket Mode client when configured, and the scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.bootstrap import Container, build
from bot.config import Settings, SlackMode
from bot.platforms import build_platforms
from bot.scheduler import build_scheduler

log = logging.getLogger(__name__)

Stopper = Callable[[], Awaitable[None]]


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build_web_app(container: Container) -> tuple[web.Application, list[Stopper]]:
    """The HTTP surface: Slack events/commands/interactivity/OAuth and Teams activities, as
    configured. Returns the app and what to stop on shutdown."""
    app = web.Application()
    app.router.add_get("/healthz", _health)
    stoppers: list[Stopper] = []
    secrets = container.settings.secrets
    if secrets.slack_configured:
        from bot.slack.runtime import attach_slack

        runtime = attach_slack(app, container)
        stoppers.append(runtime.stop)
    if container.settings.teams.enabled or secrets.teams_configured:
        from bot.teams.runtime import attach_teams

        teams = attach_teams(app, container)
        stoppers.append(teams.stop)
    return app, stoppers


#: Database work runs in these threads (the connection pool has as many connections). More
#: threads than this contend for the GIL on a small machine: at 16, 50 clients kept the event
#: loop waiting (acks p50 400 ms instead of 60 ms) for no gain in touches handled a second.
WORKER_THREADS = 8


async def serve_async(settings: Settings, *, ready: asyncio.Event | None = None) -> None:
    # Chat handlers run their (synchronous) use cases in the default executor, sized with the
    # connection pool: a few threads beyond the cores, for the time they wait on the database.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="nudgebot")
    )
    container = build(settings, pool_size=WORKER_THREADS)
    app, stoppers = build_web_app(container)
    scheduler = build_scheduler(container, build_platforms(container))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host=settings.server.host, port=settings.server.port)
    await site.start()
    socket_client = None
    if settings.slack.mode is SlackMode.SOCKET and settings.secrets.slack_app_token:
        from bot.slack.runtime import start_socket_mode

        socket_client = await start_socket_mode(container)
    scheduler.start()
    log.info("serving on %s:%s", settings.server.host, settings.server.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        if socket_client is not None:
            await socket_client.close()
        for stopper in stoppers:
            await stopper()
        await runner.cleanup()
        container.close()


def serve(settings: Settings) -> int:
    asyncio.run(serve_async(settings))
    return 0
