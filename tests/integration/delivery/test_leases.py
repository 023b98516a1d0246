"""Leases: a worker holds the deliveries it claimed only for ``lease_seconds``. A slow worker
(a platform client sleeping on rate limits inside its calls) must not go on sending deliveries
another worker may have taken over meanwhile."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.outbox import Outbox
from bot.replies import Reply
from nudges.model import DeliveryState, Person
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book, BookFactory

SLOT = START + timedelta(hours=1)
SEND_TAKES = timedelta(seconds=50)


class SlowPlatform:
    """Every send takes 50 s of the book's clock; once the clock has passed the first lease,
    another replica runs its outbox (once), in the middle of this worker's batch."""

    def __init__(self, book: Book, platform: FakePlatform, replica: Outbox) -> None:
        self.book = book
        self.platform = platform
        self.replica = replica
        self.replica_ran = False

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        ref = await self.platform.send(recipient, reply, delivery_id=delivery_id)
        self.book.clock.set(self.book.clock.now() + SEND_TAKES)
        lease = timedelta(seconds=self.book.container.settings.delivery.lease_seconds)
        if not self.replica_ran and self.book.clock.now() > SLOT + lease:
            self.replica_ran = True
            await self.replica.drain()
        return ref

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return await self.platform.find(recipient, delivery_id=delivery_id)


async def test_a_slow_worker_sends_nothing_another_worker_may_have_taken_over(
    make_book: BookFactory, fake: FakePlatform
) -> None:
    book = make_book(concurrency=1)  # one send after another, each slower than the last
    ids = book.add_digests(recipients=[book.maria], count=10, slot=SLOT)
    book.clock.set(SLOT)
    replica = Outbox(book.deps, {PlatformName.CONSOLE: fake}, worker="replica")
    slow = SlowPlatform(book, fake, replica)
    worker = Outbox(book.deps, {PlatformName.CONSOLE: slow}, worker="slow")

    drained = await worker.drain()  # on the clock, which the sends move on
    await replica.drain()  # whatever is left

    # The replica ran mid-batch, after the first lease had run out; the slow worker had
    # released what it had not started in time and claimed it again, so nothing was free.
    assert slow.replica_ran
    assert len(drained.sent) == 10
    assert fake.duplicates() == {}
    assert sorted(s.delivery_id for s in fake.sent) == ids
    deliveries = book.deliveries()
    assert {d.state for d in deliveries} == {DeliveryState.SENT}
    assert {d.attempts for d in deliveries} == {1}  # a released claim is not an attempt
    for sent in fake.sent:
        [delivery] = [d for d in deliveries if d.id == sent.delivery_id]
        assert delivery.message_ref == sent.message_ref
