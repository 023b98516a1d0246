"""Listeners per surface: slash commands, buttons, modals, events (as in bolt's template)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.slack import blocks, home, layout, modals, pages
from bot.slack.listeners import actions, commands, conversation, events, more, views
from bot.slack.listeners.context import SERVICES
from bot.slack.services import SlackServices


def register_listeners(app: AsyncApp, services: SlackServices) -> None:
    async def provide_services(
        body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        context[SERVICES] = services
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await services.first_time(str(event_id)):
            return BoltResponse(status=200, body="")  # Slack retried it: already handled
        await next()
        return None

    app.use(provide_services)

    app.command("/touch")(commands.slash_command)
    app.command("/nudge")(commands.slash_command)

    app.action(actions.VERB_ACTIONS)(actions.verb)
    app.action(blocks.ACTION_SNOOZE)(actions.snooze)
    app.action(blocks.ACTION_SNOOZE_DATE)(actions.snooze_until)
    app.action(blocks.ACTION_LOG)(actions.open_log)
    app.action(blocks.ACTION_SKIP)(actions.open_skip)

    app.action(layout.ACTION_SHOW_ALL)(more.show_all)
    app.action(pages.ACTION_PAGE)(more.show_page)
    app.action(home.ACTION_HOME_PAGE)(more.home_page)

    app.shortcut(conversation.SHORTCUT_LOG)(conversation.log_message)
    app.event("message")(conversation.direct_message)

    app.view(modals.LOG_CALLBACK)(views.log_submitted)
    app.view(modals.SKIP_CALLBACK)(views.skip_submitted)

    app.event("app_home_opened")(events.home_opened)
    app.event("user_change")(events.user_changed)
    app.event("app_uninstalled")(events.app_uninstalled)
    app.event("tokens_revoked")(events.tokens_revoked)
