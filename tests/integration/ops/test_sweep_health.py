"""A sweep that keeps failing is seen: three failures in a row make ``/readyz`` answer 503
naming the sweep, every failure is counted in ``nudgebot_sweep_failures``, and one sweep
that completes makes the bot ready again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.delivery.health import FAILING_AFTER
from bot.ops import metrics
from bot.scheduler import build_scheduler
from bot.server import build_web_app
from tests.integration.delivery.conftest import Book

pytestmark = pytest.mark.db


async def _readyz(client: TestClient[Any, Any]) -> tuple[int, dict[str, Any]]:
    async with client.get("/readyz") as response:
        return response.status, json.loads(await response.text())


def _rename(book: Book, old: str, new: str) -> None:
    with book.container.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_repeated_sweep_failures_fail_readiness_and_are_counted(book: Book) -> None:
    scheduler = build_scheduler(book.container, {})
    job = scheduler.get_job("sweep")
    assert job is not None
    app, _ = build_web_app(book.container)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    before = metrics.SWEEP_FAILURES._value.get()
    try:
        await job.func()
        assert (await _readyz(client))[0] == 200

        _rename(book, "offer", "offer_gone")  # every sweep now fails as a whole
        for _ in range(FAILING_AFTER - 1):
            await job.func()
        assert (await _readyz(client))[0] == 200  # one or two failures may be passing trouble
        await job.func()
        status, body = await _readyz(client)
        assert status == 503
        assert body["checks"]["sweep"]["ok"] is False
        assert f"{FAILING_AFTER} sweeps in a row failed" in body["checks"]["sweep"]["reason"]
        assert metrics.SWEEP_FAILURES._value.get() == before + FAILING_AFTER

        _rename(book, "offer_gone", "offer")
        await job.func()
        assert (await _readyz(client))[0] == 200
    finally:
        await client.close()
