"""The listeners: one small function per kind of activity, registered on the Agents SDK's
``AgentApplication``. They translate (activity -> actor and text/button -> command service ->
reply -> text or card) and keep the conversation reference current."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.bootstrap import Container
from bot.delivery.ports import DeliveryError
from bot.replies import Reply, error
from bot.services.context import Actor
from bot.services.identity import identify
from bot.teams import cards, inbound
from bot.teams.actions import answer, parse_action
from bot.teams.connector import BotConnector
from bot.teams.conversations import forget, remember
from nudges.model import Platform

log = logging.getLogger(__name__)

INSTALL_ACTIONS = ("add", "add-upgrade")
UNINSTALL_ACTIONS = ("remove",)  # "remove-upgrade" is part of an upgrade: the app stays


@dataclass
class Turns:
    container: Container
    connector: BotConnector  # for redrawing cards in place

    def register(self, app: AgentApplication[TurnState]) -> None:
        app.conversation_update("membersAdded")(self.on_members_added)
        app.activity(ActivityTypes.installation_update)(self.on_installation_update)
        app.activity(ActivityTypes.message)(self.on_message)
        app.error(self.on_error)

    # ------------------------------------------------------------------ listeners

    async def on_message(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        actor = await self._actor(activity, remember_conversation=True)
        if actor is None:
            return
        action = parse_action(activity.value)
        if action is not None:
            outcome = await asyncio.to_thread(answer, self.container, actor, action)
            if outcome.card is None or not await self._redraw(activity, outcome.card):
                await _say(context, outcome.reply)
            return
        text = inbound.command_text(activity) or "help"
        reply = await asyncio.to_thread(self.container.commands.handle_text, actor, text)
        await _say(context, reply)

    async def on_members_added(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not inbound.bot_was_added(activity) or not inbound.is_personal(activity):
            return
        await self._welcome(context)

    async def on_installation_update(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        action = (activity.action or "").lower()
        if action in UNINSTALL_ACTIONS and activity.conversation is not None:
            removed = await asyncio.to_thread(
                forget, self.container.deps, conversation_id=activity.conversation.id
            )
            log.info("Teams app removed from a conversation: %s reference(s) forgotten", removed)
        elif action in INSTALL_ACTIONS and inbound.is_personal(activity):
            await self._welcome(context)

    async def on_error(self, context: TurnContext, err: Exception) -> None:
        log.error("Teams turn failed: %s", type(err).__name__, exc_info=err)
        await _say(context, error("Sorry, something went wrong on my side. Please try again."))

    # ------------------------------------------------------------------ helpers

    async def _welcome(self, context: TurnContext) -> None:
        actor = await self._actor(context.activity, remember_conversation=True)
        if actor is None:
            return
        reply = await asyncio.to_thread(self.container.commands.handle_text, actor, "help")
        greeting = f"Hi {actor.person.display_name}! I keep your customer relationships warm."
        await _say(context, Reply(greeting))
        await _say(context, reply)

    async def _actor(self, activity: Activity, *, remember_conversation: bool) -> Actor | None:
        who = inbound.sender(activity)
        if who is None:
            log.warning("Teams activity without a sender or tenant ignored")
            return None
        deps = self.container.deps
        actor = await asyncio.to_thread(
            identify,
            deps,
            platform=Platform.TEAMS,
            team_id=who.tenant_id,
            team_name=inbound.WORKSPACE_NAME,
            user_id=who.user_id,
            display_name=who.display_name,
            timezone=who.timezone,
        )
        if remember_conversation and inbound.is_personal(activity):
            await asyncio.to_thread(
                remember,
                deps,
                person_id=actor.person.id,
                tenant_id=who.tenant_id,
                reference=inbound.reference(activity),
            )
        return actor

    async def _redraw(self, activity: Activity, card: Reply) -> bool:
        """Replace the card the button was on; False when Teams did not take it."""
        if not activity.reply_to_id or not activity.service_url or activity.conversation is None:
            return False
        update: dict[str, Any] = {
            **cards.message(card),
            "conversation": {"id": activity.conversation.id},
        }
        try:
            await self.connector.update(
                activity.service_url, activity.conversation.id, activity.reply_to_id, update
            )
        except DeliveryError as exc:
            log.warning("could not update a Teams card in place: %s", exc)
            return False
        return True


async def _say(context: TurnContext, reply: Reply) -> None:
    await context.send_activity(Activity.model_validate(cards.message(reply)))
