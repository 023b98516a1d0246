"""Recording what became of a delivery attempt: sent, to retry (with backoff, or when the
platform said), failed or unreachable (its nudges back to open: never lost)."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.ops import metrics
from bot.services.context import Deps
from nudges.model import Delivery, DeliveryState, NudgeState

log = logging.getLogger("bot.delivery.outbox")

# A retry never comes in the same instant: "Retry-After: 0" would otherwise be claimed again
# by the same drain at once and spend the whole retry budget in a burst of calls.
MIN_WAIT_SECONDS = 1.0


@dataclass
class DrainResult:
    sent: list[tuple[int, int, str]] = field(default_factory=list)  # delivery, recipient, ref
    retried: int = 0
    failed: int = 0
    unreachable: int = 0


@dataclass
class Outcomes:
    """What a worker writes back after each attempt."""

    deps: Deps
    worker: str
    rng: random.Random

    def backoff(self, delivery: Delivery) -> float:
        settings = self.deps.settings.delivery
        ceiling = min(
            settings.backoff_max_seconds,
            settings.backoff_base_seconds * 2 ** max(0, delivery.attempts - 1),
        )
        return self.rng.uniform(ceiling / 2, ceiling)  # "equal jitter": never zero, never sync

    def retry(
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
            self.finish_failed(delivery, DeliveryState.FAILED, error, now=now, result=result)
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

    def record_sent(
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

    def finish_failed(
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
