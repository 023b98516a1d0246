"""`nudgebot run` in HTTP mode against the fake Web API, driven by signed requests, with
`nudgebot tick` moving time on in a second process against the same database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.slack.blocks import ACTION_SNOOZE
from storage import make_engine
from storage.tables import nudge_t, touchpoint_t
from tests.integration.slack.harness import (
    SECRET,
    FakeSlack,
    block_action,
    interaction_body,
    signed,
    slash_body,
)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Any, *, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        time.sleep(0.05)


class Bot:
    def __init__(self, url: str, fake: FakeSlack) -> None:
        self.url = url
        self.fake = fake

    def post(self, body: str, *, form: bool = True) -> int:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded" if form else "application/json",
            **signed(body),
        }
        request = urllib.request.Request(
            self.url + "/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status

    def slash(self, text: str, *, user: str, command: str = "/nudge") -> dict[str, Any]:
        before = len(self.fake.responses)
        assert self.post(slash_body(self.fake, command=command, text=text, user=user)) == 200
        wait_for(lambda: len(self.fake.responses) > before)
        reply: dict[str, Any] = self.fake.responses[before]
        return reply


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


@pytest.fixture
def running(database: str, tmp_path: Path) -> Iterator[tuple[Bot, dict[str, str], Path]]:
    with FakeSlack.in_thread() as fake:
        fake.add_user("W111", tz="America/Los_Angeles", real_name="Maria Boss")
        fake.add_user("W222", tz="America/Los_Angeles", real_name="Sam Sales")
        port = free_port()
        config = tmp_path / "config.toml"
        config.write_text(f'[slack]\nmode = "http"\n[server]\nhost = "127.0.0.1"\nport = {port}\n')
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "NUDGEBOT_DATABASE_URL": database,
        }
        for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            env.pop(name, None)
        log = (tmp_path / "run.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "--config", str(config), "run"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: healthy(url) or server.poll() is not None, timeout=20)
            assert server.poll() is None, (tmp_path / "run.log").read_text()
            yield Bot(url, fake), env, config
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def next_weekday_morning() -> datetime:
    """The next weekday 10:00 in Los Angeles (18:00 UTC): past Sam's delivery hour."""
    now = datetime.now(UTC)
    day = now.replace(hour=18, minute=0, second=0, microsecond=0)
    while day <= now or day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_touch_tick_snooze_and_digest_through_the_running_bot(
    running: tuple[Bot, dict[str, str], Path], database: str
) -> None:
    bot, env, config = running
    fake = bot.fake

    assert bot.slash("me", user="W111")["response_type"] == "ephemeral"  # Maria: the admin
    assert "Added" in bot.slash('customer add "Acme Corp" tier=key', user="W222")["text"]
    long_ago = (datetime.now(UTC) - timedelta(days=90)).date().isoformat()
    touched = bot.slash(f"acme call on={long_ago} -- kick-off", user="W222", command="/touch")
    assert "Logged" in touched["text"]
    bot.slash("team add <@W222> manager=<@W111>", user="W111")

    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            assert list(connection.execute(select(touchpoint_t.c.ritual)).scalars()) == ["call"]

        later = next_weekday_morning()
        tick = subprocess.run(
            [
                *[sys.executable, "-m", "bot.cli", "--config", str(config)],
                "tick",
                "--now",
                later.isoformat(),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert tick.returncode == 0, tick.stderr
        dm = wait_for(lambda: fake.dm_messages("W222"))[0]
        assert dm["metadata"]["event_type"] == "nudgebot_delivery"
        actions = next(b for b in dm["blocks"] if b["type"] == "actions")
        select_menu = next(e for e in actions["elements"] if e["action_id"] == ACTION_SNOOZE)
        week = next(o for o in select_menu["options"] if o["value"].endswith("|1w"))

        click = block_action(
            fake,
            user="W222",
            channel="DW222",
            message=dm,
            action={
                "action_id": ACTION_SNOOZE,
                "block_id": actions["block_id"],
                "type": "static_select",
                "selected_option": week,
            },
        )
        assert bot.post(interaction_body(click)) == 200
        update = wait_for(lambda: fake.calls_to("chat.update"))[0]
        assert update.params["ts"] == dm["ts"]

        def snoozed() -> bool:
            with engine.connect() as connection:
                states = list(connection.execute(select(nudge_t.c.state)).scalars())
            return "snoozed" in states

        wait_for(snoozed)

        digest = bot.slash("digest team", user="W111")
        assert digest["response_type"] == "ephemeral"
        assert "Team digest" in digest["text"]
        assert "Sam Sales" in json.dumps(digest["blocks"])
    finally:
        engine.dispose()
