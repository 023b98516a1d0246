"""A platform that admits a fixed number of sends a second (a token bucket) and answers
"slow down" beyond it, as Slack's and Teams' rate limits do."""

from __future__ import annotations

from dataclasses import dataclass, field
from time import monotonic

from bot.delivery.ports import RateLimited
from bot.replies import Reply
from nudges.model import Person


@dataclass
class TokenBucketPlatform:
    rate: float  # sends admitted per second, on average
    burst: float = 0.0  # bucket size; default: a tenth of a second's worth (at least one)
    sent: int = 0
    refused: int = 0
    _tokens: float = field(default=0.0, init=False)
    _at: float = field(default_factory=monotonic, init=False)

    def __post_init__(self) -> None:
        if self.burst <= 0:
            self.burst = max(1.0, self.rate / 10)
        self._tokens = self.burst

    def _refill(self) -> None:
        now = monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        self._refill()
        if self._tokens < 1:
            self.refused += 1
            raise RateLimited((1 - self._tokens) / self.rate)
        self._tokens -= 1
        self.sent += 1
        return f"bench:{delivery_id}"

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None
