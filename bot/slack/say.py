"""Saying a reply: as ephemeral messages through a response URL, or in the person's DM."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Reply
from bot.slack.errors import logged
from bot.slack.layout import SlackMessage, layout
from bot.slack.pages import Source

#: Slack takes at most five messages through one response URL.
RESPONSE_URL_USES = 5
#: A response URL works for 30 minutes: an ephemeral message is kept that long.
EPHEMERAL_SECONDS = 1800.0
EPHEMERAL_KEPT = 5000


@dataclass
class EphemeralCopies:
    """Slack keeps no copy of an ephemeral message, and a button pressed on one does not
    carry it back: the blocks sent are kept here for the time the message can be answered,
    by person and item, so that an answer updates only that item, not the whole list.
    (Another replica, or a restart, does not have them: the answer then comes as a line of
    its own, and the list stays as it was.)"""

    _kept: OrderedDict[tuple[str, str], tuple[float, SlackMessage]] = field(
        default_factory=OrderedDict
    )

    def keep(self, user_id: str, message: SlackMessage) -> None:
        now = time.monotonic()
        for ref in message.refs:
            self._kept[(user_id, ref)] = (now, message)
            self._kept.move_to_end((user_id, ref))
        while len(self._kept) > EPHEMERAL_KEPT:
            self._kept.popitem(last=False)

    def find(self, user_id: str, ref: str) -> SlackMessage | None:
        found = self._kept.get((user_id, ref))
        if found is None or time.monotonic() - found[0] > EPHEMERAL_SECONDS:
            return None
        return found[1]


def ephemeral_messages(reply: Reply, *, command: str | None) -> list[SlackMessage]:
    """A reply to a command: the whole of it in up to five messages; a digest (or anything
    longer) summarised, its long sections behind "Show all" (the command, run again)."""

    def show_all(index: int) -> str:
        return Source(section=index, command=command).dumps()

    digest = reply.kind == "digest"
    return layout(
        reply,
        max_messages=1 if digest else RESPONSE_URL_USES,
        show_all=show_all if command else None,
        summarise_long=digest,
    )


async def respond_with(
    respond: AsyncRespond,
    reply: Reply,
    *,
    command: str | None,
    copies: EphemeralCopies | None = None,
    user_id: str = "",
) -> None:
    for message in ephemeral_messages(reply, command=command)[:RESPONSE_URL_USES]:
        await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=False,
        )
        if copies is not None and message.refs:
            copies.keep(user_id, message)


async def post_with(client: AsyncWebClient, channel: str, reply: Reply, *, command: str) -> None:
    """A reply to a command typed in the bot's direct messages: as many messages as it
    needs, a digest summarised with "Show all" (the command, run again)."""
    for message in ephemeral_messages(reply, command=command):
        await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)


async def tell(client: AsyncWebClient, user_id: str, reply: Reply) -> None:
    """A reply with nowhere else to go (a modal closed once acknowledged, a Home tab
    button): a direct message, in as many messages as it needs."""
    async with logged("chat.postMessage"):
        for message in layout(reply):
            await client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
