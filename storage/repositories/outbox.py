"""The outbox: deliveries waiting to be sent, and the nudges each one carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from nudges.model import Delivery, DeliveryKind, DeliveryState, Nudge, Platform
from storage.repositories import mapping
from storage.tables import DeliveryRow, NudgeRow, delivery_item_t, delivery_t, nudge_t


@dataclass
class DeliveryRepository:
    session: Session

    def add(
        self,
        *,
        dedupe_key: str,
        recipient_id: int,
        platform: Platform,
        kind: DeliveryKind,
        slot_at: datetime,
        payload: str,
        nudge_ids: Sequence[int] = (),
        now: datetime,
    ) -> Delivery:
        row = DeliveryRow(
            dedupe_key=dedupe_key,
            recipient_id=recipient_id,
            platform=platform.value,
            kind=kind.value,
            slot_at=slot_at,
            payload=payload,
            state=DeliveryState.PENDING.value,
            attempts=0,
            next_attempt_at=slot_at,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        if nudge_ids:
            self.session.execute(
                insert(delivery_item_t),
                [
                    {"delivery_id": row.id, "nudge_id": nudge_id, "position": position}
                    for position, nudge_id in enumerate(nudge_ids)
                ],
            )
        return mapping.delivery(row)

    def get(self, delivery_id: int) -> Delivery | None:
        row = self.session.get(DeliveryRow, delivery_id)
        return mapping.delivery(row) if row else None

    def by_key(self, dedupe_key: str) -> Delivery | None:
        row = self.session.scalars(
            select(DeliveryRow).where(delivery_t.c.dedupe_key == dedupe_key)
        ).first()
        return mapping.delivery(row) if row else None

    def nudges_of(self, delivery_id: int) -> list[Nudge]:
        rows = self.session.scalars(
            select(NudgeRow)
            .join(delivery_item_t, delivery_item_t.c.nudge_id == nudge_t.c.id)
            .where(delivery_item_t.c.delivery_id == delivery_id)
            .order_by(delivery_item_t.c.position)
        )
        return [mapping.nudge(r) for r in rows]

    def in_states(
        self, states: Sequence[DeliveryState], *, recipient_id: int | None = None
    ) -> list[Delivery]:
        query = select(DeliveryRow).where(delivery_t.c.state.in_([s.value for s in states]))
        if recipient_id is not None:
            query = query.where(delivery_t.c.recipient_id == recipient_id)
        rows = self.session.scalars(query.order_by(delivery_t.c.slot_at, delivery_t.c.id))
        return [mapping.delivery(r) for r in rows]
