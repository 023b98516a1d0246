"""The outbox worker: claim deliveries with a lease, send them, record the outcome.

- A crashed worker's lease expires and another worker retries the delivery; before re-sending,
  the platform is asked whether the earlier attempt got through (``Platform.find``).
- Rate limits wait what ``Retry-After`` says; other transient failures back off exponentially
  with jitter; after ``max_attempts`` the delivery is ``failed`` (shown by ``deliveries failed``)
  and its nudges go back to open, to ride with the recipient's next message.
- A recipient who blocked or uninstalled the bot is marked unreachable, not retried forever.
- A message the platform refuses as such (``Rejected``: too large even split, malformed)
  fails at once with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery.compose import read_daily
from bot.delivery.outcomes import MIN_WAIT_SECONDS, DrainResult, Outcomes
from bot.delivery.pacing import Pacer
from bot.delivery.ports import Platform, RateLimited, Rejected, TransientError, Unreachable
from bot.ops import lifecycle, metrics
from bot.ops.instrument import about_delivery
from bot.replies import Reply, numbered_refs
from bot.services.context import Deps
from nudges.model import Delivery, DeliveryKind, DeliveryState, Person
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)

__all__ = ["DrainResult", "Outbox"]

# A platform's "slow down" shorter than this is waited out in the worker (real time only).
MAX_INLINE_PAUSE_SECONDS = 5.0
#: Messages composed together, just before they are sent: one transaction for several, at
#: the cost of reading a message's items that many sends early (tens of ms at 200/s).
COMPOSE_AHEAD = 10
#: A send rate-limited for a few seconds is tried again in the worker, this often at most.
INLINE_RATE_LIMIT_TRIES = 4


@dataclass
class Outbox:
    deps: Deps
    platforms: Mapping[PlatformName, Platform]
    worker: str
    rng: random.Random = field(default_factory=random.Random)
    pacer: Pacer = field(default_factory=Pacer)
    outcomes: Outcomes = field(init=False)
    # Platforms that answered "slow down", and until when (shared by this worker's batches).
    _paused: dict[PlatformName, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.outcomes = Outcomes(self.deps, self.worker, self.rng)

    async def drain(self, *, now: datetime | None = None, rounds: int = 1000) -> DrainResult:
        """Send everything that may be sent at ``now`` (default: the clock), batch by batch.

        A batch is worked on only in the first half of its lease: sends can be slow (a client
        sleeping on rate limits), and once the lease has run out another worker may take the
        rest over and send it too. What is left then is released and claimed again afresh."""
        # Database work runs in threads: the event loop keeps serving chat meanwhile (on SQLite
        # a claim may wait for a sweep's write lock).
        result = DrainResult()
        seen: set[int] = set()
        for _ in range(rounds):
            if lifecycle.requested():  # stopping: no new claim
                break
            at = now or self.deps.clock.now()
            claimed = await asyncio.to_thread(self._claim, at)
            # A drain tries a delivery once: one retried by it comes back to the next drain
            # (a caller whose "now" runs ahead would otherwise claim its retries again at once).
            again = [d for d, _ in claimed if d.id in seen]
            if again:
                await asyncio.to_thread(self._release, again)
                claimed = [(d, r) for d, r in claimed if d.id not in seen]
            if not claimed:
                break
            await self._send_batch(claimed, at=at, now=now, seen=seen, result=result)
        return result

    async def _send_batch(
        self,
        claimed: list[tuple[Delivery, Person | None]],
        *,
        at: datetime,
        now: datetime | None,
        seen: set[int],
        result: DrainResult,
    ) -> None:
        """Send a claimed batch, ``concurrency`` at a time (each paced by the platform's
        limits), in the first half of its lease; what is left then goes back unsent."""
        usable = timedelta(seconds=self.deps.settings.delivery.lease_seconds) / 2
        step = max(1, self.deps.settings.delivery.concurrency)
        replies: dict[int, Reply | None] = {}
        for index in range(0, len(claimed), step):
            if lifecycle.requested() or (
                index and (now or self.deps.clock.now()) >= at + usable
            ):  # stopping, or half the lease used: the rest goes back, unsent
                await asyncio.to_thread(self._release, [d for d, _ in claimed[index:]])
                return
            group = claimed[index : index + step]
            if any(d.id not in replies for d, _ in group):  # the next few, composed together
                ahead = [d for d, _ in claimed[index : index + max(COMPOSE_AHEAD, step)]]
                current = now or self.deps.clock.now()
                replies = await asyncio.to_thread(self._compose_many, ahead, now=current)
            seen.update(d.id for d, _ in group)
            await asyncio.gather(
                *(
                    self._deliver(d, r, reply=replies[d.id], now=now, result=result)
                    for d, r in group
                )
            )

    def _claim(self, now: datetime) -> list[tuple[Delivery, Person | None]]:
        """A batch of deliveries, each with its recipient (read with the claim, in bulk).
        Only deliveries this worker can send: a process without a platform's credentials (an
        admin's ``nudgebot tick``) leaves that platform's deliveries to the workers that have
        them, instead of failing them."""
        settings = self.deps.settings.delivery
        with self.deps.uow() as uow:
            claimed = uow.deliveries.claim(
                now=now,
                worker=self.worker,
                lease_seconds=settings.lease_seconds,
                limit=settings.batch_size,
                platforms=sorted(self.platforms),
            )
            people = {p.id: p for p in uow.people.get_many({d.recipient_id for d in claimed})}
            uow.commit()
        return [(d, people.get(d.recipient_id)) for d in claimed]

    def _release(self, deliveries: list[Delivery]) -> None:
        with self.deps.uow() as uow:
            released = uow.deliveries.release([d.id for d in deliveries], worker=self.worker)
            uow.commit()
        log.info("%s claimed deliveries released unsent", released)

    @about_delivery
    async def _deliver(
        self,
        delivery: Delivery,
        recipient: Person | None,
        *,
        reply: Reply | None,
        now: datetime | None,
        result: DrainResult,
    ) -> None:
        """Send one claimed delivery (``reply``: its message as composed just before, None when
        nothing is left to say) and record the outcome."""
        platform = self.platforms.get(delivery.platform)
        if recipient is None or platform is None:
            why = "recipient removed" if recipient is None else f"no {delivery.platform} platform"
            await asyncio.to_thread(
                self.outcomes.finish_failed,
                delivery,
                DeliveryState.FAILED,
                why,
                now=now,
                result=result,
            )
            return
        current = now or self.deps.clock.now()
        paused = self._paused.get(delivery.platform)
        if paused is not None and paused > current and now is None:
            pause = (paused - current).total_seconds()
            if pause <= MAX_INLINE_PAUSE_SECONDS:
                # A short pause (a rate limit of a few hundred ms): wait it out here rather
                # than writing every delivery of the batch back to the outbox.
                await asyncio.sleep(pause)
                current = self.deps.clock.now()
        if paused is not None and paused > current:
            await asyncio.to_thread(
                self.outcomes.retry,
                delivery,
                wait=(paused - current).total_seconds(),
                error=f"{delivery.platform} asked to slow down",
                now=now,
                result=result,
                counted=False,
            )
            return
        if reply is None:
            await asyncio.to_thread(
                self.outcomes.record_sent,
                delivery,
                ref="",
                now=now,
                result=result,
                recipient_id=recipient.id,
            )
            return
        try:
            ref = await self._send(platform, delivery, recipient, reply, now=now)
        except Unreachable as exc:
            await asyncio.to_thread(
                self.outcomes.finish_failed,
                delivery,
                DeliveryState.UNREACHABLE,
                str(exc),
                now=now,
                result=result,
            )
            return
        except Rejected as exc:  # the platform refuses this message itself: no retry helps
            await asyncio.to_thread(
                self.outcomes.finish_failed,
                delivery,
                DeliveryState.FAILED,
                str(exc),
                now=now,
                result=result,
            )
            return
        except RateLimited as exc:
            # Not a failure: the platform is up and said when to come back. The attempt is
            # not counted, and the platform rests until then for the rest of the batch too.
            metrics.rate_limited(delivery.platform, exc.retry_after)
            self.pacer.slow_down(
                delivery.platform, workspace=recipient.workspace_id, retry_after=exc.retry_after
            )
            self._paused[delivery.platform] = (now or self.deps.clock.now()) + timedelta(
                seconds=max(exc.retry_after, 0.0)
            )
            wait = max(exc.retry_after, MIN_WAIT_SECONDS)
            await asyncio.to_thread(
                self.outcomes.retry,
                delivery,
                wait=wait,
                error=str(exc),
                now=now,
                result=result,
                counted=False,
            )
            return
        except TransientError as exc:
            await asyncio.to_thread(
                self.outcomes.retry,
                delivery,
                wait=self.outcomes.backoff(delivery),
                error=str(exc),
                now=now,
                result=result,
            )
            return
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly", delivery.id)
            await asyncio.to_thread(
                self.outcomes.retry,
                delivery,
                wait=self.outcomes.backoff(delivery),
                error=type(exc).__name__,
                now=now,
                result=result,
            )
            return
        await asyncio.to_thread(
            self.outcomes.record_sent,
            delivery,
            ref=ref,
            now=now,
            result=result,
            recipient_id=recipient.id,
            shown=numbered_refs(reply),
        )

    async def _send(
        self,
        platform: Platform,
        delivery: Delivery,
        recipient: Person,
        reply: Reply,
        *,
        now: datetime | None,
    ) -> str:
        """Send within the platform's limits. A short "slow down" is waited out here, by
        the pacer, and the send tried again (real time only); a long one is raised."""
        for _ in range(INLINE_RATE_LIMIT_TRIES):
            await self.pacer.wait(
                delivery.platform, workspace=recipient.workspace_id, recipient=recipient.id
            )
            try:
                ref = None
                if delivery.attempts > 1:  # maybe an earlier attempt got through (a crash)
                    ref = await platform.find(recipient, delivery_id=delivery.id)
                if ref is None:
                    ref = await platform.send(recipient, reply, delivery_id=delivery.id)
            except RateLimited as exc:
                if now is not None or exc.retry_after > MAX_INLINE_PAUSE_SECONDS:
                    raise
                metrics.rate_limited(delivery.platform, exc.retry_after)
                self.pacer.slow_down(
                    delivery.platform, workspace=recipient.workspace_id, retry_after=exc.retry_after
                )
                # The next try waits it out, on a platform the pacer does not pace too.
                self.pacer.rest(
                    delivery.platform, workspace=recipient.workspace_id, seconds=exc.retry_after
                )
                continue
            self.pacer.succeeded(delivery.platform, workspace=recipient.workspace_id)
            return ref
        raise RateLimited(MIN_WAIT_SECONDS, f"{delivery.platform} kept asking to slow down")

    def _compose_many(
        self, deliveries: list[Delivery], *, now: datetime
    ) -> dict[int, Reply | None]:
        """The messages as they stand now: a daily message's items are read just before it is
        sent (a few messages ahead, in one transaction), so an answer given meanwhile is not
        asked again; None for a message whose items were all answered. Other payloads go as
        they are."""
        composed: dict[int, Reply | None] = {}
        daily = [d for d in deliveries if d.kind is DeliveryKind.NUDGES]
        for delivery in deliveries:
            if delivery.kind is not DeliveryKind.NUDGES:
                composed[delivery.id] = Reply.from_json(delivery.payload)
        if not daily:
            return composed
        with self.deps.reader() as uow:
            composed.update(read_daily(uow, daily, policy=self.deps.policy, now=now))
        return composed
