"""The *Log…* and *Skip* forms, submitted.

A submission is answered within Slack's 3 seconds; the work is done meanwhile when it can be.
A refusal then comes back in the form itself, beside the field it is about (``response_action:
errors``: a contact the customer does not have, a date in the future) or in place of the form
(a nudge answered meanwhile), and nothing is saved. Work that takes longer closes the form and
its outcome follows in the message (or a direct message).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import LogTouch
from bot.replies import Reply, Tone, Verb
from bot.services.context import Actor
from bot.slack.listeners.actions import actor_of, show_answer, tell
from bot.slack.listeners.context import services_of
from bot.slack.modals import (
    CONTACT,
    CUSTOMER,
    DATE,
    NOTE,
    REASON,
    RITUAL,
    Origin,
    notice_modal,
    submitted,
)
from bot.slack.services import SlackServices, nudge_id

ACK_SECONDS = 2.0  # how long a submission's work may take before the form is let go

#: The form field a refusal is about (the service names the option).
FIELD_BLOCKS = {
    "on": DATE,
    "contact": CONTACT,
    "ritual": RITUAL,
    "customer": CUSTOMER,
    "note": NOTE,
    "reason": REASON,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a submission did: the reply, the answered item's new state (None: nothing
    changed), and who did it."""

    actor: Actor | None
    reply: Reply | None
    state: str | None = None


def _day(raw: str | None) -> date | None:
    """The date picked (the service counts today's as now)."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _inputs(view: dict[str, Any]) -> set[str]:
    return {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}


async def _answered(
    ack: AsyncAck, view: dict[str, Any], work: Awaitable[Outcome], *, title: str
) -> Outcome | None:
    """Run the submission's work within the acknowledgement's time: a refusal is shown in
    the form and None returned; otherwise the form closes and the outcome is returned."""
    task = asyncio.ensure_future(work)
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), ACK_SECONDS)
    except TimeoutError:
        await ack()  # slow today: the form closes, the outcome follows
        return await task
    reply = outcome.reply
    if reply is None or reply.tone is not Tone.ERROR:
        await ack()
        return outcome
    block = FIELD_BLOCKS.get(reply.fields.get("field", ""))
    if block in _inputs(view):
        await ack(response_action="errors", errors={block: reply.text})
    else:
        await ack(response_action="update", view=notice_modal(title, "✗ " + reply.text))
    return None


async def _log(
    services: SlackServices, client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]
) -> Outcome:
    if not await services.first_trigger(body):
        return Outcome(None, None)
    origin = Origin.loads(str(view.get("private_metadata") or ""))
    actor = await actor_of(services, client, body)
    number = nudge_id(origin.ref)
    customer = (
        await services.customer_of(number) if number is not None else submitted(view, CUSTOMER)
    )
    if customer is None:
        missing = "That nudge no longer exists." if origin.ref else "Which customer was it?"
        return Outcome(actor, Reply(text=missing, tone=Tone.ERROR, fields={"field": "customer"}))
    command = LogTouch(
        customer=customer,
        ritual=submitted(view, RITUAL),
        note=submitted(view, NOTE),
        contact=submitted(view, CONTACT),
        on=_day(submitted(view, DATE)),
    )
    reply = await services.log_touch(actor, command, nudge=number)
    return Outcome(actor, reply, reply.text if reply.tone is Tone.SUCCESS else None)


async def log_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    services = services_of(context)
    outcome = await _answered(ack, view, _log(services, client, body, view), title="Log a touch")
    await _follow_up(services, client, view, outcome)


async def _skip(
    services: SlackServices, client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]
) -> Outcome:
    if not await services.first_trigger(body):
        return Outcome(None, None)
    origin = Origin.loads(str(view.get("private_metadata") or ""))
    actor = await actor_of(services, client, body)
    number = nudge_id(origin.ref)
    if number is None:
        return Outcome(actor, None)
    reply, state = await services.answer(
        actor, nudge=number, verb=Verb.SKIP, reason=submitted(view, REASON)
    )
    return Outcome(actor, reply, state)


async def skip_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    services = services_of(context)
    outcome = await _answered(ack, view, _skip(services, client, body, view), title="Skip")
    await _follow_up(services, client, view, outcome)


async def _follow_up(
    services: SlackServices,
    client: AsyncWebClient,
    view: dict[str, Any],
    outcome: Outcome | None,
) -> None:
    """After the form closed: the answered item updated where it was; a touch from any
    message confirmed in a direct message; a refusal that came too late, told the same way."""
    if outcome is None or outcome.actor is None or outcome.reply is None:
        return
    origin = Origin.loads(str(view.get("private_metadata") or ""))
    if outcome.state is None or not origin.ref:
        await tell(client, outcome.actor, outcome.reply)
        return
    await show_answer(
        services,
        client,
        outcome.actor,
        origin=origin,
        state=outcome.state,
        blocks=None,
        fallback="",
    )
