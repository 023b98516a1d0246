"""Helpers for the Teams tests: activities from the fixtures, a container on a test database,
the real aiohttp endpoint, and outgoing auth that never reaches the network."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.config.settings import Secrets, ServerSettings, TeamsSettings
from bot.teams.runtime import TeamsRuntime, attach_teams

FIXTURES = Path(__file__).resolve().parent / "fixtures"
APP_ID = "00000000-0000-0000-0000-0000000000c1"
TENANT = "00000000-0000-0000-0000-0000000000a1"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday
OUTGOING_TOKEN = "outgoing-test-token"


def activity(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data.update(changes)
    return data


def card_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (FIXTURES / "adaptive-card-1.5.schema.json").read_text(encoding="utf-8")
    )
    return schema


class FixedTokens:
    """Outgoing tokens without MSAL: a fixed bearer value."""

    def __init__(self, token: str = OUTGOING_TOKEN) -> None:
        self.token = token
        self.requests: list[tuple[str, list[str]]] = []

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return AgentAuthConfiguration(client_id=APP_ID)

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        self.requests.append((resource_url, list(scopes)))
        return self.token

    def get_token_credential(self) -> Any:
        return AnonymousTokenProvider().get_token_credential()


class FixedConnections:
    """The SDK's connection manager, answering every lookup with :class:`FixedTokens`."""

    def __init__(self, tokens: FixedTokens | None = None) -> None:
        self.tokens = tokens or FixedTokens()

    def get_connection(self, connection_name: str | None) -> FixedTokens:
        return self.tokens

    def get_default_connection(self) -> FixedTokens:
        return self.tokens

    def get_token_provider(self, claims_identity: ClaimsIdentity, service_url: str) -> FixedTokens:
        return self.tokens

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Any
    ) -> FixedTokens:
        return self.tokens

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.tokens.configuration


def teams_settings(
    database: str, *, anonymous: bool = True, host: str = "127.0.0.1", **secrets: str
) -> Settings:
    return replace(
        Settings(),
        database_url=database,
        server=ServerSettings(host=host),
        teams=TeamsSettings(enabled=True, allow_anonymous=anonymous),
        secrets=Secrets(**secrets),
    )


def make_container(settings: Settings) -> Container:
    return build(settings, clock=FixedClock(NOW))


@asynccontextmanager
async def endpoint(
    container: Container, *, tokens: FixedTokens | None = None
) -> AsyncIterator[tuple[TestClient[web.Request, web.Application], TeamsRuntime]]:
    """The real aiohttp app with Teams attached, served on loopback."""
    app = web.Application()
    tokens = tokens or FixedTokens()
    runtime = attach_teams(app, container, connections=FixedConnections(tokens), tokens=tokens)
    client: TestClient[web.Request, web.Application] = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, runtime
    finally:
        await client.close()
        await runtime.stop()


async def post(
    client: TestClient[web.Request, web.Application],
    body: dict[str, Any],
    *,
    token: str | None = None,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with client.post("/api/messages", json=body, headers=headers) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None


def replies(body: Any) -> list[dict[str, Any]]:
    """The activities of an ``expectReplies`` answer."""
    assert isinstance(body, dict), body
    found: list[dict[str, Any]] = body.get("activities") or []
    return found


def cards_of(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a["content"]
        for a in activity.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def texts_of(card: dict[str, Any]) -> list[str]:
    """Every TextBlock's text in a card, depth first."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(str(node.get("text")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body"))
    return out
