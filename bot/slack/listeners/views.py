"""The *Log…* and *Skip* modals, submitted."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import LogTouch
from bot.replies import Reply, Tone, Verb
from bot.slack.listeners.actions import actor_of, show_answer, tell
from bot.slack.listeners.context import services_of
from bot.slack.modals import CONTACT, DATE, NOTE, REASON, RITUAL, Origin, submitted
from bot.slack.services import nudge_id


def _day(raw: str | None, today: date) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return None if day == today else day


async def log_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    services = services_of(context)
    if not await services.first_trigger(body):
        return
    origin = Origin.loads(str(view.get("private_metadata") or ""))
    actor = await actor_of(services, client, body)
    number = nudge_id(origin.ref)
    customer = await services.customer_of(number) if number is not None else None
    if number is None or customer is None:
        await tell(client, actor, Reply(text="That nudge no longer exists.", tone=Tone.ERROR))
        return
    command = LogTouch(
        customer=customer,
        ritual=submitted(view, RITUAL),
        note=submitted(view, NOTE),
        contact=submitted(view, CONTACT),
        on=_day(submitted(view, DATE), actor.today(services.container.deps.clock.now())),
    )
    reply = await services.log_touch(actor, command, nudge=number)
    if reply.tone is not Tone.SUCCESS:
        await tell(client, actor, reply)
        return
    await show_answer(
        services, client, actor, origin=origin, state=reply.text, blocks=None, fallback=""
    )


async def skip_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    services = services_of(context)
    if not await services.first_trigger(body):
        return
    origin = Origin.loads(str(view.get("private_metadata") or ""))
    actor = await actor_of(services, client, body)
    number = nudge_id(origin.ref)
    if number is None:
        return
    reply, state = await services.answer(
        actor, nudge=number, verb=Verb.SKIP, reason=submitted(view, REASON)
    )
    if state is None:
        await tell(client, actor, reply)
        return
    await show_answer(services, client, actor, origin=origin, state=state, blocks=None, fallback="")
