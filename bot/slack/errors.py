"""Slack's failures as the delivery port's: rate limited, worth retrying, or unreachable.

An answer that is not Slack's JSON (an HTML 502 from a proxy, a 405 in plain text) carries
no error code, and slack_sdk's error then holds a string or an aiohttp response where a
dict is expected: it is read defensively and treated as transient, like any outage.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.delivery.ports import RateLimited, TransientError, Unreachable

#: The recipient (or the whole workspace) cannot be reached: retrying will not help.
UNREACHABLE = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "cannot_dm_bot",
        "token_revoked",
        "invalid_auth",
        "not_authed",
        "team_not_found",
        "missing_scope",
        "not_allowed_token_type",
        "ekm_access_denied",
    }
)
TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "token_expired"}
)


log = logging.getLogger(__name__)


def error_code(exc: SlackApiError) -> str:
    """Slack's ``error`` field; empty when the answer was not Slack's JSON."""
    data = getattr(exc.response, "data", None)
    return str(data.get("error", "") or "") if isinstance(data, dict) else ""


def status_of(exc: SlackApiError) -> int:
    """The HTTP status (slack_sdk's response has ``status_code``, an aiohttp one ``status``)."""
    for name in ("status_code", "status"):
        value = getattr(exc.response, name, None)
        if isinstance(value, int):
            return value
    return 0


def retry_after(exc: SlackApiError, default: float = 1.0) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", default))
    except (TypeError, ValueError, AttributeError):
        return default


def describe(exc: BaseException) -> str:
    """One short line for a log: Slack's error code, or the status of a non-Slack answer."""
    if isinstance(exc, SlackApiError):
        code = error_code(exc)
        return code or f"HTTP {status_of(exc)} without a Slack answer"
    return type(exc).__name__


@asynccontextmanager
async def port_errors() -> AsyncIterator[None]:
    """Translate what a Web API call raises into RateLimited / TransientError / Unreachable;
    anything else (a bug: invalid blocks, a bad argument) goes up as it is."""
    try:
        yield
    except SlackApiError as exc:
        status = status_of(exc)
        code = error_code(exc)
        if status == 429 or code == "ratelimited":
            raise RateLimited(retry_after(exc), f"slack {code or status}") from exc
        if not code or status >= 500 or code in TRANSIENT:
            raise TransientError(f"slack {describe(exc)}") from exc
        if code in UNREACHABLE:
            raise Unreachable(f"slack {code}") from exc
        raise
    except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
        raise TransientError(f"slack connection: {type(exc).__name__}") from exc


@asynccontextmanager
async def logged(call: str) -> AsyncIterator[None]:
    """A call made while answering someone, with nothing to retry it (a Home tab, a message
    updated in place): a Slack error or an outage is one log line, not a dead handler."""
    try:
        yield
    except SlackApiError as exc:
        log.warning("%s failed: %s", call, describe(exc))
    except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
        log.warning("%s failed: %s", call, type(exc).__name__)
