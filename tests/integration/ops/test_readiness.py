"""``/readyz``: 200 only when every check passes; otherwise 503 with a JSON body naming each
failing check, never an address or a secret. ``/healthz`` stays up all the while."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.bootstrap import Container, build
from bot.config import Settings
from bot.server import build_web_app
from tests.fakes.tcp_gate import TcpGate

pytestmark = pytest.mark.db


async def readyz(client: TestClient[Any, Any]) -> tuple[int, dict[str, Any], str]:
    async with client.get("/readyz") as response:
        text = await response.text()
        return response.status, json.loads(text), text


async def serve(container: Container) -> TestClient[Any, Any]:
    app, _ = build_web_app(container)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_ready_when_the_database_answers_and_the_schema_is_current(database: str) -> None:
    container = build(Settings(database_url=database), pool_size=2)
    client = await serve(container)
    try:
        status, body, _ = await readyz(client)
        assert status == 200
        assert body == {
            "ready": True,
            "checks": {"database": {"ok": True}, "schema": {"ok": True}},
        }
        async with client.get("/healthz") as health:
            assert health.status == 200
    finally:
        await client.close()
        container.close()


async def test_a_check_plugged_in_by_another_part_of_the_bot_is_reported_by_name(
    database: str,
) -> None:
    container = build(Settings(database_url=database), pool_size=2)
    failures = ["3 sweeps in a row failed"]

    async def sweep_health() -> str | None:
        return failures[0] if failures else None

    container.readiness.add("sweep", sweep_health)
    client = await serve(container)
    try:
        status, body, _ = await readyz(client)
        assert status == 503
        assert body["checks"]["sweep"] == {"ok": False, "reason": "3 sweeps in a row failed"}
        assert body["checks"]["database"] == {"ok": True}
        failures.clear()
        assert (await readyz(client))[0] == 200
    finally:
        await client.close()
        container.close()


@pytest.fixture
async def gated(database: str, tmp_path: Path) -> AsyncIterator[tuple[Container, Any, Any]]:
    """A bot whose database can be taken away and given back: PostgreSQL through a TCP gate,
    SQLite by moving its file away. Yields the container, "take away" and "give back"."""
    url = make_url(database)
    if url.get_backend_name() == "postgresql":
        gate = TcpGate(url.host or "127.0.0.1", url.port or 5432)
        await gate.open()
        through = url.set(host="127.0.0.1", port=gate.port).render_as_string(hide_password=False)
        # Built in a thread: the gate forwards on this event loop.
        container = await asyncio.to_thread(build, Settings(database_url=through), pool_size=2)
        yield container, gate.close, gate.open
        await gate.close()
    else:
        path = Path(str(url.database))
        aside = tmp_path / "aside.db"

        async def away() -> None:
            shutil.move(path, aside)

        async def back() -> None:
            shutil.move(aside, path)

        container = build(Settings(database_url=database), pool_size=2)
        yield container, away, back
    container.close()


async def test_readyz_names_the_database_while_it_is_unreachable_and_recovers_when_it_is_back(
    gated: tuple[Container, Any, Any], database: str
) -> None:
    container, take_away, give_back = gated
    client = await serve(container)
    try:
        assert (await readyz(client))[0] == 200

        await take_away()
        status, body, text = await readyz(client)
        assert status == 503
        assert body["ready"] is False
        assert body["checks"]["database"]["ok"] is False
        assert body["checks"]["database"]["reason"]
        url = make_url(database)
        for secret_or_address in (str(url.host), str(url.port), str(url.database), "postgres"):
            if secret_or_address not in ("None", ""):
                assert secret_or_address not in text
        async with client.get("/healthz") as health:  # alive, just not ready
            assert health.status == 200

        await give_back()
        status, body, _ = await readyz(client)
        assert status == 200, body
    finally:
        await client.close()


async def test_readyz_says_to_migrate_when_the_schema_is_behind(tmp_path: Path) -> None:
    from storage import make_engine

    url = f"sqlite:///{tmp_path}/old.db"
    container = build(Settings(database_url=url), pool_size=2)
    client = await serve(container)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
        status, body, _ = await readyz(client)
        assert status == 503
        assert "run `nudgebot migrate`" in body["checks"]["schema"]["reason"]
        assert body["checks"]["database"] == {"ok": True}
    finally:
        engine.dispose()
        await client.close()
        container.close()
