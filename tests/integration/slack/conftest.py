from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Secrets, Settings, SlackMode, SlackSettings
from bot.slack.runtime import attach_slack
from tests.integration.slack.harness import SECRET, FakeSlack, Harness, settle

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # a Monday, 09:00 in Los Angeles


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def harness(database: str, clock: FixedClock) -> AsyncIterator[Harness]:
    async with FakeSlack() as fake:
        fake.add_user("W111", tz="America/Los_Angeles", real_name="Maria Boss")
        fake.add_user("W222", tz="America/Los_Angeles", real_name="Sam Sales")
        settings = Settings(
            database_url=database,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-test", slack_signing_secret=SECRET),
        )
        container = build(settings, clock=clock, pool_size=2)
        app = web.Application()
        runtime = attach_slack(app, container)
        async with TestClient(TestServer(app)) as client:
            yield Harness(fake=fake, container=container, client=client, runtime=runtime)
            await settle()
        await runtime.stop()
        container.close()
