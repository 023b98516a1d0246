"""The operator's endpoints on the bot's HTTP server: ``/healthz`` (the process is alive: no
I/O), ``/readyz`` (200 when every readiness check passes, else 503 naming each failing one)
and ``/metrics`` (Prometheus text format, when enabled)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from bot.bootstrap import Container
from bot.ops import metrics


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def add_routes(app: web.Application, container: Container, *, with_metrics: bool) -> None:
    readiness = container.readiness

    async def readyz(request: web.Request) -> web.Response:
        ready, body = await readiness.report()
        return web.json_response(body, status=200 if ready else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if not with_metrics:
        return
    deps = container.deps
    collected = metrics.registry(
        deps.reader,
        deps.clock.now,
        rate_limited_after=timedelta(minutes=deps.settings.delivery.rate_limited_alert_minutes),
    )

    async def scrape(request: web.Request) -> web.Response:
        # The outbox gauges read the database: off the event loop.
        body = await asyncio.to_thread(metrics.exposition, collected)
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    app.router.add_get("/metrics", scrape)
