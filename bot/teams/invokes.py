"""Invokes: Teams waits for the answer in the HTTP response, so every one gets an invoke
response (HTTP 200 and a body Teams reads), whatever it asks.

- ``adaptiveCard/action`` (``Action.Execute``): a button's verb answers the item and the card
  comes back redrawn; the ``refresh`` verb returns the card as the database stands.
- ``task/fetch`` / ``task/submit``: the *Log…* dialog (:mod:`bot.teams.dialogs`).
- Anything else: an empty 200, so Teams shows no error for what the bot does not offer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.bootstrap import Container
from bot.delivery.ports import DeliveryError
from bot.replies import Reply
from bot.services.context import Actor
from bot.services.handlers.channels import private_only
from bot.teams import cards, dialogs, inbound
from bot.teams.actions import answer, card_number, parse_action, refreshed
from bot.teams.connector import BotConnector
from bot.teams.outgoing import Destination, post_reply

log = logging.getLogger(__name__)

CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"


def invoke_response(body: dict[str, Any] | None, *, status: int = 200) -> Activity:
    return Activity(
        type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body)
    )


def said(text: str) -> dict[str, Any]:
    """An ``adaptiveCard/action`` answer that shows a short message."""
    return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}


def _refresh_for(activity: Activity) -> tuple[str, ...]:
    account = activity.from_property
    return (account.id,) if account is not None and account.id else ()


async def redraw(
    connector: BotConnector,
    activity: Activity,
    card: tuple[int, Reply],
    *,
    message_id: str | None = None,
) -> bool:
    """Replace the card a button was on (the activity ``message_id``, else the one the activity
    replies to); False when Teams did not take it."""
    target = message_id or activity.reply_to_id
    if not target or not activity.service_url or activity.conversation is None:
        return False
    card_id, reply = card
    update: dict[str, Any] = {
        **cards.message(reply, card_id=card_id, refresh_for=_refresh_for(activity)),
        "conversation": {"id": activity.conversation.id},
    }
    try:
        await connector.update(activity.service_url, activity.conversation.id, target, update)
    except DeliveryError as exc:
        log.warning("could not update a Teams card in place: %s", type(exc).__name__)
        return False
    return True


@dataclass
class Invokes:
    container: Container
    connector: BotConnector
    actor: Callable[[Activity], Awaitable[Actor | None]]

    def register(self, app: AgentApplication[TurnState]) -> None:
        app.invoke("adaptiveCard/action")(self.on_card_action)
        app.invoke("task/fetch")(self.on_task_fetch)
        app.invoke("task/submit")(self.on_task_submit)
        app.invoke()(self.on_other)  # ranked last: everything the bot does not offer

    async def _who(self, context: TurnContext) -> tuple[Actor | None, str | None]:
        """The actor, or why the invoke cannot be answered here."""
        activity = context.activity
        if not inbound.is_personal(activity):
            return None, private_only(inbound.origin_of(activity)).text
        actor = await self.actor(activity)
        if actor is None:
            return None, "I could not tell who you are: please write to me in our chat."
        return actor, None

    async def on_card_action(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        actor, refusal = await self._who(context)
        if actor is None:
            await context.send_activity(invoke_response(said(refusal or "")))
            return
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        verb, data = (
            (action.get("verb"), action.get("data")) if isinstance(action, dict) else (None, None)
        )
        if verb == cards.REFRESH_VERB:
            card = await asyncio.to_thread(refreshed, self.container, actor, card_number(data))
            reply_text = "This card is no longer available: `nudges` shows what is open."
        else:
            parsed = parse_action(data, verb=verb if isinstance(verb, str) else None)
            if parsed is None:
                await context.send_activity(invoke_response(said("That button does nothing.")))
                return
            outcome = await asyncio.to_thread(answer, self.container, actor, parsed)
            card, reply_text = outcome.card, outcome.reply.text
            if outcome.reply.sections:  # a question back (how did the pitch go?)
                await self._ask(context, actor, outcome.reply)
        if card is None:
            await context.send_activity(invoke_response(said(reply_text)))
            return
        card_id, reply = card
        rendered = cards.render_card(reply, card_id=card_id, refresh_for=_refresh_for(activity))
        body = {"statusCode": 200, "type": CARD_RESPONSE, "value": rendered}
        await context.send_activity(invoke_response(body))

    async def _ask(self, context: TurnContext, actor: Actor, reply: Reply) -> None:
        """A message of its own in the chat, with its buttons (its card stored like any).
        Sent with the connector, as redraws are."""
        activity = context.activity
        assert activity.conversation is not None  # checked when the request came in

        service_url, conversation_id = activity.service_url, activity.conversation.id

        async def post(outgoing: dict[str, Any]) -> str | None:
            # Through the bot's own connector: an invoke's turn answers the invoke only.
            return await self.connector.send(service_url or "", conversation_id, outgoing)

        destination = Destination(
            conversation_id=activity.conversation.id,
            person_id=actor.person.id,
            refresh_for=_refresh_for(activity),
        )
        await post_reply(self.container.deps, reply, to=destination, post=post)

    async def _dialog(
        self, context: TurnContext, *, nothing: str
    ) -> tuple[Actor, dialogs.LogRequest] | None:
        """Who opened or sent the dialog, and about what; None once refused (answered)."""
        activity = context.activity
        actor, refusal = await self._who(context)
        request = dialogs.log_request(activity.value, message_id=activity.reply_to_id)
        if actor is None or request is None:
            await context.send_activity(invoke_response(dialogs.closed(refusal or nothing)))
            return None
        return actor, request

    async def on_task_fetch(self, context: TurnContext, state: TurnState) -> None:
        found = await self._dialog(context, nothing="That button does nothing.")
        if found is None:
            return
        actor, request = found
        customer = await asyncio.to_thread(dialogs.customer_of, self.container, request.nudge_id)
        if customer is None:
            body = dialogs.closed("That nudge no longer exists.")
        else:
            body = dialogs.form(
                request,
                customer=customer,
                rituals=dialogs.rituals(self.container),
                today=actor.today(self.container.deps.clock.now()),  # their day, not UTC's
            )
        await context.send_activity(invoke_response(body))

    async def on_task_submit(self, context: TurnContext, state: TurnState) -> None:
        found = await self._dialog(context, nothing="That form does nothing.")
        if found is None:
            return
        actor, request = found
        activity = context.activity
        logged = await asyncio.to_thread(
            dialogs.submit, self.container, actor, request, activity.value
        )
        if logged.card is not None:
            await redraw(self.connector, activity, logged.card, message_id=request.message_id)
        await context.send_activity(invoke_response(logged.response))

    async def on_other(self, context: TurnContext, state: TurnState) -> None:
        log.info("Teams invoke %r answered with an empty 200", context.activity.name)
        await context.send_activity(invoke_response(None))
