"""Log lines: JSON that parses, one event a line, carrying the ids of what is handled; the
scheduler's chatter kept out unless asked for; no token, secret, query string or message body
at INFO."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build
from bot.config import LogFormat, LoggingSettings, Secrets, Settings, SlackMode, SlackSettings
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.ops import logs
from bot.scheduler import build_scheduler
from bot.server import build_web_app
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book
from tests.integration.slack.harness import (
    SECRET,
    FakeSlack,
    Harness,
    eventually,
    settle,
    slash_body,
)

Capture = Callable[..., io.StringIO]


@pytest.fixture
def capture() -> Iterator[Capture]:
    """``capture(format=..., verbose=...)``: the bot's logging set up as `nudgebot` does,
    into a buffer; put back as it was afterwards."""
    root = logging.getLogger()
    level = root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET}
    handlers: list[logging.Handler] = []

    def start(
        *, format: LogFormat = LogFormat.JSON, verbose: bool = False, **kw: Any
    ) -> io.StringIO:
        buffer = io.StringIO()
        handlers.append(
            logs.configure(LoggingSettings(format=format, **kw), verbose=verbose, stream=buffer)
        )
        return buffer

    yield start
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]  # each one parses


@pytest.mark.db
async def test_json_lines_parse_and_carry_the_ids_of_the_command_and_the_delivery(
    book: Book, capture: Capture
) -> None:
    buffer = capture(format=LogFormat.JSON)
    book.say('customer add "Acme" tier=key last=2026-01-05')
    book.clock.set(START + timedelta(minutes=55))
    sweep(book.deps, now=book.clock.now())
    platform = FakePlatform()
    platform.fail_next("transient")
    slot = START + timedelta(hours=1)
    await Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="w").drain(now=slot)
    [delivery] = book.deliveries()

    lines = json_lines(buffer)
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line)
    [command] = [line for line in lines if line.get("command") == "add_customer"]
    assert command["level"] == "INFO"
    assert command["person_id"] == book.maria.person.id
    assert command["workspace"] == "console"
    assert command["platform"] == "console"
    assert "Acme" not in command["message"]  # what was typed is not logged
    [retry] = [line for line in lines if "attempt 1 failed" in line["message"]]
    assert retry["delivery_id"] == delivery.id
    assert retry["person_id"] == book.maria.person.id
    assert retry["platform"] == "console"
    assert "command" not in retry  # ids stay with what they belong to


@pytest.mark.db
def test_text_lines_show_the_ids_after_the_message(book: Book, capture: Capture) -> None:
    buffer = capture(format=LogFormat.TEXT)
    book.say('customer add "Acme" tier=key')
    [line] = [ln for ln in buffer.getvalue().splitlines() if "add_customer answered" in ln]
    person = book.maria.person.id
    assert line.endswith(
        f"[person_id={person} workspace=console platform=console command=add_customer]"
    )


@pytest.mark.db
async def test_the_schedulers_own_lines_are_left_out_unless_verbose(
    book: Book, capture: Capture
) -> None:
    buffer = capture()
    scheduler = build_scheduler(book.container, {PlatformName.CONSOLE: FakePlatform()})
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    assert "Adding job" not in buffer.getvalue()

    verbose = capture(verbose=True)
    scheduler = build_scheduler(book.container, {PlatformName.CONSOLE: FakePlatform()})
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    assert "Adding job" in verbose.getvalue()


def test_a_level_per_logger_is_applied(capture: Capture) -> None:
    buffer = capture(levels={"bot.delivery": "DEBUG", "apscheduler": "INFO"})
    logging.getLogger("bot.delivery.outbox").debug("a debug line of the outbox")
    logging.getLogger("bot.services").debug("a debug line elsewhere")
    assert logging.getLogger("apscheduler").getEffectiveLevel() == logging.INFO
    messages = [line["message"] for line in json_lines(buffer)]
    assert messages == ["a debug line of the outbox"]


@pytest.mark.db
async def test_no_token_secret_query_string_or_message_body_is_logged_at_info(
    database: str, capture: Capture
) -> None:
    buffer = capture(format=LogFormat.TEXT)
    async with FakeSlack() as fake:
        fake.add_user("W222", tz="America/Los_Angeles", real_name="Sam Sales")
        settings = Settings(
            database_url=database,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET),
        )
        container = build(settings, pool_size=2)
        app, serving = build_web_app(container)
        server = TestServer(app)
        await server.start_server(access_log_class=logs.AccessLogger)  # as the bot serves
        async with TestClient(server) as client:
            harness = Harness(fake=fake, container=container, client=client)
            await harness.slash('customer add "Acme Corp" tier=key', user="W222")
            await eventually(lambda: len(harness.replies()) == 1)
            body = slash_body(
                fake, command="/touch", text="acme call -- their CFO is ill", user="W222"
            )
            await harness.post(body)
            await eventually(lambda: len(harness.replies()) == 2)
            async with client.get("/slack/oauth_redirect?code=one-time-code&state=s") as r:
                assert r.status == 404
            await settle()
        for served in serving:
            await served.stop()
        container.close()
    text = buffer.getvalue()
    assert "log_touch answered" in text  # the events are there...
    assert "GET /slack/oauth_redirect 404" in text
    for never in ("xoxb-test-token", SECRET, "their CFO is ill", "one-time-code", "Acme Corp"):
        assert never not in text  # ...what they carried is not
