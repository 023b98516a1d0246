"""Who in a workspace can be reached: uninstalling the app (or revoking its token) marks
everyone there unreachable; installing it again makes them reachable again, except the
accounts Slack says are deleted; a deleted account (``user_change`` with ``deleted``) is
marked unreachable and its customers are handed to the manager's attention."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.context import Deps
from bot.services.departures import person_left
from bot.services.reachability import set_reachable
from bot.slack.errors import describe
from nudges.model import Platform

log = logging.getLogger(__name__)


def _set_reachable(
    deps: Deps, team_id: str, *, reachable: bool, user_ids: set[str] | None = None
) -> list[str]:
    return set_reachable(
        deps, platform=Platform.SLACK, team_id=team_id, reachable=reachable, user_ids=user_ids
    )


async def workspace_gone(deps: Deps, team_id: str) -> None:
    marked = await asyncio.to_thread(_set_reachable, deps, team_id, reachable=False)
    log.info("slack workspace %s: %s people marked unreachable", team_id, len(marked))


async def _is_deleted(client: AsyncWebClient, user_id: str) -> bool:
    try:
        found = await client.users_info(user=user_id)
    except SlackApiError as exc:
        if describe(exc) in ("user_not_found", "account_inactive"):
            return True
        log.warning("users.info for %s failed: %s", user_id, describe(exc))
        return False
    user: Any = found.get("user") or {}
    return bool(user.get("deleted"))


async def workspace_back(deps: Deps, client: AsyncWebClient, team_id: str) -> None:
    """The app is installed again: its people are reachable again, but for deleted
    accounts (each one asked of ``users.info``)."""
    revived = await asyncio.to_thread(_set_reachable, deps, team_id, reachable=True)
    deleted = {user for user in revived if await _is_deleted(client, user)}
    if deleted:
        await asyncio.to_thread(_set_reachable, deps, team_id, reachable=False, user_ids=deleted)
    log.info(
        "slack workspace %s installed again: %s people reachable again (%s deleted accounts not)",
        team_id,
        len(revived) - len(deleted),
        len(deleted),
    )


async def account_deleted(deps: Deps, *, team_id: str, user_id: str) -> None:
    await asyncio.to_thread(
        person_left, deps, platform=Platform.SLACK, team_id=team_id, user_id=user_id
    )
