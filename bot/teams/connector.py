"""The Bot Connector REST calls a bot makes on its own (the Teams ``serviceUrl``).

The Agents SDK retries nothing, so failures are translated into the outbox's vocabulary:
429 -> ``RateLimited`` (``Retry-After`` honoured), 412/5xx/timeouts/dropped connections ->
``TransientError`` (backoff with jitter), 403 from a user who blocked the bot or removed the
app -> ``Unreachable``, 413 -> ``TooLarge`` (the caller splits the message) and other refusals
of the message itself (400) -> ``Rejected``. One shared ``aiohttp`` session serves every call.
Bodies are sent exactly as :func:`bot.teams.split.utf16_size` measures them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

from bot.delivery.ports import DeliveryError, RateLimited, Rejected, TransientError, Unreachable

log = logging.getLogger(__name__)

BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPES = ["https://api.botframework.com/.default"]
BLOCKED_CODES = frozenset(
    {"ConversationBlockedByUser", "MessageWritesBlocked", "BotDisabledByAdmin"}
)
GONE_CODES = frozenset({"ConversationNotFound", "BotNotInConversationRoster"})
RETRYABLE_STATUSES = frozenset({408, 412, 500, 502, 503, 504})
DEFAULT_RETRY_AFTER = 1.0
TIMEOUT_SECONDS = 30.0


class TooLarge(Rejected):
    """Teams said ``413``: this activity is over its size limit."""


class TokenSource(Protocol):
    """Where the bearer token for outgoing calls comes from: the SDK's ``MsalAuth`` in
    production (client credentials of the Entra app); a fixed value in tests."""

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str: ...


class BotConnector:
    def __init__(self, tokens: TokenSource, *, session: aiohttp.ClientSession | None = None):
        self._tokens = tokens
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        """Post an activity to a conversation; returns the new activity's id."""
        body = await self._call("POST", _activities_url(service_url, conversation_id), activity)
        return str(body.get("id") or "")

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> None:
        """Replace an activity the bot sent earlier (a card redrawn in place)."""
        url = _activities_url(service_url, conversation_id) + "/" + quote(activity_id, safe="")
        await self._call("PUT", url, {**activity, "id": activity_id})

    async def member(
        self, service_url: str, conversation_id: str, member_id: str
    ) -> dict[str, Any]:
        """A member of a conversation as the roster knows them (name, given name, email, UPN)."""
        url = (
            _conversation_url(service_url, conversation_id)
            + "/members/"
            + quote(member_id, safe="")
        )
        return await self._call("GET", url, None)

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def _client(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._owns_session and self._loop is not loop:
            self._session = None  # a session belongs to one event loop (e.g. one `tick`)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
            )
            self._owns_session = True
            self._loop = loop
        return self._session

    async def _call(self, method: str, url: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        try:
            token = await self._tokens.get_access_token(
                BOT_FRAMEWORK_RESOURCE, BOT_FRAMEWORK_SCOPES
            )
        except Exception as exc:  # MSAL reports a refused client secret or tenant this way
            raise DeliveryError(f"no Bot Framework token: {type(exc).__name__}: {exc}") from exc
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            async with self._client().request(method, url, data=body, headers=headers) as response:
                text = await response.text()
                if response.status >= 300:
                    raise _failure(response.status, response.headers.get("Retry-After"), text)
                if not text:
                    return {}
                data = await response.json(content_type=None)
                return data if isinstance(data, dict) else {}
        except DeliveryError:
            raise
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise TransientError(f"Bot Connector unreachable: {type(exc).__name__}") from exc


def _conversation_url(service_url: str, conversation_id: str) -> str:
    return f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}"


def _activities_url(service_url: str, conversation_id: str) -> str:
    return _conversation_url(service_url, conversation_id) + "/activities"


def _error_code(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code else ""


def _retry_after(raw: str | None) -> float:
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def _failure(status: int, retry_after: str | None, text: str) -> DeliveryError:
    code = _error_code(text)
    what = f"Bot Connector {status}" + (f" {code}" if code else "")
    if status == 429:
        return RateLimited(_retry_after(retry_after), what)
    if status == 413:
        return TooLarge(what)
    if status == 400:
        return Rejected(what)
    if status in RETRYABLE_STATUSES or status >= 500:
        return TransientError(what)
    if (status == 403 and code in BLOCKED_CODES) or (status == 404 and code in GONE_CODES):
        return Unreachable(what)
    log.warning("Bot Connector refused a call: %s", what)
    return DeliveryError(what)
