"""The outbound port every platform adapter implements, and the failures it may report."""

from __future__ import annotations

from typing import Protocol

from bot.replies import Reply
from nudges.model import Person


class DeliveryError(Exception):
    """A send did not happen."""


class RateLimited(DeliveryError):
    """The platform said "slow down": try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g}s)")
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """Worth retrying later with backoff: a 5xx, a timeout, a dropped connection."""


class Unreachable(DeliveryError):
    """The recipient blocked or uninstalled the bot: retrying will not help."""


class Rejected(DeliveryError):
    """The platform refused this message itself (too large, malformed) even after the adapter
    did what it could (split it): sending it again would be refused again."""


class Platform(Protocol):
    """Sends one message to one person. ``delivery_id`` travels with the message where the
    platform allows (Slack message metadata), so ``find`` can tell after a crash whether an
    earlier attempt already got through."""

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        """Send and return the platform's message reference."""
        ...

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        """The reference of a message already sent for this delivery, if the platform can
        tell; None when it was not sent (or the platform cannot know)."""
        ...
