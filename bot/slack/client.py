"""Web API clients: the configured base URL (GovSlack, a local fake), one shared aiohttp
session, and slack_sdk's retry handlers kept short (the outbox does the real retrying)."""

from __future__ import annotations

import time

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.ops import metrics
from nudges.model import Platform

TIMEOUT_SECONDS = 15
RETRIES = 1  # one quick retry; a delivery worker's lease must outlast the call


class CountedRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's own wait for Retry-After on a 429, counted as time Slack rate-limited us."""

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        started = time.monotonic()
        try:
            await super().prepare_for_next_attempt_async(
                state=state, request=request, response=response, error=error
            )
        finally:
            metrics.rate_limited(Platform.SLACK, time.monotonic() - started)


def web_client(
    settings: Settings,
    *,
    session: aiohttp.ClientSession | None,
    token: str | None = None,
    wait_on_rate_limits: bool = True,
) -> AsyncWebClient:
    """``wait_on_rate_limits=False``: a 429 is raised at once (the outbox paces deliveries
    and waits itself, instead of the client sleeping inside the call)."""
    handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES),
        AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
    ]
    if wait_on_rate_limits:
        handlers.insert(1, CountedRateLimitRetry(max_retry_count=RETRIES))
    return AsyncWebClient(
        token=token,
        base_url=settings.slack.api_url,
        session=session,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=handlers,
    )
