"""Events: the Home tab opened, a profile changed (time zone), the app uninstalled or its
tokens revoked."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.listeners.context import services_of


def _team(body: dict[str, Any], context: AsyncBoltContext) -> str:
    return str(context.team_id or body.get("team_id") or "")


async def home_opened(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return
    services = services_of(context)
    actor = await services.actor(
        client, team_id=_team(body, context), team_name="", user_id=str(event.get("user"))
    )
    seen = str((event.get("view") or {}).get("hash") or "") or None
    await services.publish_home(client, actor, seen_hash=seen)


async def user_changed(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    user = event.get("user") or {}
    team = str(user.get("team_id") or _team(body, context))
    await services_of(context).user_changed(team_id=team, user=user)


async def app_uninstalled(body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    team = _team(body, context)
    if services.installations is not None:
        await services.installations.async_delete_all(
            enterprise_id=context.enterprise_id, team_id=team
        )
    await services.workspace_gone(team)


async def tokens_revoked(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    team = _team(body, context)
    tokens = event.get("tokens") or {}
    store = services.installations
    if store is not None:
        for user_id in tokens.get("oauth") or []:
            await store.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=team, user_id=user_id
            )
        if tokens.get("bot"):
            await store.async_delete_bot(enterprise_id=context.enterprise_id, team_id=team)
    if tokens.get("bot"):  # without its bot token the app reaches nobody there
        await services.workspace_gone(team)
