"""Whether the Socket Mode connection is up, for health checks to read, and its failures told
in one line each.

slack_sdk's Socket Mode client retries a failing connection every ``ping_interval`` seconds
and logs each failure with a whole traceback; here each failure is one line with its reason,
and :class:`SocketModeState` says whether the connection is up, since when, and why not.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("bot.slack.socket_mode")

WATCH_SECONDS = 1.0  # how often the connection's state is looked at


@dataclass
class SocketModeState:
    """Read by health and readiness checks: ``connected``, and ``reason`` when it is not."""

    connected: bool = False
    changed_at: float = field(default_factory=time.monotonic)
    reason: str | None = "connecting"
    failures: int = 0  # failed attempts since the last time it was up

    def up(self) -> None:
        if not self.connected:
            log.info("Socket Mode connected")
        self.connected, self.reason, self.failures = True, None, 0
        self.changed_at = time.monotonic()

    def down(self, reason: str) -> None:
        if self.connected:
            log.warning("Socket Mode connection lost: %s", reason)
            self.changed_at = time.monotonic()
        self.connected, self.reason = False, reason

    def failed(self, reason: str) -> None:
        self.failures += 1
        self.down(reason)

    def describe(self) -> str:
        if self.connected:
            return "connected"
        seconds = int(time.monotonic() - self.changed_at)
        return f"down for {seconds}s: {self.reason}"


class OneLineLogger(logging.LoggerAdapter[logging.Logger]):
    """The Socket Mode client's logger: a failure is one warning line (no traceback), and
    counts in the state."""

    def __init__(self, logger: logging.Logger, state: SocketModeState) -> None:
        super().__init__(logger, {})
        self.state = state

    def _failure(self, msg: object) -> None:
        text = str(msg)
        self.state.failed(text)
        self.logger.warning(
            "Socket Mode: %s (attempt %s)", text.replace("; Retrying...", ""), self.state.failures
        )

    def exception(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._failure(msg)

    def error(self, msg: object, *args: Any, **kwargs: Any) -> None:
        if str(msg).startswith("Failed to retrieve WSS URL"):
            self.state.down(str(msg))  # the attempt's own failure line follows
            return
        self._failure(msg)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        kwargs.pop("exc_info", None)
        return msg, kwargs


async def watch(
    is_connected: Callable[[], Awaitable[bool]],
    state: SocketModeState,
    *,
    every: float = WATCH_SECONDS,
) -> None:
    """Keep ``state`` current until cancelled."""
    while True:
        if await is_connected():
            state.up()
        elif state.connected:
            state.down("the connection closed or stopped answering pings")
        await asyncio.sleep(every)
