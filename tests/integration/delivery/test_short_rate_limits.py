"""A short "slow down" is waited out by the worker and the message sent in the same drain, on
a platform whose limits the pacer does not know too (the console, a plugged-in platform): the
next try comes once Retry-After has passed, not at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Pacer
from bot.delivery.ports import RateLimited
from bot.replies import Reply
from nudges.model import DeliveryState, Person
from nudges.model import Platform as PlatformName
from tests.fakes.monotonic import FakeTime
from tests.integration.delivery.conftest import START, Book


@dataclass
class Resting:
    """A platform that refuses every send until ``until`` on the shared fake time."""

    time: FakeTime
    until: float
    tries: list[float] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        self.tries.append(self.time.now)
        if self.time.now < self.until:
            raise RateLimited(self.until - self.time.now)
        self.sent.append(delivery_id)
        return f"rested:{delivery_id}"

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None


async def test_a_short_retry_after_on_an_unpaced_platform_is_waited_out_then_sent(
    book: Book,
) -> None:
    [delivery_id] = book.add_digests(recipients=[book.maria], count=1, slot=START)
    time = FakeTime()
    platform = Resting(time, until=time.now + 0.25)
    pacer = Pacer(clock=time, sleep=time.sleep)
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="w", pacer=pacer)

    result = await outbox.drain()  # real time: the worker may wait a short pause itself

    [delivery] = book.deliveries()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)
    assert delivery.message_ref == f"rested:{delivery_id}"
    assert [d for d, _, _ in result.sent] == [delivery_id]
    assert platform.sent == [delivery_id]
    assert platform.tries == [1000.0, 1000.25]  # refused once, then tried when it said
    assert result.retried == 0
