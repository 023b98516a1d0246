"""`nudgebot run`: the scheduler plus every configured platform, or the console."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.bootstrap import build, senders, serves_chat
from bot.config import Settings
from bot.console.app import Console, ConsoleClock, prompt_lines
from bot.ops import lifecycle
from bot.scheduler import build_scheduler, worker_name

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, as_name: str | None = None) -> int:
    if serves_chat(settings):
        from bot.server import serve  # platforms with credentials: the HTTP/socket server

        return serve(settings)
    return asyncio.run(_console(settings, as_name=as_name))


async def _console(settings: Settings, *, as_name: str | None) -> int:
    """No chat credentials: the console in this terminal, with the scheduler running behind
    it, so nudges arrive at their hour like DMs. Leaving it (``:quit``, end of input) stops
    the scheduler gracefully, also while the first sweep is still running."""
    lifecycle.stopping.clear()
    clock = ConsoleClock()
    container = build(settings, clock=clock)
    console = Console(container, clock=clock, interactive=sys.stdin.isatty())
    log.info(
        "no Slack or Teams credentials: running the console on %s",
        container.engine.url.render_as_string(hide_password=True),
    )
    scheduler = build_scheduler(container, senders(container))
    site = None
    if settings.metrics_enabled:  # [server] metrics = true: /healthz, /readyz and /metrics
        from aiohttp import web

        from bot.ops import checks
        from bot.ops.http import add_routes
        from bot.server import start_site

        container.readiness.add("scheduler", checks.scheduler(scheduler))
        container.readiness.add("stopping", lifecycle.not_stopping)
        app = web.Application()
        add_routes(app, container, with_metrics=True)
        site = await start_site(app, settings)
    scheduler.start()
    try:
        if as_name:
            console.become(as_name)
        await asyncio.to_thread(console.loop, prompt_lines(console, sys.stdin))
    finally:
        if container.jobs.running:
            console.say("Finishing the scheduler's work in progress before leaving…")
        await lifecycle.stop_scheduler(
            scheduler,
            container.jobs,
            container.deps,
            worker=worker_name(),
            grace=settings.server.shutdown_grace_seconds,
        )
        if site is not None:
            await site.cleanup()
        container.close()
    return 0
