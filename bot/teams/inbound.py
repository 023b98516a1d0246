"""What an incoming Teams activity says: who sent it, from which tenant, in which time zone,
the command text without the bot's @mention, and the conversation reference to keep."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity

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
    conversation = activity.conversation
    return conversation is not None and (conversation.conversation_type or "personal") == (
        "personal"
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
