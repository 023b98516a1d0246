"""The listeners: one small function per kind of activity, registered on the Agents SDK's
``AgentApplication``. They translate (activity -> actor and text/button -> command service ->
reply -> text or cards) and keep the personal-chat reference current.

- Only a conversation Teams calls ``personal`` is stored as a person's chat with the bot. A
  channel (or anything else) is answered in place, where only ``digest channel`` runs
  (:func:`bot.services.handlers.channels.private_only` says so for the rest), and never stored.
- Installing the app greets the person once, by the name the roster knows, keeping their
  email for matching owners later (Teams sends two install events: one greeting).
- Card buttons: ``Action.Execute`` invokes, ``Action.Submit`` messages and the *Log…* dialog
  are in :mod:`bot.teams.invokes`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.bootstrap import Container
from bot.delivery.ports import DeliveryError
from bot.replies import Reply, Tone, error
from bot.services.context import Actor
from bot.services.handlers.channels import private_only
from bot.services.identity import identify
from bot.teams import cards, inbound, showall
from bot.teams.actions import answer, parse_action
from bot.teams.connector import BotConnector
from bot.teams.conversations import forget, remember
from bot.teams.invokes import Invokes, invoke_response, redraw
from bot.teams.outgoing import Destination, post_reply
from nudges.model import Platform

log = logging.getLogger(__name__)

INSTALL_ACTIONS = ("add", "add-upgrade")
UNINSTALL_ACTIONS = ("remove",)  # "remove-upgrade" is part of an upgrade: the app stays
GREETING_COMMANDS = (
    ("touch acme coffee -- lunch went well", "log a touch"),
    ('customer add "Acme Corp" tier=key', "add a customer"),
    ("nudges", "what is waiting for you"),
    ("help", "every command"),
)
TEAM_GREETING = (
    "Hi! I keep each salesperson's customer relationships warm, in their personal chat with "
    "me. Managers: mention me here with `digest channel` to have your weekly team digest "
    "posted in this channel."
)


@dataclass
class Turns:
    container: Container
    connector: BotConnector  # our own calls: redrawn cards, the roster

    def register(self, app: AgentApplication[TurnState]) -> None:
        app.conversation_update("membersAdded")(self.on_members_added)
        app.activity(ActivityTypes.installation_update)(self.on_installation_update)
        app.activity(ActivityTypes.message)(self.on_message)
        Invokes(self.container, self.connector, self.actor).register(app)
        app.error(self.on_error)

    # ------------------------------------------------------------------ listeners

    async def on_message(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        actor = await self.actor(activity)
        if actor is None:
            return
        personal = inbound.is_personal(activity)
        if cards.is_show_all(activity.value):
            await self.show_all(context, actor, personal=personal)
            return
        action = parse_action(activity.value)
        if action is not None and personal:  # an Action.Submit: the Action.Execute fallback
            outcome = await asyncio.to_thread(answer, self.container, actor, action)
            redrawn = outcome.card is not None and await redraw(
                self.connector, activity, outcome.card
            )
            if not redrawn or outcome.reply.tone is Tone.ERROR or outcome.reply.sections:
                # (sections: a question back, e.g. how the pitch went)
                await self.say(context, actor, outcome.reply)
            return
        origin = None if personal else inbound.origin_of(activity)
        if origin is not None and action is not None:
            await self.say(context, actor, private_only(origin))
            return
        text = inbound.command_text(activity) or "help"
        reply = await asyncio.to_thread(
            self.container.commands.handle_text, actor, text, origin=origin
        )
        await self.say(context, actor, reply, command=text if personal else None)

    async def show_all(self, context: TurnContext, actor: Actor, *, personal: bool) -> None:
        """A summarised digest's section in full, where "Show all" was pressed: the person's
        chat, or the channel the digest was posted in."""
        activity = context.activity
        origin = None if personal else inbound.origin_of(activity)
        if origin is not None and origin.kind != "channel":
            await self.say(context, actor, private_only(origin))
            return
        reply = await asyncio.to_thread(
            showall.show_all,
            self.container,
            actor,
            activity.value,
            channel_id=origin.channel_id if origin is not None else None,
        )
        await self.say(context, actor, reply)

    async def on_members_added(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if inbound.bot_was_added(activity) and inbound.is_personal(activity):
            await self.welcome(context)

    async def on_installation_update(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        action = (activity.action or "").lower()
        if action in UNINSTALL_ACTIONS and activity.conversation is not None:
            found = inbound.channel(activity)
            conversation_id = found.channel_id if found else activity.conversation.id
            removed = await asyncio.to_thread(
                forget, self.container.deps, conversation_id=conversation_id
            )
            log.info("Teams app removed from a conversation: %s reference(s) forgotten", removed)
        elif action in INSTALL_ACTIONS and inbound.is_personal(activity):
            await self.welcome(context)
        elif action in INSTALL_ACTIONS and inbound.channel(activity) is not None:
            greeting = Activity.model_validate(cards.message(Reply(TEAM_GREETING)))
            await context.send_activity(greeting)

    async def on_error(self, context: TurnContext, err: Exception) -> None:
        log.error("Teams turn failed: %s", type(err).__name__, exc_info=err)
        sorry = "Sorry, something went wrong on my side. Please try again."
        if context.activity.type == ActivityTypes.invoke:
            failure = {"code": "InternalError", "message": sorry}
            body = {"statusCode": 500, "type": "application/vnd.microsoft.error", "value": failure}
            await context.send_activity(invoke_response(body))
            return
        await context.send_activity(Activity.model_validate(cards.message(error(sorry))))

    # ------------------------------------------------------------------ helpers

    async def welcome(self, context: TurnContext) -> None:
        """Greet a person who installed the app, once per install, by their roster name."""
        activity = context.activity
        actor = await self.identified(activity)
        who = inbound.sender(activity)
        if actor is None or who is None:
            return
        new = await asyncio.to_thread(
            remember,
            self.container.deps,
            person_id=actor.person.id,
            tenant_id=who.tenant_id,
            reference=inbound.reference(activity),
        )
        if not new:
            return  # the other install event (or an earlier message) came first
        member = await self.roster(activity)
        name = str(member.get("name") or "")
        email = str(member.get("email") or member.get("userPrincipalName") or "") or None
        if name or email:
            actor = await self.identified(activity, display_name=name, email=email) or actor
        given = str(member.get("givenName") or "") or (name or actor.person.display_name)
        first = given.split()[0] if given.strip() and not _looks_like_id(given) else "there"
        lines = "\n".join(f"  {example}  ({what})" for example, what in GREETING_COMMANDS)
        greeting = Reply(
            f"Hi {first}! I keep your customer relationships warm.\n\n"
            "Every working morning I send you the relationships that need you today, with "
            "Done, Log…, Snooze and Skip on each.\n\n"
            f"Try:\n{lines}"
        )
        await self.say(context, actor, greeting)

    async def roster(self, activity: Activity) -> dict[str, Any]:
        """What the roster knows of the sender (name, given name, email); empty if it fails."""
        account = activity.from_property
        if not activity.service_url or activity.conversation is None or account is None:
            return {}
        try:
            return await self.connector.member(
                activity.service_url, activity.conversation.id, account.id
            )
        except DeliveryError as exc:
            log.warning("Teams roster lookup failed: %s", type(exc).__name__)
            return {}

    async def actor(self, activity: Activity) -> Actor | None:
        """The person behind an activity (registered on first contact); their personal-chat
        reference is kept current when the activity comes from it."""
        actor = await self.identified(activity)
        who = inbound.sender(activity)
        if actor is not None and who is not None and inbound.is_personal(activity):
            await asyncio.to_thread(
                remember,
                self.container.deps,
                person_id=actor.person.id,
                tenant_id=who.tenant_id,
                reference=inbound.reference(activity),
            )
        return actor

    async def identified(
        self, activity: Activity, *, display_name: str = "", email: str | None = None
    ) -> Actor | None:
        who = inbound.sender(activity)
        if who is None:
            log.warning("Teams activity without a sender or tenant ignored")
            return None
        return await asyncio.to_thread(
            identify,
            self.container.deps,
            platform=Platform.TEAMS,
            team_id=who.tenant_id,
            team_name=inbound.WORKSPACE_NAME,
            user_id=who.user_id,
            display_name=display_name or who.display_name,
            timezone=who.timezone,
            email=email,
        )

    async def say(
        self, context: TurnContext, actor: Actor, reply: Reply, *, command: str | None = None
    ) -> None:
        """Answer in the conversation the activity came from, in as many parts as needed; a
        long digest answering ``command`` summarised, its sections shown in full on request."""
        activity = context.activity
        personal = inbound.is_personal(activity)
        account = activity.from_property

        async def post(outgoing: dict[str, Any]) -> str | None:
            response = await context.send_activity(Activity.model_validate(outgoing))
            return response.id if response is not None else None

        assert activity.conversation is not None  # checked when the request came in
        destination = Destination(
            conversation_id=activity.conversation.id,
            person_id=actor.person.id,
            refresh_for=(account.id,) if personal and account is not None else (),
        )
        source = {showall.SHOWN_FROM_COMMAND: command} if command else None
        await post_reply(self.container.deps, reply, to=destination, post=post, show_all=source)


def _looks_like_id(text: str) -> bool:
    """An Entra object id or a Teams user id is no name to greet someone by."""
    stripped = text.strip()
    return stripped.startswith(("29:", "8:")) or (len(stripped) == 36 and stripped.count("-") == 4)
