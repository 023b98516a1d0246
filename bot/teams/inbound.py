"""What an incoming Teams activity says: who sent it, from which tenant, in which time zone,
the command text without the bot's @mention, and the conversation reference to keep."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity

from bot.services.context import Origin
from nudges.model import Platform

_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")

WORKSPACE_NAME = "Microsoft Teams"


@dataclass(frozen=True, slots=True)
class Sender:
    tenant_id: str
    user_id: str  # the Entra object id when Teams sends it (stable across bots), else from.id
    display_name: str
    timezone: str | None


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    if isinstance(data, dict):
        return data
    dumped = getattr(data, "model_dump", None)
    return dumped(by_alias=True, exclude_none=True) if callable(dumped) else {}


def tenant_id(activity: Activity) -> str | None:
    tenant = _channel_data(activity).get("tenant")
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    if activity.conversation is not None and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    return None


def timezone(activity: Activity) -> str | None:
    """``localTimezone`` (IANA), else the client's ``clientInfo`` entity."""
    if activity.local_timezone:
        return activity.local_timezone
    for entity in activity.entities or ():
        data = entity.model_dump(by_alias=True, exclude_none=True)
        if data.get("type") == "clientInfo" and data.get("timezone"):
            return str(data["timezone"])
    return None


def sender(activity: Activity) -> Sender | None:
    account = activity.from_property
    tenant = tenant_id(activity)
    if account is None or not account.id or tenant is None:
        return None
    return Sender(
        tenant_id=tenant,
        user_id=account.aad_object_id or account.id,
        display_name=account.name or "",
        timezone=timezone(activity),
    )


def is_personal(activity: Activity) -> bool:
    """Only a conversation Teams calls ``personal`` is a person's private chat with the bot;
    one without a type (an old ``messageBack``) or a channel thread is not."""
    conversation = activity.conversation
    return conversation is not None and conversation.conversation_type == "personal"


@dataclass(frozen=True, slots=True)
class Channel:
    """A team channel an activity came from, and how to post to it later (a new thread)."""

    channel_id: str
    name: str | None
    team_id: str | None
    reference: dict[str, Any]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def channel(activity: Activity) -> Channel | None:
    """The team channel of an activity in one (None in a personal or group chat)."""
    conversation = activity.conversation
    if conversation is None or conversation.conversation_type != "channel":
        return None
    data = _channel_data(activity)
    found = _mapping(data.get("channel"))
    channel_id = str(found.get("id") or data.get("teamsChannelId") or "")
    if not channel_id:
        channel_id = conversation.id.split(";", 1)[0]  # 19:…@thread.tacv2;messageid=…
    team = _mapping(data.get("team"))
    team_id = str(team.get("id") or data.get("teamsTeamId") or "") or None
    bot = activity.recipient
    reference: dict[str, Any] = {
        "serviceUrl": activity.service_url or "",
        "tenantId": tenant_id(activity),
        "teamId": team_id,
        "bot": {"id": bot.id, "name": bot.name} if bot is not None else {},
    }
    return Channel(
        channel_id=channel_id,
        name=str(found.get("name") or conversation.name or "") or None,
        team_id=team_id,
        reference=reference,
    )


def command_text(activity: Activity) -> str:
    """The text with every ``<at>…</at>`` mention and any markup removed."""
    text = _MENTION.sub(" ", activity.text or "")
    text = html.unescape(_TAG.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def reference(activity: Activity) -> dict[str, Any]:
    """The conversation reference (JSON) for messaging this conversation later."""
    data: dict[str, Any] = activity.get_conversation_reference().model_dump(
        by_alias=True, exclude_none=True, mode="json"
    )
    data.pop("activityId", None)
    data.pop("requestId", None)
    tenant = tenant_id(activity)
    if tenant:
        data.setdefault("conversation", {})["tenantId"] = tenant
    return data


def bot_was_added(activity: Activity) -> bool:
    bot = activity.recipient.id if activity.recipient else None
    return any(m.id == bot for m in activity.members_added or ())


def origin_of(activity: Activity) -> Origin:
    """Where a non-personal activity came from: a team channel, or some other shared chat."""
    found = channel(activity)
    if found is not None:
        return Origin(
            platform=Platform.TEAMS,
            kind="channel",
            channel_id=found.channel_id,
            name=found.name,
            reference=found.reference,
        )
    conversation_id = activity.conversation.id if activity.conversation else ""
    return Origin(platform=Platform.TEAMS, kind="group", channel_id=conversation_id)
