"""``/touch <customer> [ritual] [-- note]`` and ``/nudge <any command>``: ephemeral replies."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import slash_text
from bot.replies import error
from bot.slack.blocks import unescape
from bot.slack.listeners.context import services_of
from bot.slack.say import respond_with

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Sorry, that went wrong on our side and may not have been saved. Please try again in a "
    "moment; if it keeps happening, tell your admin."
)


async def slash_command(
    ack: AsyncAck,
    command: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()  # within Slack's 3 seconds; the work happens after
    services = services_of(context)
    if not await services.first_trigger(command):
        return
    text = slash_text(command["command"], unescape(command.get("text", "")))
    try:
        actor = await services.actor(
            client,
            team_id=command["team_id"],
            team_name=command.get("team_domain", ""),
            user_id=command["user_id"],
        )
        reply = await services.run(actor, text)
    except Exception as exc:  # acknowledged already: the person must still hear back
        log.error("slash command failed: %s", type(exc).__name__)
        log.debug("slash command failed", exc_info=exc)
        reply = error(UNEXPECTED)
    await respond_with(
        respond, reply, command=text, copies=services.ephemeral, user_id=command["user_id"]
    )
    # The Home tab is not published here: it is not what the person is looking at, and
    # opening it (app_home_opened) publishes it with this change.
