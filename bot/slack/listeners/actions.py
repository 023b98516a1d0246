"""A nudge's buttons: Done, Snooze (a choice or a date), Log… and Skip (modals), any other
answer (an escalation's, with a person picker for Reassign…; how a pitch went).

After an answer the message is updated in place: the item shows its new state, its buttons go.
On the Home tab (which has no message, and no ``response_url``) the tab is published again.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import ParseError, UserRef, parse_relative_until
from bot.replies import Reply, Verb
from bot.services.context import Actor
from bot.slack.blocks import VERB_ACTION_PREFIX, escape, mark_item, ref_of_block
from bot.slack.errors import logged
from bot.slack.layout import SlackMessage
from bot.slack.listeners.context import services_of
from bot.slack.modals import Origin, log_modal, skip_modal
from bot.slack.say import respond_with
from bot.slack.say import tell as tell_user
from bot.slack.services import SlackServices, nudge_id

log = logging.getLogger(__name__)


async def actor_of(services: SlackServices, client: AsyncWebClient, body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    team = body.get("team") or {}
    return await services.actor(
        client,
        team_id=str(team.get("id") or user.get("team_id") or ""),
        team_name=str(team.get("domain") or ""),
        user_id=str(user.get("id") or ""),
    )


def origin_of(body: dict[str, Any], ref: str) -> Origin:
    container = body.get("container") or {}
    if container.get("type") == "message" and not container.get("is_ephemeral"):
        return Origin(ref=ref, channel=container.get("channel_id"), ts=container.get("message_ts"))
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "home":
        return Origin(ref=ref, home=True)
    return Origin(ref=ref)


async def tell(client: AsyncWebClient, actor: Actor, reply: Reply) -> None:
    """A reply with nowhere else to go (a modal closed once acknowledged, a Home tab button):
    a direct message."""
    await tell_user(client, actor.person.platform_user_id, reply)


async def show_answer(
    services: SlackServices,
    client: AsyncWebClient,
    actor: Actor,
    *,
    origin: Origin,
    state: str,
    blocks: list[dict[str, Any]] | None,
    fallback: str,
) -> None:
    """The answered item, updated where the button was: a message, or the Home tab. (The Home
    tab is not published after answers elsewhere: opening it publishes it.)"""
    if origin.channel and origin.ts:
        async with logged("chat.update"):
            if blocks is None:  # a modal's submission: read the message back
                history = await client.conversations_history(
                    channel=origin.channel, latest=origin.ts, inclusive=True, limit=1
                )
                found = history.get("messages") or []
                blocks = found[0].get("blocks", []) if found else []
                fallback = found[0].get("text", fallback) if found else fallback
            await client.chat_update(
                channel=origin.channel,
                ts=origin.ts,
                text=fallback or "✓ " + escape(state),
                blocks=mark_item(blocks or [], origin.ref, state),
            )
    if origin.home:
        services.refresh_home(client, actor)


async def _answer(
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    *,
    ref: str,
    verb: Verb,
    until: str | None = None,
    reason: str | None = None,
    to: UserRef | None = None,
) -> None:
    services = services_of(context)
    if not await services.first_trigger(body):
        return
    actor = await actor_of(services, client, body)
    number = nudge_id(ref)
    day: date | None = None
    if until:
        parsed = parse_relative_until(until, today=actor.today(services.container.deps.clock.now()))
        day = None if isinstance(parsed, ParseError) else parsed
    reply, state = (
        await services.answer(actor, nudge=number, verb=verb, until=day, reason=reason, to=to)
        if number is not None
        else (None, None)
    )
    if state is None:
        if reply is not None and body.get("response_url"):
            await respond_with(respond, reply, command=None)
        elif reply is not None:  # the Home tab: nowhere to answer in place
            await tell(client, actor, reply)
            services.refresh_home(client, actor)
        return
    if (body.get("container") or {}).get("is_ephemeral"):
        await _answer_ephemeral(services, respond, body, ref=ref, state=state)
        return
    original = body.get("message") or {}
    await show_answer(
        services,
        client,
        actor,
        origin=origin_of(body, ref),
        state=state,
        blocks=original.get("blocks"),
        fallback=str(original.get("text") or (reply.text if reply else "")),
    )
    if reply is not None and reply.sections:  # a question back (how did the pitch go?)
        if body.get("response_url"):
            await respond_with(respond, reply, command=None)
        else:
            await tell(client, actor, reply)


async def _answer_ephemeral(
    services: SlackServices,
    respond: AsyncRespond,
    body: dict[str, Any],
    *,
    ref: str,
    state: str,
) -> None:
    """An answer on an ephemeral list: only that item changes (its buttons go, its state
    shows), from the copy kept when the list was sent; without one, a line of its own."""
    user_id = str((body.get("user") or {}).get("id") or "")
    carried = body.get("message") or {}
    kept = services.ephemeral.find(user_id, ref)
    if carried.get("blocks"):
        kept = SlackMessage(str(carried.get("text") or ""), carried["blocks"], (ref,))
    if kept is None:
        await respond(text="✓ " + escape(state), replace_original=False, response_type="ephemeral")
        return
    marked = SlackMessage(kept.text, mark_item(kept.blocks, ref, state), kept.refs)
    await respond(
        text=marked.text or "✓ " + escape(state),
        blocks=marked.blocks,
        replace_original=True,
        response_type="ephemeral",
    )
    services.ephemeral.keep(user_id, marked)


#: The action ids of the verbs answered by a plain button or a choice: ``nudge_done`` and
#: any verb added later (Log…, Skip and Snooze have forms and pickers of their own).
VERB_ACTIONS = re.compile(
    "^" + re.escape(VERB_ACTION_PREFIX) + r"(?!log$|skip$|snooze$|snooze_date$)[a-z_]+$"
)


async def verb(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    """Done, or any other verb a reply's item carries: a button (its value the item), or a
    choice (``item|choice``, the choice passed on as the answer's reason)."""
    await ack()
    name = str(action.get("action_id") or "").removeprefix(VERB_ACTION_PREFIX)
    try:
        answer = Verb(name)
    except ValueError:
        log.info("a button for an unknown answer %r was ignored", name)
        return
    picked = str(action.get("selected_user") or "")
    if picked:  # a person picker (Reassign…): the item is named by the block
        ref = ref_of_block(str(action.get("block_id") or ""))
        to = UserRef(f"<@{picked}>", user_id=picked)
        await _answer(body, client, context, respond, ref=ref, verb=answer, to=to)
        return
    chosen = str((action.get("selected_option") or {}).get("value") or "")
    ref, _, choice = (chosen or str(action.get("value") or "")).partition("|")
    await _answer(body, client, context, respond, ref=ref, verb=answer, reason=choice or None)


async def snooze(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    value = str((action.get("selected_option") or {}).get("value") or "")
    ref, _, choice = value.partition("|")
    await _answer(body, client, context, respond, ref=ref, verb=Verb.SNOOZE, until=choice)


async def snooze_until(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    ref = ref_of_block(str(action.get("block_id") or ""))
    until = str(action.get("selected_date") or "")
    await _answer(body, client, context, respond, ref=ref, verb=Verb.SNOOZE, until=until)


async def open_log(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """The form opens at once from what the click carries (a ``trigger_id`` lasts 3 s, and
    reading the database may wait behind other work); the customer's name and the person's
    own today are filled in right after."""
    await ack()
    services = services_of(context)
    ref = str(action.get("value"))
    origin = origin_of(body, ref)
    rituals = services.rituals()
    async with logged("views.open"):
        opened = await client.views_open(
            trigger_id=body["trigger_id"],
            view=log_modal(origin, customer=None, rituals=rituals, today=None),
        )
        customer = await _customer_named(services, ref)
        actor = await actor_of(services, client, body)
        today = actor.today(services.container.deps.clock.now())  # their day, not UTC's
        await _update(
            client, opened, log_modal(origin, customer=customer, rituals=rituals, today=today)
        )


async def open_skip(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    services = services_of(context)
    ref = str(action.get("value"))
    origin = origin_of(body, ref)
    async with logged("views.open"):
        opened = await client.views_open(
            trigger_id=body["trigger_id"], view=skip_modal(origin, customer=None)
        )
        customer = await _customer_named(services, ref)
        await _update(client, opened, skip_modal(origin, customer=customer))


async def _update(client: AsyncWebClient, opened: Any, view: dict[str, Any]) -> None:
    """Fill a modal just opened (what was typed meanwhile stays: same blocks, same ids)."""
    found = opened.get("view") or {}
    await client.views_update(view_id=found.get("id"), hash=found.get("hash"), view=view)


async def _customer_named(services: SlackServices, ref: str) -> str:
    """The name of the customer a nudge reference is about, for a modal's title."""
    number = nudge_id(ref)
    customer = await services.customer_of(number) if number is not None else None
    return customer or "?"
