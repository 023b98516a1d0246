"""Signed Slack requests to the real bolt app served on loopback, against the fake Web API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import Container
from bot.slack.runtime import SlackRuntime
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackApiFailure

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T111"
PAYLOADS = Path(__file__).resolve().parent / "payloads"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return data


class FakeSlack(FakeSlackWebApi):
    """The fake Web API, also answering ``response_url`` posts (what bolt's ``respond`` sends)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.responses: list[dict[str, Any]] = []

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_post("/hooks/{rest:.*}", self._hook)

    async def _hook(self, request: web.Request) -> web.Response:
        """A response URL takes a message as ``chat.postMessage`` does (checked the same)."""
        body = await request.json()
        try:
            self._check_message_blocks(body)
        except SlackApiFailure as exc:
            return web.Response(status=400, text=exc.error)
        with self._lock:
            self.responses.append(body)
        return web.Response(text="ok")

    @property
    def response_url(self) -> str:
        return f"{self.origin}/hooks/commands/{TEAM}/1/x"


def trigger_id() -> str:
    """Slack gives every invocation its own trigger id (a replay carries the same one)."""
    return f"{time.time_ns()}.111.{next(_TRIGGERS)}"


_TRIGGERS = itertools.count(1)


def signed(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{stamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def slash_body(fake: FakeSlack, *, command: str, text: str, user: str) -> str:
    raw = (PAYLOADS / "slash_command.urlencoded").read_text(encoding="utf-8").strip()
    fields = dict(parse_qsl(raw))
    # Slack escapes &, < and > in the text it sends.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    fields.update(
        command=command,
        text=escaped,
        user_id=user,
        team_id=TEAM,
        response_url=fake.response_url,
        trigger_id=trigger_id(),
    )
    fields.pop("enterprise_id", None)
    fields.pop("enterprise_name", None)
    return urlencode(fields)


def interaction_body(data: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(data)})


def block_action(
    fake: FakeSlack,
    *,
    user: str,
    action: dict[str, Any],
    channel: str,
    message: dict[str, Any],
) -> dict[str, Any]:
    data = payload("block_actions_button.json")
    data["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}
    data["team"] = {"id": TEAM, "domain": "test"}
    data["container"] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    data["channel"] = {"id": channel, "name": "directmessage"}
    data["message"] = message
    data["response_url"] = fake.response_url
    data["trigger_id"] = trigger_id()
    data["actions"] = [{"action_ts": "1596530385.194939", **action}]
    return data


def home_action(*, user: str, view: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    """A button pressed on the Home tab: the container is the view; no message, no channel and
    no ``response_url``."""
    data = payload("block_actions_button.json")
    data["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}
    data["team"] = {"id": TEAM, "domain": "test"}
    data["container"] = {"type": "view", "view_id": view["id"]}
    data["view"] = view
    for key in ("message", "channel", "response_url"):
        data.pop(key, None)
    data["trigger_id"] = trigger_id()
    data["actions"] = [{"action_ts": "1596530385.194939", **action}]
    return data


def view_submission(*, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    data = payload("view_submission.json")
    data["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}
    data["team"] = {"id": TEAM, "domain": "test"}
    submitted = {**data["view"], **view}
    submitted["state"] = {"values": values}
    data["view"] = submitted
    data["response_urls"] = []
    data["trigger_id"] = trigger_id()
    return data


def event(name: str, **overrides: Any) -> dict[str, Any]:
    data = payload(name)
    data["team_id"] = TEAM
    data.pop("enterprise_id", None)
    data["event_id"] = overrides.pop("event_id", f"Ev{time.monotonic_ns()}")
    data["event"].update(overrides)
    return data


async def eventually(check: Callable[[], Any], *, within: float = 8.0) -> Any:
    """Wait for work bolt does after acknowledging (never a fixed sleep)."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within}s: {check}")
        await asyncio.sleep(0.05)


async def settle(*, within: float = 10.0) -> None:
    """Wait for the work bolt runs after acknowledging requests to finish (so the database is
    not closed under it)."""

    def pending() -> list[asyncio.Task[Any]]:
        return [
            t
            for t in asyncio.all_tasks()
            if not t.done() and "run_ack_function_asynchronously" in repr(t.get_coro())
        ]

    running = pending()
    if running:
        await asyncio.wait(running, timeout=within)


@dataclass
class Harness:
    fake: FakeSlack
    container: Container
    client: TestClient[web.Request, web.Application]
    runtime: SlackRuntime | None = None

    @property
    def app_client(self) -> AsyncWebClient:
        """The bolt app's Web API client (calls go to the fake)."""
        assert self.runtime is not None
        return self.runtime.app.client

    async def settled(self) -> None:
        """Bolt's work after acknowledging, then any Home tab refresh it scheduled."""
        await settle()
        if self.runtime is not None:
            await self.runtime.built.services.settled()

    async def post(
        self, body: str, *, form: bool = True, headers: dict[str, str] | None = None
    ) -> ClientResponse:
        content_type = "application/x-www-form-urlencoded" if form else "application/json"
        sent = {"Content-Type": content_type, **(signed(body) if headers is None else headers)}
        return await self.client.post("/slack/events", data=body, headers=sent)

    async def slash(self, text: str, *, user: str, command: str = "/nudge") -> ClientResponse:
        return await self.post(slash_body(self.fake, command=command, text=text, user=user))

    async def interact(self, data: dict[str, Any]) -> ClientResponse:
        return await self.post(interaction_body(data))

    async def send_event(self, data: dict[str, Any]) -> ClientResponse:
        return await self.post(json.dumps(data), form=False)

    def replies(self) -> list[dict[str, Any]]:
        return list(self.fake.responses)
