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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.delivery.compose import fill_daily_message
from bot.delivery.ports import Platform, RateLimited, Rejected, TransientError, Unreachable
from bot.ops import lifecycle, metrics
from bot.ops.instrument import about_delivery
from bot.replies import Reply, numbered_refs
from bot.services.context import Deps
from nudges.model import Delivery, DeliveryKind, DeliveryState, NudgeState, Person
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)

# A retry never comes in the same instant: "Retry-After: 0" would otherwise be claimed again
# by the same drain at once and spend the whole retry budget in a burst of calls.
MIN_WAIT_SECONDS = 1.0
# A platform's "slow down" shorter than this is waited out in the worker (real time only).
MAX_INLINE_PAUSE_SECONDS = 5.0
#: Messages composed together, just before they are sent: one transaction for several, at
#: the cost of reading a message's items that many sends early (tens of ms at 200/s).
COMPOSE_AHEAD = 10


@dataclass
class DrainResult:
    sent: list[tuple[int, int, str]] = field(default_factory=list)  # delivery, recipient, ref
    retried: int = 0
    failed: int = 0
    unreachable: int = 0


@dataclass
class Outbox:
    deps: Deps
    platforms: Mapping[PlatformName, Platform]
    worker: str
    rng: random.Random = field(default_factory=random.Random)
    # Platforms that answered "slow down", and until when (shared by this worker's batches).
    _paused: dict[PlatformName, datetime] = field(default_factory=dict)

    async def drain(self, *, now: datetime | None = None, rounds: int = 1000) -> DrainResult:
        """Send everything that may be sent at ``now`` (default: the clock), batch by batch.

        A batch is worked on only in the first half of its lease: sends can be slow (a client
        sleeping on rate limits), and once the lease has run out another worker may take the
        rest over and send it too. What is left then is released and claimed again afresh."""
        # Database work runs in threads: the event loop keeps serving chat meanwhile (on SQLite
        # a claim may wait for a sweep's write lock).
        result = DrainResult()
        seen: set[int] = set()
        usable = timedelta(seconds=self.deps.settings.delivery.lease_seconds) / 2
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
            replies: dict[int, Reply | None] = {}
            for index, (delivery, recipient) in enumerate(claimed):
                if lifecycle.requested() or (
                    index and (now or self.deps.clock.now()) >= at + usable
                ):  # stopping, or half the lease used: the rest goes back, unsent
                    await asyncio.to_thread(self._release, [d for d, _ in claimed[index:]])
                    break
                if delivery.id not in replies:  # the next few messages, composed together
                    ahead = [d for d, _ in claimed[index : index + COMPOSE_AHEAD]]
                    current = now or self.deps.clock.now()
                    replies = await asyncio.to_thread(self._compose_many, ahead, now=current)
                seen.add(delivery.id)
                await self._deliver(
                    delivery, recipient, reply=replies[delivery.id], now=now, result=result
                )
        return result

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
                self._finish_failed, delivery, DeliveryState.FAILED, why, now=now, result=result
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
                self._retry,
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
                self._record_sent,
                delivery,
                ref="",
                now=now,
                result=result,
                recipient_id=recipient.id,
            )
            return
        try:
            ref = None
            if delivery.attempts > 1:  # maybe an earlier attempt got through before a crash
                ref = await platform.find(recipient, delivery_id=delivery.id)
            if ref is None:
                ref = await platform.send(recipient, reply, delivery_id=delivery.id)
        except Unreachable as exc:
            await asyncio.to_thread(
                self._finish_failed,
                delivery,
                DeliveryState.UNREACHABLE,
                str(exc),
                now=now,
                result=result,
            )
            return
        except Rejected as exc:  # the platform refuses this message itself: no retry helps
            await asyncio.to_thread(
                self._finish_failed,
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
            self._paused[delivery.platform] = (now or self.deps.clock.now()) + timedelta(
                seconds=max(exc.retry_after, 0.0)
            )
            wait = max(exc.retry_after, MIN_WAIT_SECONDS)
            await asyncio.to_thread(
                self._retry,
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
                self._retry,
                delivery,
                wait=self._backoff(delivery),
                error=str(exc),
                now=now,
                result=result,
            )
            return
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly", delivery.id)
            await asyncio.to_thread(
                self._retry,
                delivery,
                wait=self._backoff(delivery),
                error=type(exc).__name__,
                now=now,
                result=result,
            )
            return
        await asyncio.to_thread(
            self._record_sent,
            delivery,
            ref=ref,
            now=now,
            result=result,
            recipient_id=recipient.id,
            shown=numbered_refs(reply),
        )

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
            nudges = uow.deliveries.nudges_of_many([d.id for d in daily])
            live = {
                d.id: [
                    n for n in nudges[d.id] if n.state in (NudgeState.OPEN, NudgeState.DELIVERED)
                ]
                for d in daily
            }
            wanted = sorted({n.customer_id for items in live.values() for n in items})
            customers = {c.id: c for c in uow.customers.get_many(wanted)}
        for delivery in daily:
            items = live[delivery.id]
            composed[delivery.id] = (
                fill_daily_message(
                    Reply.from_json(delivery.payload),
                    items,
                    customers,
                    policy=self.deps.policy,
                    now=now,
                )
                if items
                else None  # everything was answered meanwhile: nothing left to say
            )
        return composed

    def _backoff(self, delivery: Delivery) -> float:
        settings = self.deps.settings.delivery
        ceiling = min(
            settings.backoff_max_seconds,
            settings.backoff_base_seconds * 2 ** max(0, delivery.attempts - 1),
        )
        return self.rng.uniform(ceiling / 2, ceiling)  # "equal jitter": never zero, never sync

    def _retry(
        self,
        delivery: Delivery,
        *,
        wait: float,
        error: str,
        now: datetime | None,
        result: DrainResult,
        counted: bool = True,
    ) -> None:
        if counted and delivery.attempts >= self.deps.settings.delivery.max_attempts:
            self._finish_failed(delivery, DeliveryState.FAILED, error, now=now, result=result)
            return
        with self.deps.uow() as uow:
            # Due again by real time too: a caller whose "now" runs ahead (`tick --now`
            # tomorrow) must not push a delivery into its own future.
            base = min(now or self.deps.clock.now(), uow.database_now())
            at = base + timedelta(seconds=max(wait, MIN_WAIT_SECONDS))
            uow.deliveries.retry_at(
                delivery.id, worker=self.worker, at=at, error=error, counted=counted
            )
            uow.commit()
        result.retried += 1
        metrics.delivery(delivery.platform, "retried" if counted else "rate_limited")
        log.info(
            "delivery %s: attempt %s failed (%s); next at %s",
            delivery.id,
            delivery.attempts,
            error,
            at.isoformat(),
        )

    def _record_sent(
        self,
        delivery: Delivery,
        *,
        ref: str,
        now: datetime | None,
        result: DrainResult,
        recipient_id: int,
        shown: tuple[str, ...] | None = None,
    ) -> None:
        now = now or self.deps.clock.now()
        with self.deps.uow() as uow:
            held = uow.deliveries.mark_sent(
                delivery.id, worker=self.worker, message_ref=ref, now=now
            )
            if shown:  # the numbered list the recipient now reads: "done 2" means its item 2
                uow.shown.remember(recipient_id, shown, at=now)
            uow.commit()
        if not held:
            log.warning(
                "delivery %s was sent but its lease had passed to another worker", delivery.id
            )
        result.sent.append((delivery.id, recipient_id, ref))
        metrics.delivery(delivery.platform, "sent")

    def _finish_failed(
        self,
        delivery: Delivery,
        state: DeliveryState,
        error: str,
        *,
        now: datetime | None,
        result: DrainResult,
    ) -> None:
        now = now or self.deps.clock.now()
        with self.deps.uow() as uow:
            uow.deliveries.give_up(delivery.id, worker=self.worker, state=state, error=error)
            ids = [n.id for n in uow.deliveries.nudges_of(delivery.id) if n.id is not None]
            # Never lost: the nudges go back to open and ride with a later message.
            uow.nudges.set_states(ids, NudgeState.OPEN, now=now, only_from=(NudgeState.DELIVERED,))
            if state is DeliveryState.UNREACHABLE:
                person = uow.people.get(delivery.recipient_id)
                if person is not None and not person.unreachable:
                    uow.people.update(replace(person, unreachable=True))
            uow.commit()
        metrics.delivery(delivery.platform, state.value)
        if state is DeliveryState.UNREACHABLE:
            result.unreachable += 1
        else:
            result.failed += 1
        log.warning("delivery %s %s: %s", delivery.id, state.value, error)
