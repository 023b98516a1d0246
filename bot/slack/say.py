"""Saying a reply: as ephemeral messages through a response URL, or in the person's DM."""

from __future__ import annotations

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Reply
from bot.slack.layout import SlackMessage, layout
from bot.slack.pages import Source

#: Slack takes at most five messages through one response URL.
RESPONSE_URL_USES = 5


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


async def respond_with(respond: AsyncRespond, reply: Reply, *, command: str | None) -> None:
    for message in ephemeral_messages(reply, command=command)[:RESPONSE_URL_USES]:
        await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=False,
        )


async def tell(client: AsyncWebClient, user_id: str, reply: Reply) -> None:
    """A reply with nowhere else to go (a modal closed once acknowledged, a Home tab
    button): a direct message, in as many messages as it needs."""
    for message in layout(reply):
        await client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
