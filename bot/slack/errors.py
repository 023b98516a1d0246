"""Slack's failures as the delivery port's: rate limited, worth retrying, or unreachable."""

from __future__ import annotations

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


def error_code(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def retry_after(exc: SlackApiError, default: float = 1.0) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", default))
    except (TypeError, ValueError):
        return default


@asynccontextmanager
async def port_errors() -> AsyncIterator[None]:
    """Translate what a Web API call raises into RateLimited / TransientError / Unreachable;
    anything else (a bug: invalid blocks, a bad argument) goes up as it is."""
    try:
        yield
    except SlackApiError as exc:
        status = exc.response.status_code
        code = error_code(exc)
        if status == 429 or code == "ratelimited":
            raise RateLimited(retry_after(exc), f"slack {code or status}") from exc
        if status >= 500 or code in TRANSIENT:
            raise TransientError(f"slack {code or status}") from exc
        if code in UNREACHABLE:
            raise Unreachable(f"slack {code}") from exc
        raise
    except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
        raise TransientError(f"slack connection: {type(exc).__name__}") from exc
