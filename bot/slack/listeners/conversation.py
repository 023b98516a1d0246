"""Talking to the bot in its direct messages (``message.im``: the same grammar as ``/nudge``,
so ``touch acme coffee`` typed in the DM logs a touch), and the "Log as touch" message
shortcut, which logs any message as a touch: the Log… form with the message as its note and
the customer guessed from the channel's name or the text."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import unescape
from bot.slack.errors import logged
from bot.slack.listeners.actions import actor_of
from bot.slack.listeners.context import services_of
from bot.slack.modals import Origin, log_modal
from bot.slack.say import post_with

SHORTCUT_LOG = "log_as_touch"


def _from_a_person(event: dict[str, Any]) -> bool:
    """A person's own new message: not the bot's, not an edit, a join or a deletion."""
    return (
        event.get("channel_type") == "im"
        and not event.get("bot_id")
        and not event.get("subtype")
        and bool(str(event.get("text") or "").strip())
    )


async def direct_message(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if not _from_a_person(event):
        return
    services = services_of(context)
    actor = await services.actor(
        client,
        team_id=str(context.team_id or body.get("team_id") or ""),
        team_name="",
        user_id=str(event.get("user")),
    )
    text = unescape(str(event.get("text") or "")).strip()
    reply = await services.run(actor, text)
    async with logged("chat.postMessage"):
        await post_with(client, str(event.get("channel")), reply, command=text)


async def log_message(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """The form opens at once (the ``trigger_id`` lasts 3 s); the guess follows."""
    await ack()
    services = services_of(context)
    note = unescape(str((shortcut.get("message") or {}).get("text") or "")).strip() or None
    origin = Origin(ref="")  # not an answer to a nudge
    rituals = services.rituals()

    def form(customer: str | None, today: Any) -> dict[str, Any]:
        return log_modal(
            origin,
            customer=customer,
            rituals=rituals,
            today=today,
            ask_customer=True,
            note=note,
        )

    async with logged("views.open"):
        opened = await client.views_open(trigger_id=shortcut["trigger_id"], view=form(None, None))
        actor = await actor_of(services, client, shortcut)
        channel = str((shortcut.get("channel") or {}).get("name") or "")
        guess = await services.guess_customer(actor, channel_name=channel, text=note or "")
        found = opened.get("view") or {}
        await client.views_update(
            view_id=found.get("id"),
            hash=found.get("hash"),
            view=form(guess, actor.today(services.container.deps.clock.now())),
        )
