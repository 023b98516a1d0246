"""A head of sales opens the bot's Home tab in Slack: how long until it is published, through
the real bolt app (signed ``app_home_opened`` event over HTTP) against the loopback fake of the
Slack Web API. Two instants: the first ``views.publish`` (Home is published at once, its "My
team" section still being put together) and the one that carries the whole team ("By team").

    .venv/bin/python -m benchmarks.parts slack-home --db URL --now ISO

The book's workspace is relabelled a Slack team in the database it is given (use a copy).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text, update

from storage import make_engine
from storage.tables import workspace_t

Result = dict[str, Any]
HOME_OPENED = timedelta(minutes=40)  # after the first tick (T + 30 min) and the steady one


def _head_of_sales(url: str) -> str:
    """Make the book's workspace a Slack team; return the platform id of the person with the
    most people under them (reports of reports included)."""
    from tests.integration.slack.harness import TEAM

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(workspace_t).values(platform="slack", external_id=TEAM, name="Bench")
            )
            managers = dict(connection.execute(text("SELECT id, manager_id FROM person")).all())
            users = dict(connection.execute(text("SELECT id, platform_user_id FROM person")).all())
    finally:
        engine.dispose()
    under: dict[int, int] = {}
    for manager in list(managers.values()):
        seen: set[int] = set()
        while manager is not None and manager not in seen:
            seen.add(manager)
            under[manager] = under.get(manager, 0) + 1
            manager = managers.get(manager)
    head = max(under, key=lambda m: (under[m], -m))
    return str(users[head])


def slack_home(args: argparse.Namespace) -> Result:
    return asyncio.run(_slack_home(args))


async def _slack_home(args: argparse.Namespace) -> Result:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.bootstrap import build
    from bot.clock import FixedClock
    from bot.config import Secrets, Settings, SlackMode, SlackSettings
    from bot.slack.runtime import attach_slack
    from nudges.model import Platform as PlatformName
    from tests.integration.slack.harness import SECRET, FakeSlack, Harness, event, eventually

    head = _head_of_sales(args.db)
    now = datetime.fromisoformat(args.now) + HOME_OPENED
    async with FakeSlack() as fake:
        settings = Settings(
            database_url=args.db,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET),
        )
        container = build(settings, clock=FixedClock(now), pool_size=8, auto_migrate=False)
        app = web.Application()
        runtime = attach_slack(app, container)
        container.platforms[PlatformName.SLACK] = runtime.sender
        try:
            async with TestClient(TestServer(app)) as client:
                harness = Harness(fake=fake, container=container, client=client, runtime=runtime)
                sent = time.monotonic()
                await harness.send_event(event("app_home_opened_home.json", user=head))
                first = (await eventually(lambda: fake.calls_to("views.publish"), within=120))[0]
                await eventually(lambda: "By team" in json.dumps(fake.home_view(head)), within=300)
                whole = next(
                    c.at
                    for c in fake.calls_to("views.publish")
                    if "By team" in json.dumps(c.params.get("view"))
                )
                view = fake.home_view(head) or {}
                team = next(
                    (
                        b["text"]["text"]
                        for b in view.get("blocks", [])
                        if b.get("type") == "section"
                        and "people" in b.get("text", {}).get("text", "")
                    ),
                    "",
                )
                await runtime.built.services.settled()
        finally:
            await runtime.stop()
            container.close()
    return {
        "seconds": whole - sent,
        "first_publish_s": first.at - sent,
        "whole_team_s": whole - sent,
        "publishes": len(fake.calls_to("views.publish")),
        "team": team[:120],
    }
