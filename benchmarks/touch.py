"""``/touch`` latency through the real Slack HTTP endpoint while a sweep runs.

``nudgebot run`` serves Slack in HTTP mode (test credentials, the Web API pointed at the loopback
fake of ``tests/fakes``); 50 clients send signed slash commands for the book's customers, as
their owners. Two latencies per request: until the HTTP answer (bolt's ``ack``), and until the
reply reaches the command's ``response_url`` (the whole handling: identify, parse, log the touch,
re-decide the customer). The book's workspace is relabelled a Slack team for the occasion.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select, update

from storage import make_engine
from storage.tables import customer_t, person_t, workspace_t

TEAM_ID = "TBENCH0001"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SIGNING_SECRET = "benchmark-signing-secret"
BOT_TOKEN = "xoxb-benchmark-token"


@dataclass
class TouchResult:
    measured: bool
    reason: str = ""
    requests: int = 0
    errors: int = 0
    ack_ms: list[float] = field(default_factory=list)
    handled_ms: list[float] = field(default_factory=list)
    sweep_seconds: float | None = None
    seconds: float = 0.0  # how long the clients ran
    rate: float | None = None  # offered requests a second (paced); None: closed loop
    paced: TouchResult | None = None

    @property
    def throughput(self) -> float:
        return len(self.handled_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, which: str, p: float) -> float | None:
        values = sorted(self.ack_ms if which == "ack" else self.handled_ms)
        if not values:
            return None
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sign(body: str, timestamp: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def relabel_as_slack(url: str) -> list[tuple[str, str]]:
    """Make the demo workspace a Slack team; return (user id, customer name) pairs to touch."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(workspace_t)
                .where(workspace_t.c.external_id == "console")
                .values(platform="slack", external_id=TEAM_ID)
            )
            pairs = connection.execute(
                select(person_t.c.platform_user_id, customer_t.c.name)
                .join(person_t, person_t.c.id == customer_t.c.owner_id)
                .where(customer_t.c.archived.is_(False))
                .order_by(customer_t.c.id)
                .limit(2000)
            ).all()
    finally:
        engine.dispose()
    return [(str(u), str(n)) for u, n in pairs]


class _Collector:
    """Receives the replies posted to ``response_url``s and notes when each arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.port = _free_port()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/respond/{rid}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def expect(self, rid: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters[rid] = future
        return future

    async def _respond(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        rid = request.match_info["rid"]
        await request.read()
        waiter = self.waiters.pop(rid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(at)
        return web.json_response({"ok": True})


def _start_server(config: Path, *, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    """``nudgebot run`` with the Slack credentials in ``env``, logging into ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def _wait_healthy(port: int, process: subprocess.Popen[bytes], within: float) -> bool:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
    return False


async def measure_touch(
    *,
    url: str,
    now_iso: str,
    run_part: Any,
    clients: int = 50,
    min_requests: int = 500,
    max_seconds: float = 180.0,
    sweep_share: float = 0.1,
    paced_rate: float | None = 20.0,
    paced_seconds: float = 20.0,
) -> TouchResult:
    """``run_part(name, **options)`` runs a benchmark part in a subprocess (``prepare`` and
    ``sweep``) and returns its result; it is called from a worker thread."""
    try:
        from tests.fakes.slack_web_api import FakeSlackWebApi
    except ImportError as exc:  # pragma: no cover - a checkout without the tests
        return TouchResult(False, f"not measured: fake Slack Web API unavailable ({exc})")
    try:
        import bot.slack.runtime  # noqa: F401
    except ImportError:
        return TouchResult(False, "not measured: Slack HTTP endpoint unavailable")
    pairs = relabel_as_slack(url)
    if not pairs:
        return TouchResult(False, "not measured: no customers")
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="nudgebot-touch-"))
    config = workdir / "config.toml"
    config.write_text(
        '[slack]\nmode = "http"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        "[scheduler]\n"  # the server's own scheduler stays out of the way
        "sweep_minutes = 1440\ndeliver_seconds = 3600\nhousekeeping_minutes = 1440\n"
        "[digest]\n"  # not due on the real clock either (its start-up sweep would plan it)
        f'weekday = "{_WEEKDAYS[(datetime.now(UTC).weekday() + 3) % 7]}"\n',
        encoding="utf-8",
    )
    collector = _Collector()
    await collector.start()
    with FakeSlackWebApi.in_thread(team_id=TEAM_ID) as fake:
        env = dict(os.environ)
        env.update(
            NUDGEBOT_DATABASE_URL=url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.url,
        )
        log = (workdir / "server.log").open("wb")
        server = _start_server(config, env=env, log=log)
        try:
            if not await _wait_healthy(port, server, within=120):
                return TouchResult(False, "not measured: Slack HTTP endpoint unavailable")
            await asyncio.sleep(2)  # the server's start-up sweep
            result = TouchResult(True)
            await asyncio.to_thread(run_part, "prepare", share=sweep_share)
            sweep_task = asyncio.create_task(asyncio.to_thread(run_part, "sweep"))
            await _clients(
                result,
                collector=collector,
                port=port,
                pairs=pairs,
                clients=clients,
                until=lambda: sweep_task.done() and result.requests >= min_requests,
                max_seconds=max_seconds,
            )
            swept = await sweep_task
            result.sweep_seconds = float(swept["seconds"])
            if not result.handled_ms:
                result.measured = False
                result.reason = "not measured: no /touch request was answered"
                return result
            if paced_rate:
                paced = TouchResult(True, rate=paced_rate)
                await asyncio.to_thread(run_part, "prepare", share=sweep_share)
                started = time.monotonic()
                sweep_task = asyncio.create_task(asyncio.to_thread(run_part, "sweep"))
                await _paced(
                    paced,
                    collector=collector,
                    port=port,
                    pairs=pairs,
                    clients=clients,
                    rate=paced_rate,
                    until=lambda: sweep_task.done() and time.monotonic() - started > paced_seconds,
                    max_seconds=max_seconds,
                )
                paced.sweep_seconds = float((await sweep_task)["seconds"])
                result.paced = paced
            return result
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            await collector.stop()


def _slash_body(*, collector: _Collector, rid: str, user: str, name: str) -> str:
    return urllib.parse.urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user,
            "command": "/touch",
            "text": f"{name} call",
            "api_app_id": "A111",
            "response_url": f"http://127.0.0.1:{collector.port}/respond/{rid}",
            "trigger_id": f"{rid}.bench",
        }
    )


async def _one(
    result: TouchResult,
    *,
    session: aiohttp.ClientSession,
    collector: _Collector,
    endpoint: str,
    rid: str,
    user: str,
    name: str,
) -> None:
    """One signed ``/touch``: its ack and its reply timed from the moment it was sent."""
    body = _slash_body(collector=collector, rid=rid, user=user, name=name)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": _sign(body, stamp),
    }
    arrival = collector.expect(rid)
    started = time.perf_counter()
    try:
        async with session.post(endpoint, data=body, headers=headers) as response:
            await response.read()
            acked = time.perf_counter()
            if response.status != 200:
                result.errors += 1
                return
        handled = await asyncio.wait_for(arrival, timeout=30)
    except (aiohttp.ClientError, TimeoutError):
        result.errors += 1
        return
    finally:
        result.requests += 1
    result.ack_ms.append((acked - started) * 1000)
    result.handled_ms.append((handled - started) * 1000)


async def _clients(
    result: TouchResult,
    *,
    collector: _Collector,
    port: int,
    pairs: list[tuple[str, str]],
    clients: int,
    until: Any,
    max_seconds: float,
) -> None:
    """Closed loop: each client sends its next request as soon as the last one is answered
    (the server's saturation: latency is clients / throughput)."""
    endpoint = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + max_seconds
    counter = iter(range(10**9))

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(n)
        while time.monotonic() < deadline and not until():
            user, name = rng.choice(pairs)
            await _one(
                result,
                session=session,
                collector=collector,
                endpoint=endpoint,
                rid=str(next(counter)),
                user=user,
                name=name,
            )

    connector = aiohttp.TCPConnector(limit=clients * 2)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(n, session) for n in range(clients)))
    result.seconds = time.perf_counter() - started


async def _paced(
    result: TouchResult,
    *,
    collector: _Collector,
    port: int,
    pairs: list[tuple[str, str]],
    clients: int,
    rate: float,
    until: Any,
    max_seconds: float,
) -> None:
    """Open loop: ``clients`` people send ``rate`` requests a second between them, at random
    (Poisson) moments, whether or not earlier ones have been answered."""
    endpoint = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + max_seconds
    counter = iter(range(10**9))
    rng = random.Random(7)
    people = [rng.choice(pairs) for _ in range(clients)]  # (user, a customer they own)
    pending: set[asyncio.Task[None]] = set()
    connector = aiohttp.TCPConnector(limit=clients * 2)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        next_at = time.monotonic()
        while time.monotonic() < deadline and not until():
            next_at += rng.expovariate(rate)
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            user, name = people[rng.randrange(clients)]
            task = asyncio.create_task(
                _one(
                    result,
                    session=session,
                    collector=collector,
                    endpoint=endpoint,
                    rid=f"p{next(counter)}",
                    user=user,
                    name=name,
                )
            )
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*list(pending))
    result.seconds = time.perf_counter() - started
