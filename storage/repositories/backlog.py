"""What the outbox still has to send: counts per platform and how late the oldest one is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nudges.model import DeliveryState, Platform
from storage.tables import delivery_t

_WAITING = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    #: Deliveries not sent yet (pending, or being sent under a lease), per platform.
    waiting: dict[Platform, int] = field(default_factory=dict)
    #: The slot of the oldest delivery that is due now and still not sent; None when none is.
    oldest_due_slot: datetime | None = None


@dataclass
class BacklogRepository:
    session: Session

    def outbox(self, *, now: datetime) -> OutboxBacklog:
        """Two small aggregate queries on the (state, next_attempt_at) index."""
        rows = self.session.execute(
            select(delivery_t.c.platform, func.count())
            .where(delivery_t.c.state.in_(_WAITING))
            .group_by(delivery_t.c.platform)
        )
        waiting = {str(name): int(count) for name, count in rows}
        oldest = self.session.scalar(
            select(func.min(delivery_t.c.slot_at)).where(
                delivery_t.c.state.in_(_WAITING), delivery_t.c.next_attempt_at <= now
            )
        )
        return OutboxBacklog(
            waiting={Platform(name): int(count) for name, count in waiting.items()},
            oldest_due_slot=oldest,
        )
