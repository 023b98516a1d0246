"""The daily DM and the scheduled digest: SlackPlatform implements the delivery port.

One Block Kit message per delivery, carrying the delivery id in its metadata, so that after a
crash ``find`` can tell from the DM history whether the earlier attempt got through
(``chat.postMessage`` has no idempotency key)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import Container
from bot.delivery.ports import Unreachable
from bot.replies import Reply
from bot.slack.blocks import message
from bot.slack.client import web_client
from bot.slack.errors import port_errors
from bot.slack.tokens import FixedToken, InstalledTokens, TeamLocks, TokenSource
from nudges.model import Person

METADATA_EVENT = "nudgebot_delivery"
HISTORY_LIMIT = 50  # a day's messages from the bot, and then some


def delivery_metadata(delivery_id: int) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": delivery_id}}


def delivery_id_of(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    value = (metadata.get("event_payload") or {}).get("delivery_id")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


@dataclass
class SlackPlatform:
    container: Container
    tokens: TokenSource
    session: aiohttp.ClientSession | None = None  # shared while serving; else one per send

    def _team_of(self, person: Person) -> str:
        with self.container.deps.uow() as uow:
            workspace = uow.workspaces.get(person.workspace_id)
        if workspace is None:
            raise Unreachable(f"workspace {person.workspace_id} is gone")
        return workspace.external_id

    @asynccontextmanager
    async def _client(self, person: Person) -> AsyncIterator[AsyncWebClient]:
        team_id = await asyncio.to_thread(self._team_of, person)
        async with port_errors():
            token = await self.tokens.bot_token(team_id=team_id)
            if self.session is not None and not self.session.closed:
                yield web_client(self.container.settings, session=self.session, token=token)
                return
            async with aiohttp.ClientSession() as session:
                yield web_client(self.container.settings, session=session, token=token)

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        text, blocks = message(reply)
        async with self._client(recipient) as client:
            opened = await client.conversations_open(users=recipient.platform_user_id)
            channel = opened["channel"]["id"]
            posted = await client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                metadata=delivery_metadata(delivery_id),
                unfurl_links=False,
                unfurl_media=False,
            )
        return f"{posted['channel']}:{posted['ts']}"

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        async with self._client(recipient) as client:
            opened = await client.conversations_open(users=recipient.platform_user_id)
            channel = opened["channel"]["id"]
            history = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        for found in history.get("messages") or []:
            if delivery_id_of(found) == delivery_id:
                return f"{channel}:{found['ts']}"
        return None


def token_source(
    container: Container, *, session: aiohttp.ClientSession | None = None
) -> TokenSource:
    """``SLACK_BOT_TOKEN`` for one workspace; else the installations of the OAuth flow."""
    from bot.slack.installations import SqlInstallationStore

    secrets = container.settings.secrets
    if secrets.slack_client_id and secrets.slack_client_secret:
        return InstalledTokens(
            store=SqlInstallationStore(container.deps, client_id=secrets.slack_client_id),
            client=web_client(container.settings, session=session),
            client_id=secrets.slack_client_id,
            client_secret=secrets.slack_client_secret,
            rotation=container.settings.slack.token_rotation,
            locks=TeamLocks(container.engine),
        )
    if secrets.slack_bot_token:
        return FixedToken(secrets.slack_bot_token)
    raise RuntimeError("Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")


def slack_platform(
    container: Container,
    *,
    session: aiohttp.ClientSession | None = None,
    tokens: TokenSource | None = None,
) -> SlackPlatform:
    return SlackPlatform(
        container=container,
        tokens=tokens or token_source(container, session=session),
        session=session,
    )
