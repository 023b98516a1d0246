"""Pacing sends within the platforms' rate limits, so that a drain sends concurrently without
running into 429s, and a 429 that comes anyway is waited out by the outbox, not the client.

One token bucket per recipient (Slack: about one message a second per channel; Teams: 7 a
second per conversation) and one per workspace (Teams: 30 a second per tenant; Slack: the
``chat.postMessage`` workspace allowance). A ``Retry-After`` rests the workspace's bucket until
then and lowers its rate by a quarter; each success brings the rate back up, never above
the platform's. A platform whose limits are not known here (a plugged-in one) is not paced, but
a short ``Retry-After`` the worker waits out itself (``rest``) holds its next send too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from nudges.model import Platform

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limits:
    per_recipient: float | None  # sends a second; None: no limit
    per_workspace: float | None
    burst: int = 3


#: What each platform allows (sends a second).
LIMITS: dict[Platform, Limits] = {
    Platform.SLACK: Limits(per_recipient=1.0, per_workspace=20.0),
    Platform.TEAMS: Limits(per_recipient=7.0, per_workspace=30.0),
    Platform.CONSOLE: Limits(per_recipient=None, per_workspace=None),
}
DECREASE = 0.75  # a "slow down": the rate down by a quarter
RECOVERY = 1.01  # each success: the rate back up by 1 %, up to the platform's


@dataclass
class TokenBucket:
    """A token bucket kept as the instant its next token is due (the generic cell rate
    algorithm): ``burst`` sends at once, then one each ``1 / rate`` seconds."""

    rate: float  # tokens a second
    burst: int
    clock: Clock = time.monotonic
    ceiling: float = 0.0  # the platform's rate: recovery stops there
    _due: float = field(default=float("-inf"), init=False)
    _rested_until: float = field(default=float("-inf"), init=False)

    def __post_init__(self) -> None:
        self.ceiling = self.ceiling or self.rate

    def _slack(self) -> float:
        return (self.burst - 1) / self.rate

    def reserve(self) -> float:
        """Take a token; how long to wait before using it (0: at once)."""
        now = self.clock()
        due = max(self._due, now)
        self._due = due + 1 / self.rate
        return max(0.0, due - now - self._slack())

    def slow_down(self, *, retry_after: float) -> None:
        """The platform said wait ``retry_after`` seconds: no token before then, and a
        slower rate after (once per rest: the other sends in flight meet the same limit)."""
        now = self.clock()
        if now >= self._rested_until:
            self.rate = max(self.rate * DECREASE, self.ceiling / 64)
        self._rested_until = max(self._rested_until, now + max(retry_after, 0.0))
        self._due = max(self._due, self._rested_until + self._slack())

    def succeeded(self) -> None:
        self.rate = min(self.rate * RECOVERY, self.ceiling)


@dataclass
class Pacer:
    """The buckets of one worker; shared by its concurrent sends."""

    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    limits: dict[Platform, Limits] = field(default_factory=lambda: dict(LIMITS))
    _buckets: dict[tuple[Platform, str, int], TokenBucket] = field(default_factory=dict)
    # Workspaces resting after a short "slow down": by (platform, workspace), until when.
    _rests: dict[tuple[Platform, int], float] = field(default_factory=dict)

    def _bucket(self, platform: Platform, scope: str, key: int) -> TokenBucket | None:
        limits = self.limits.get(platform)
        rate = None
        if limits is not None:
            rate = limits.per_recipient if scope == "recipient" else limits.per_workspace
        if rate is None or limits is None:
            return None
        bucket = self._buckets.get((platform, scope, key))
        if bucket is None:
            bucket = TokenBucket(rate=rate, burst=limits.burst, clock=self.clock)
            self._buckets[(platform, scope, key)] = bucket
        return bucket

    async def wait(self, platform: Platform, *, workspace: int, recipient: int) -> None:
        """Wait until a send to ``recipient`` in ``workspace`` is within the limits."""
        buckets = (
            self._bucket(platform, "workspace", workspace),
            self._bucket(platform, "recipient", recipient),
        )
        pause = max((b.reserve() for b in buckets if b is not None), default=0.0)
        rest = self._rests.get((platform, workspace))
        if rest is not None:
            pause = max(pause, rest - self.clock())
        if pause > 0:
            await self.sleep(pause)

    def slow_down(self, platform: Platform, *, workspace: int, retry_after: float) -> None:
        bucket = self._bucket(platform, "workspace", workspace)
        if bucket is not None:
            bucket.slow_down(retry_after=retry_after)

    def rest(self, platform: Platform, *, workspace: int, seconds: float) -> None:
        """No send to ``workspace`` for ``seconds`` (a short Retry-After the worker waits out
        itself): what :meth:`slow_down` does for a platform it paces, for any platform."""
        key, until = (platform, workspace), self.clock() + max(seconds, 0.0)
        self._rests[key] = max(self._rests.get(key, until), until)

    def succeeded(self, platform: Platform, *, workspace: int) -> None:
        bucket = self._bucket(platform, "workspace", workspace)
        if bucket is not None:
            bucket.succeeded()
