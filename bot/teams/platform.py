"""Proactive messages in Teams (the daily message, digests), sent by the outbox.

A person can be messaged once the app is installed for them: the conversation reference
stored at install (or at their last message) says where — only ever a personal chat. A
manager's weekly digest also goes to the channel they chose with ``digest channel``.

A message goes in as many parts as Teams' size limit needs (:mod:`bot.teams.outgoing`); each
part is recorded once Teams took it, so a retry of the same delivery (after a 5xx, a rate
limit or a crash) sends only the parts still missing. ``find`` therefore answers None: the
send itself knows what got through. (What remains: a crash between Teams accepting a part
and the record of it sends that one part again.)

Sends are paced per tenant and per conversation (:mod:`bot.teams.throttle`); failures come
back as the outbox's ``RateLimited`` / ``TransientError`` / ``Unreachable`` / ``Rejected``
(:mod:`bot.teams.connector`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.bootstrap import Container
from bot.delivery.ports import Rejected, Unreachable
from bot.replies import Reply
from bot.services.context import Deps
from bot.teams.auth import outgoing_tokens
from bot.teams.connector import BotConnector, TokenSource
from bot.teams.conversations import digest_channel, forget_digest_channel, lookup
from bot.teams.outgoing import Destination, post_reply
from bot.teams.showall import SHOWN_FROM_DELIVERY
from bot.teams.split import PART_BUDGET
from bot.teams.throttle import Throttle
from nudges.model import Person

log = logging.getLogger(__name__)

DIGEST = "digest"


class TeamsPlatform:
    def __init__(
        self,
        deps: Deps,
        connector: BotConnector,
        *,
        throttle: Throttle | None = None,
        part_budget: int = PART_BUDGET,
    ):
        self.deps = deps
        self.connector = connector
        self.throttle = throttle or Throttle()
        self.part_budget = part_budget  # UTF-16 bytes one part's activity may use

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        conversation = await asyncio.to_thread(lookup, self.deps, recipient.id)
        if conversation is None:
            raise Unreachable(
                f"person {recipient.id} has no Teams conversation (app not installed)"
            )
        envelope: dict[str, Any] = {"conversation": {"id": conversation.conversation_id}}
        if conversation.bot_id:
            envelope["from"] = {"id": conversation.bot_id}
        if conversation.user_id:
            envelope["recipient"] = {"id": conversation.user_id}
        if conversation.tenant_id:
            envelope["channelData"] = {"tenant": {"id": conversation.tenant_id}}
        ids = await self._post(
            reply,
            service_url=conversation.service_url,
            tenant_id=conversation.tenant_id,
            to=Destination(
                conversation_id=conversation.conversation_id,
                person_id=recipient.id,
                refresh_for=(conversation.user_id,) if conversation.user_id else (),
                envelope=tuple(envelope.items()),
            ),
            delivery_id=delivery_id,
        )
        if reply.kind == DIGEST:
            await self._post_to_digest_channel(recipient, reply, delivery_id=delivery_id)
        return _reference(ids)

    async def _post_to_digest_channel(
        self, recipient: Person, reply: Reply, *, delivery_id: int
    ) -> None:
        """The digest in the manager's chosen channel too. A channel the bot can no longer
        post to is forgotten; a digest Teams refuses there is left out of it (either way the
        manager's own copy went out)."""
        channel = await asyncio.to_thread(digest_channel, self.deps, recipient.id)
        if channel is None:
            return
        reference = channel.reference
        tenant = str(reference.get("tenantId") or "") or None
        envelope: dict[str, Any] = {
            "conversation": {"id": channel.channel_id, "isGroup": True},
            "channelData": {"channel": {"id": channel.channel_id}},
        }
        bot = reference.get("bot") or {}
        if isinstance(bot, dict) and bot.get("id"):
            envelope["from"] = {"id": bot["id"]}
        if tenant:
            envelope["channelData"]["tenant"] = {"id": tenant}
        try:
            await self._post(
                reply,
                service_url=str(reference.get("serviceUrl") or ""),
                tenant_id=tenant,
                to=Destination(
                    conversation_id=channel.channel_id,
                    person_id=recipient.id,
                    envelope=tuple(envelope.items()),
                ),
                delivery_id=delivery_id,
            )
        except Unreachable as exc:
            log.warning(
                "digest channel of person %s forgotten: %s", recipient.id, type(exc).__name__
            )
            await asyncio.to_thread(forget_digest_channel, self.deps, recipient.id)
        except Rejected as exc:  # this digest, not the channel: the manager's own copy went out
            log.warning("digest not posted in the channel of person %s: %s", recipient.id, exc)

    async def _post(
        self,
        reply: Reply,
        *,
        service_url: str,
        tenant_id: str | None,
        to: Destination,
        delivery_id: int,
    ) -> list[str]:
        async def post(activity: dict[str, Any]) -> str | None:
            await self.throttle.wait(tenant_id=tenant_id, conversation_id=to.conversation_id)
            return await self.connector.send(service_url, to.conversation_id, activity)

        return await post_reply(
            self.deps,
            reply,
            to=to,
            post=post,
            delivery_id=delivery_id,
            budget=self.part_budget,
            show_all={SHOWN_FROM_DELIVERY: delivery_id},
        )

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None  # send() skips the parts already sent (see the module docstring)

    async def close(self) -> None:
        await self.connector.close()


def _reference(ids: list[str]) -> str:
    """The message reference the outbox keeps: the first part's id, and how many parts."""
    if len(ids) <= 1:
        return ids[0] if ids else ""
    return f"{ids[0]} (+{len(ids) - 1} parts)"


def teams_platform(
    container: Container,
    *,
    tokens: TokenSource | None = None,
    session: aiohttp.ClientSession | None = None,
    throttle: Throttle | None = None,
) -> TeamsPlatform:
    """The platform for the outbox; ``tokens`` default to the Entra app's client credentials
    (MSAL), or none at all in anonymous local development."""
    connector = BotConnector(tokens or outgoing_tokens(container.settings), session=session)
    return TeamsPlatform(container.deps, connector, throttle=throttle)
