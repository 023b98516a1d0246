from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Secrets, Settings, SlackMode, SlackSettings
from bot.slack.runtime import attach_slack
from nudges.model import Platform as PlatformName
from nudges.policy import Policy
from tests.conftest import DEFAULT_POSTGRES, POSTGRES_ENV, Postgres, _wanted
from tests.integration.slack.demo_book import NOW, make_book
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
        container.platforms[PlatformName.SLACK] = runtime.sender
        async with TestClient(TestServer(app)) as client:
            yield Harness(fake=fake, container=container, client=client, runtime=runtime)
            await settle()
        await runtime.stop()
        container.close()


@pytest.fixture(scope="module", params=_wanted())
def demo_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
        url = f"sqlite:///{path}"
        make_book(url)
        yield url
        return
    server = Postgres(os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES))
    try:
        server.create()
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is not reachable ({exc})")
        pytest.skip(f"PostgreSQL is not reachable ({type(exc).__name__})")
    try:
        make_book(server.url)
        yield server.url
    finally:
        server.drop()


@pytest.fixture
async def demo(demo_url: str) -> AsyncIterator[Harness]:
    async with FakeSlack() as fake:
        settings = Settings(
            database_url=demo_url,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-test", slack_signing_secret=SECRET),
            # Digests list a thousand accounts of each kind (30 by default): long sections.
            policy=Policy(digest_list_limit=1_000),
        )
        container = build(settings, clock=FixedClock(NOW), pool_size=8)
        app = web.Application()
        runtime = attach_slack(app, container)
        container.platforms[PlatformName.SLACK] = runtime.sender
        async with TestClient(TestServer(app)) as client:
            yield Harness(fake=fake, container=container, client=client, runtime=runtime)
            await settle(within=60)
            await runtime.built.services.settled()
        await runtime.stop()
        container.close()
