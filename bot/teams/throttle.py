"""Pacing for proactive sends: Teams allows about 7 messages a second per conversation and
(by design here) 30 a second per tenant. A token bucket per key makes a burst wait its turn
instead of collecting 429s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

PER_CONVERSATION = 7.0
PER_TENANT = 30.0
_EPSILON = 1e-9
_MIN_SLEEP = 0.001


@dataclass
class TokenBucket:
    rate: float  # tokens per second, also the burst size
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _tokens: float = field(init=False)
    _stamp: float = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._tokens = self.rate
        self._stamp = self.clock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                self._tokens = min(self.rate, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1 - _EPSILON:  # float sums may land just below 1
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self.sleep(max((1 - self._tokens) / self.rate, _MIN_SLEEP))


@dataclass
class Throttle:
    """Buckets per tenant and per conversation, created on first use."""

    per_tenant: float = PER_TENANT
    per_conversation: float = PER_CONVERSATION
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None

    async def wait(self, *, tenant_id: str | None, conversation_id: str) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # the buckets' locks belong to one event loop
            self._buckets.clear()
            self._loop = loop
        await self._bucket(f"tenant:{tenant_id or '-'}", self.per_tenant).acquire()
        await self._bucket(f"conversation:{conversation_id}", self.per_conversation).acquire()

    def _bucket(self, key: str, rate: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, clock=self.clock, sleep=self.sleep)
        return bucket
