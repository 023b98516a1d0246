"""Token buckets per platform: per recipient (Slack 1 message a second per channel, Teams 7 a
second per conversation) and per workspace (Teams 30 a second per tenant); a Retry-After rests
the workspace's bucket until then and slows it, and successes bring the rate back up."""

from __future__ import annotations

import asyncio

from bot.delivery.pacing import LIMITS, Pacer, TokenBucket
from nudges.model import Platform
from tests.fakes.monotonic import FakeTime


def test_a_bucket_lets_a_burst_through_then_paces_at_its_rate() -> None:
    time = FakeTime()
    bucket = TokenBucket(rate=2.0, burst=3, clock=time)
    waits = [bucket.reserve() for _ in range(7)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == [0.5, 1.0, 1.5, 2.0]


def test_a_retry_after_rests_the_bucket_and_slows_it_then_it_recovers() -> None:
    time = FakeTime()
    bucket = TokenBucket(rate=10.0, burst=1, clock=time)
    assert bucket.reserve() == 0.0
    bucket.slow_down(retry_after=4.0)
    assert bucket.reserve() >= 4.0  # nothing before Retry-After has passed
    assert bucket.rate == 7.5  # and slower after
    bucket.slow_down(retry_after=4.0)  # another send in flight met the same limit
    assert bucket.rate == 7.5
    for _ in range(200):
        bucket.succeeded()
    assert bucket.rate == 10.0  # back to the platform's limit, never above


def test_the_pacer_paces_each_recipient_and_each_workspace() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time, sleep=time.sleep)

    async def send_many() -> None:
        for _ in range(5):  # five messages to one Slack user: one a second after the burst
            await pacer.wait(Platform.SLACK, workspace=1, recipient=7)

    asyncio.run(send_many())
    assert LIMITS[Platform.SLACK].per_recipient == 1.0
    assert sum(time.slept) == 2.0


def test_the_console_is_never_paced() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time, sleep=time.sleep)

    async def send_many() -> None:
        for recipient in range(500):
            await pacer.wait(Platform.CONSOLE, workspace=1, recipient=recipient % 3)

    asyncio.run(send_many())
    assert time.slept == []


def test_a_rest_holds_the_next_send_on_a_platform_without_known_limits() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time, sleep=time.sleep)
    pigeon = Platform("pigeon")  # plugged in: the pacer knows no limits of its own for it

    async def two_sends_after_a_slow_down() -> None:
        pacer.slow_down(pigeon, workspace=1, retry_after=0.5)  # no rate of its own to lower
        pacer.rest(pigeon, workspace=1, seconds=0.5)
        await pacer.wait(pigeon, workspace=2, recipient=5)  # another workspace: not rested
        await pacer.wait(pigeon, workspace=1, recipient=7)
        await pacer.wait(pigeon, workspace=1, recipient=7)  # the pause has passed

    asyncio.run(two_sends_after_a_slow_down())
    assert time.slept == [0.5]
