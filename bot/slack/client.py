"""Web API clients: the configured base URL (GovSlack, a local fake), one shared aiohttp
session, and slack_sdk's retry handlers kept short (the outbox does the real retrying)."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

TIMEOUT_SECONDS = 15
RETRIES = 1  # one quick retry; a delivery worker's lease must outlast the call


def web_client(
    settings: Settings, *, session: aiohttp.ClientSession | None, token: str | None = None
) -> AsyncWebClient:
    return AsyncWebClient(
        token=token,
        base_url=settings.slack.api_url,
        session=session,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )
