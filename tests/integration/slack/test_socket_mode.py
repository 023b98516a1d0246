"""Socket Mode: the connection is made in the background, its state is there for health
checks, and a failing connection is one log line per attempt with its reason."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Secrets, Settings, SlackMode, SlackSettings
from bot.server import build_web_app
from bot.slack.runtime import start_socket_mode
from tests.integration.slack.harness import FakeSlack, eventually


@pytest.fixture
async def socket_slack(
    database: str, clock: FixedClock
) -> AsyncIterator[tuple[FakeSlack, Container]]:
    async with FakeSlack() as fake:
        settings = Settings(
            database_url=database,
            slack=SlackSettings(mode=SlackMode.SOCKET, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-test", slack_app_token="xapp-1-test"),
        )
        container = build(settings, clock=clock, pool_size=2)
        yield fake, container
        container.close()


async def test_a_failing_start_is_one_line_per_attempt_and_the_state_says_why(
    socket_slack: tuple[FakeSlack, Container], caplog: pytest.LogCaptureFixture
) -> None:
    fake, container = socket_slack
    fake.fail_next("apps.connections.open", error="invalid_auth", times=3)

    with caplog.at_level(logging.DEBUG, logger="bot"):
        client = await start_socket_mode(container, ping_interval=0.2)
        try:
            await eventually(lambda: client.state.failures >= 3)
            assert not client.state.connected
            assert "invalid_auth" in (client.state.reason or "")
            problem = await client.readiness()
            assert problem and "invalid_auth" in problem

            await eventually(lambda: client.state.connected)  # Slack answers again
            assert await client.readiness() is None
            assert fake.open_sockets == 1
        finally:
            await client.close()

    attempts = [r for r in caplog.records if r.getMessage().startswith("Socket Mode: ")]
    assert len(attempts) == 3
    assert all("invalid_auth" in r.getMessage() for r in attempts)
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in attempts)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_dropped_connection_shows_in_the_state_until_it_is_made_again(
    socket_slack: tuple[FakeSlack, Container], caplog: pytest.LogCaptureFixture
) -> None:
    fake, container = socket_slack
    with caplog.at_level(logging.INFO, logger="bot"):
        client = await start_socket_mode(container, ping_interval=0.2)
        try:
            await eventually(lambda: client.state.connected)
            fake.fail_next("apps.connections.open", error="internal_error", times=50)

            await fake.drop_sockets()

            await eventually(lambda: not client.state.connected)
            assert client.state.reason
        finally:
            await client.close()
    assert any("Socket Mode connection lost" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info]


async def test_readiness_says_when_socket_mode_is_down_and_why(
    socket_slack: tuple[FakeSlack, Container],
) -> None:
    fake, container = socket_slack
    fake.fail_next("apps.connections.open", error="invalid_auth", times=1000)
    app, serving = build_web_app(container)
    client = await start_socket_mode(container, ping_interval=0.2)
    container.readiness.add("slack_socket", client.readiness)  # as `nudgebot run` does
    try:
        async with TestClient(TestServer(app)) as http:
            await eventually(lambda: client.state.failures >= 1)
            response = await http.get("/readyz")
            assert response.status == 503
            body = await response.json()
            socket = body["checks"]["slack_socket"]
            assert socket["ok"] is False and "invalid_auth" in socket["reason"]
    finally:
        await client.close()
        for served in serving:
            await served.stop()
