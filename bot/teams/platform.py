"""Proactive messages in Teams (the daily message, digests), sent by the outbox.

A person can be messaged once the app is installed for them: the conversation reference
stored at install (or at their last message) says where. Sends are paced per tenant and per
conversation (:mod:`bot.teams.throttle`); failures come back as the outbox's
``RateLimited`` / ``TransientError`` / ``Unreachable`` (:mod:`bot.teams.connector`).

Teams cannot be asked cheaply whether an earlier attempt got through, so ``find`` returns
None: if the process dies between the connector's answer and the outbox recording the send,
the retry posts the message a second time.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.bootstrap import Container
from bot.delivery.ports import Unreachable
from bot.replies import Reply
from bot.services.context import Deps
from bot.teams import cards
from bot.teams.auth import token_source
from bot.teams.connector import BotConnector, TokenSource
from bot.teams.conversations import lookup
from bot.teams.throttle import Throttle
from nudges.model import Person


class TeamsPlatform:
    def __init__(self, deps: Deps, connector: BotConnector, *, throttle: Throttle | None = None):
        self.deps = deps
        self.connector = connector
        self.throttle = throttle or Throttle()

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        conversation = await asyncio.to_thread(lookup, self.deps, recipient.id)
        if conversation is None:
            raise Unreachable(
                f"person {recipient.id} has no Teams conversation (app not installed)"
            )
        activity: dict[str, Any] = {
            **cards.message(reply),
            "conversation": {"id": conversation.conversation_id},
        }
        if conversation.bot_id:
            activity["from"] = {"id": conversation.bot_id}
        if conversation.user_id:
            activity["recipient"] = {"id": conversation.user_id}
        if conversation.tenant_id:
            activity["channelData"] = {"tenant": {"id": conversation.tenant_id}}
        await self.throttle.wait(
            tenant_id=conversation.tenant_id, conversation_id=conversation.conversation_id
        )
        return await self.connector.send(
            conversation.service_url, conversation.conversation_id, activity
        )

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None  # Teams has no cheap lookup by our delivery id (see the module docstring)

    async def close(self) -> None:
        await self.connector.close()


def teams_platform(
    container: Container,
    *,
    tokens: TokenSource | None = None,
    session: aiohttp.ClientSession | None = None,
    throttle: Throttle | None = None,
) -> TeamsPlatform:
    """The Teams platform for the outbox. ``tokens`` defaults to the Entra app's client
    credentials (MSAL); pass another source to call a local connector."""
    connector = BotConnector(tokens or token_source(container.settings), session=session)
    return TeamsPlatform(container.deps, connector, throttle=throttle)
