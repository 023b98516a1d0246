"""The daily DM and the scheduled digest: SlackPlatform implements the delivery port.

A delivery is one or more Block Kit messages: a daily message too long for one is split
(every nudge it carries is shown, with its buttons), a long digest is summarised with "Show
all" buttons. Every message carries the delivery id, its part number and whether it is the
last part in its metadata, so that after a crash ``find`` can tell from the DM history whether
the earlier attempt got through (``chat.postMessage`` has no idempotency key), and a retry
after a crash half-way posts only what is missing: nudges already shown are not shown again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import Container
from bot.delivery.ports import Unreachable
from bot.replies import Reply, Section
from bot.slack.blocks import ref_of_block
from bot.slack.client import web_client
from bot.slack.errors import port_errors
from bot.slack.layout import SlackMessage, layout
from bot.slack.pages import Source
from bot.slack.tokens import FixedToken, InstalledTokens, TeamLocks, TokenSource
from nudges.model import Person

log = logging.getLogger(__name__)

METADATA_EVENT = "nudgebot_delivery"
HISTORY_LIMIT = 100  # a day's messages in the DM (the bot's and the person's), and then some
PARTIAL_LIMIT = 1000  # interrupted sends remembered between ``find`` and ``send``


def delivery_metadata(delivery_id: int, *, part: int = 1, last: bool = True) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {"delivery_id": delivery_id, "part": part, "last": last},
    }


def delivery_id_of(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    value = (metadata.get("event_payload") or {}).get("delivery_id")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def is_last_part(message: dict[str, Any]) -> bool:
    """Messages of one part carry no ``last`` flag: each is its delivery's last part."""
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    return bool(payload.get("last", True))


def shown_refs(message: dict[str, Any]) -> set[str]:
    """The items a posted message shows (``item:nudge:42`` blocks)."""
    return {
        ref_of_block(str(block.get("block_id")))
        for block in message.get("blocks") or []
        if str(block.get("block_id") or "").startswith("item:")
    }


@dataclass(frozen=True, slots=True)
class Posted:
    """What an interrupted send had posted: how many parts, the items they show, and the
    reference of its first message (the delivery's reference)."""

    parts: int
    refs: frozenset[str]
    first_ref: str


def without_items(reply: Reply, refs: frozenset[str]) -> Reply:
    """The reply less the items already shown."""
    sections = tuple(
        Section(s.heading, tuple(i for i in s.items if i.ref not in refs), s.note)
        for s in reply.sections
    )
    return Reply(reply.text, sections, reply.tone, reply.footer, reply.kind, dict(reply.fields))


@dataclass
class SlackPlatform:
    container: Container
    tokens: TokenSource
    session: aiohttp.ClientSession | None = None  # shared while serving; else one per send
    _partial: dict[int, Posted] = field(default_factory=dict)  # found by ``find``, for ``send``

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
                yield web_client(
                    self.container.settings,
                    session=self.session,
                    token=token,
                    wait_on_rate_limits=False,  # the outbox paces and waits
                )
                return
            async with aiohttp.ClientSession() as session:
                yield web_client(
                    self.container.settings,
                    session=session,
                    token=token,
                    wait_on_rate_limits=False,
                )

    def _messages(
        self, reply: Reply, *, delivery_id: int, posted: Posted | None
    ) -> list[SlackMessage]:
        """The messages still to post: all of them, or after an interrupted send, those
        showing what was not shown yet (a digest's parts are the same each time: the rest)."""
        if posted is not None and posted.refs:
            reply = without_items(reply, posted.refs)

        def show_all(index: int) -> str:
            return Source(section=index, delivery=delivery_id).dumps()

        # Every nudge a daily message carries is marked delivered: all of them are shown, with
        # their buttons, in as many messages as that takes. Anything else is one message.
        whole = reply.kind == "nudges"
        messages = layout(
            reply,
            max_messages=None if whole else 1,
            show_all=show_all,
            summarise_long=reply.kind == "digest",
        )
        if posted is not None and not posted.refs:
            messages = messages[posted.parts :]
        return messages

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        posted = self._partial.pop(delivery_id, None)
        messages = self._messages(reply, delivery_id=delivery_id, posted=posted)
        first_ref = posted.first_ref if posted is not None else None
        start = posted.parts + 1 if posted is not None else 1
        async with self._client(recipient) as client:
            opened = await client.conversations_open(users=recipient.platform_user_id)
            channel = opened["channel"]["id"]
            for index, message in enumerate(messages):
                sent = await client.chat_postMessage(
                    channel=channel,
                    text=message.text,
                    blocks=message.blocks,
                    metadata=delivery_metadata(
                        delivery_id, part=start + index, last=index == len(messages) - 1
                    ),
                    unfurl_links=False,
                    unfurl_media=False,
                )
                first_ref = first_ref or f"{sent['channel']}:{sent['ts']}"
        return first_ref or ""

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        """The delivery's first message if all its parts are in the DM; else None, and what
        was posted is remembered for ``send`` to post only the rest."""
        async with self._client(recipient) as client:
            opened = await client.conversations_open(users=recipient.platform_user_id)
            channel = opened["channel"]["id"]
            history = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        parts = [m for m in history.get("messages") or [] if delivery_id_of(m) == delivery_id]
        if not parts:
            return None
        first_ref = f"{channel}:{min(parts, key=lambda m: float(m['ts']))['ts']}"
        if any(is_last_part(m) for m in parts):
            return first_ref
        if len(self._partial) >= PARTIAL_LIMIT:
            self._partial.clear()
        self._partial[delivery_id] = Posted(
            parts=len(parts),
            refs=frozenset(ref for m in parts for ref in shown_refs(m)),
            first_ref=first_ref,
        )
        log.info(
            "delivery %s was posted in part (%s parts): posting the rest", delivery_id, len(parts)
        )
        return None


def installed_tokens(
    container: Container, *, session: aiohttp.ClientSession | None = None
) -> InstalledTokens:
    """The bot tokens of the workspaces that installed the app through the OAuth flow."""
    from bot.slack.installations import SqlInstallationStore

    secrets = container.settings.secrets
    if not (secrets.slack_client_id and secrets.slack_client_secret):
        raise RuntimeError("Slack's OAuth flow needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    return InstalledTokens(
        store=SqlInstallationStore(container.deps, client_id=secrets.slack_client_id),
        client=web_client(container.settings, session=session),
        client_id=secrets.slack_client_id,
        client_secret=secrets.slack_client_secret,
        rotation=container.settings.slack.token_rotation,
        locks=TeamLocks(container.shared_locks),
    )


def token_source(
    container: Container, *, session: aiohttp.ClientSession | None = None
) -> TokenSource:
    """``SLACK_BOT_TOKEN`` for one workspace; else the installations of the OAuth flow."""
    secrets = container.settings.secrets
    if secrets.slack_client_id and secrets.slack_client_secret:
        return installed_tokens(container, session=session)
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
