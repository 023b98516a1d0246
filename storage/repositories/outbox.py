"""The outbox: deliveries waiting to be sent, and the nudges each one carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session

from nudges.model import Delivery, DeliveryKind, DeliveryState, Nudge, Platform
from storage.clock import database_now
from storage.repositories import mapping
from storage.repositories.ids import ids_in
from storage.tables import DeliveryRow, NudgeRow, delivery_item_t, delivery_t, nudge_t


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A delivery to write (``DeliveryRepository.add_many``)."""

    dedupe_key: str
    recipient_id: int
    platform: Platform
    kind: DeliveryKind
    slot_at: datetime
    payload: str
    nudge_ids: tuple[int, ...] = ()


#: How the last error of a delivery waiting on a platform's rate limit begins.
RATE_LIMITED = "rate limited: "


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

    def add_many(self, deliveries: Sequence[NewDelivery], *, now: datetime) -> dict[str, int]:
        """``add`` for many, a few statements in all: each delivery whose dedupe key is not
        written yet, with its nudges. Returns the ids of those written, by dedupe key (a key
        written meanwhile by another transaction is left out, not an error)."""
        insert_into = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else lite_insert
        )
        written: dict[str, int] = {}
        for start in range(0, len(deliveries), 500):
            chunk = deliveries[start : start + 500]
            rows = self.session.execute(
                insert_into(delivery_t)
                .values(
                    [
                        {
                            "dedupe_key": d.dedupe_key,
                            "recipient_id": d.recipient_id,
                            "platform": d.platform.value,
                            "kind": d.kind.value,
                            "slot_at": d.slot_at,
                            "payload": d.payload,
                            "state": DeliveryState.PENDING.value,
                            "attempts": 0,
                            "next_attempt_at": d.slot_at,
                            "created_at": now,
                        }
                        for d in chunk
                    ]
                )
                .on_conflict_do_nothing(index_elements=[delivery_t.c.dedupe_key])
                .returning(delivery_t.c.dedupe_key, delivery_t.c.id)
            )
            written.update({key: int(delivery_id) for key, delivery_id in rows})
        items = [
            {"delivery_id": written[d.dedupe_key], "nudge_id": nudge_id, "position": position}
            for d in deliveries
            if d.dedupe_key in written
            for position, nudge_id in enumerate(d.nudge_ids)
        ]
        if items:
            self.session.execute(insert(delivery_item_t), items)
        return written

    def get(self, delivery_id: int) -> Delivery | None:
        row = self.session.get(DeliveryRow, delivery_id)
        return mapping.delivery(row) if row else None

    def by_key(self, dedupe_key: str) -> Delivery | None:
        row = self.session.scalars(
            select(DeliveryRow).where(delivery_t.c.dedupe_key == dedupe_key)
        ).first()
        return mapping.delivery(row) if row else None

    def existing_keys(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Which of these dedupe keys a delivery was written for already."""
        found: set[str] = set()
        for start in range(0, len(dedupe_keys), 500):
            found.update(
                self.session.scalars(
                    select(delivery_t.c.dedupe_key).where(
                        delivery_t.c.dedupe_key.in_(dedupe_keys[start : start + 500])
                    )
                )
            )
        return found

    def nudges_of(self, delivery_id: int) -> list[Nudge]:
        rows = self.session.scalars(
            select(NudgeRow)
            .join(delivery_item_t, delivery_item_t.c.nudge_id == nudge_t.c.id)
            .where(delivery_item_t.c.delivery_id == delivery_id)
            .order_by(delivery_item_t.c.position)
        )
        return [mapping.nudge(r) for r in rows]

    def nudges_of_many(self, delivery_ids: Sequence[int]) -> dict[int, list[Nudge]]:
        """``nudges_of`` for several deliveries in one query."""
        found: dict[int, list[Nudge]] = {i: [] for i in delivery_ids}
        rows = self.session.execute(
            select(nudge_t, delivery_item_t.c.delivery_id.label("of_delivery"))
            .join(delivery_item_t, delivery_item_t.c.nudge_id == nudge_t.c.id)
            .where(ids_in(self.session, delivery_item_t.c.delivery_id, delivery_ids))
            .order_by(delivery_item_t.c.delivery_id, delivery_item_t.c.position)
        )
        for row in rows:
            found[row.of_delivery].append(mapping.nudge(row))
        return found

    def in_states(
        self, states: Sequence[DeliveryState], *, recipient_id: int | None = None
    ) -> list[Delivery]:
        query = select(DeliveryRow).where(delivery_t.c.state.in_([s.value for s in states]))
        if recipient_id is not None:
            query = query.where(delivery_t.c.recipient_id == recipient_id)
        rows = self.session.scalars(query.order_by(delivery_t.c.slot_at, delivery_t.c.id))
        return [mapping.delivery(r) for r in rows]

    def sent_since(self, *, since: datetime, recipient_id: int | None = None) -> list[Delivery]:
        """Deliveries sent at or after ``since`` (of one recipient), newest first."""
        query = select(DeliveryRow).where(
            delivery_t.c.state == DeliveryState.SENT.value, delivery_t.c.sent_at >= since
        )
        if recipient_id is not None:
            query = query.where(delivery_t.c.recipient_id == recipient_id)
        rows = self.session.scalars(
            query.order_by(delivery_t.c.sent_at.desc(), delivery_t.c.id.desc())
        )
        return [mapping.delivery(r) for r in rows]

    def item_counts(self, delivery_ids: Sequence[int]) -> dict[int, int]:
        """How many nudges each delivery carries."""
        if not delivery_ids:
            return {}
        rows = self.session.execute(
            select(delivery_item_t.c.delivery_id, func.count())
            .where(ids_in(self.session, delivery_item_t.c.delivery_id, delivery_ids))
            .group_by(delivery_item_t.c.delivery_id)
        )
        return {int(delivery_id): int(n) for delivery_id, n in rows}

    def claim(
        self,
        *,
        now: datetime,
        worker: str,
        lease_seconds: int,
        limit: int,
        platforms: Sequence[Platform] | None = None,
    ) -> list[Delivery]:
        """Lease up to ``limit`` deliveries that may be sent now: pending ones whose time has
        come, and ones whose worker's lease expired (it crashed); only for ``platforms`` when
        given (the ones the worker can send through). On PostgreSQL rows locked by another
        worker are skipped (``FOR UPDATE SKIP LOCKED``); SQLite takes the database write lock
        for the whole transaction (``BEGIN IMMEDIATE``), so claims never overlap either.

        Leases are measured on the earlier of ``now`` and the database's clock: a lease is
        taken over only once it has run out by real time too, and the one taken runs out by
        real time, so a caller whose "now" is ahead (``tick --now`` tomorrow) can neither take
        a live worker's deliveries nor hold its own past the real expiry."""
        leased_at = min(now, database_now(self.session))
        ready = or_(
            (delivery_t.c.state == DeliveryState.PENDING.value)
            & (delivery_t.c.next_attempt_at <= now),
            (delivery_t.c.state == DeliveryState.SENDING.value)
            & (delivery_t.c.lease_until < leased_at),
        )
        if platforms is not None:
            ready = ready & delivery_t.c.platform.in_([p.value for p in platforms])
        query = (
            select(delivery_t.c.id)
            .where(ready)
            .order_by(delivery_t.c.next_attempt_at, delivery_t.c.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(query))
        if not ids:
            return []
        self.session.execute(
            update(delivery_t)
            .where(delivery_t.c.id.in_(ids))
            .values(
                state=DeliveryState.SENDING.value,
                lease_owner=worker,
                lease_until=leased_at + timedelta(seconds=lease_seconds),
                attempts=delivery_t.c.attempts + 1,
            )
        )
        rows = self.session.scalars(
            select(DeliveryRow).where(delivery_t.c.id.in_(ids)).order_by(delivery_t.c.id)
        )
        return [mapping.delivery(r) for r in rows]

    def _finish(self, delivery_id: int, worker: str, **values: object) -> bool:
        """Update a delivery this worker still holds; False if its lease was lost."""
        result = self.session.execute(
            update(delivery_t)
            .where(
                delivery_t.c.id == delivery_id,
                delivery_t.c.state == DeliveryState.SENDING.value,
                delivery_t.c.lease_owner == worker,
            )
            .values(lease_owner=None, lease_until=None, **values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, delivery_ids: Sequence[int], *, worker: str) -> int:
        """Hand back deliveries this worker claimed but did not try to send: pending again,
        ready for the next claim (by any worker), and the claim not counted as an attempt."""
        if not delivery_ids:
            return 0
        result = self.session.execute(
            update(delivery_t)
            .where(
                delivery_t.c.id.in_(delivery_ids),
                delivery_t.c.state == DeliveryState.SENDING.value,
                delivery_t.c.lease_owner == worker,
            )
            .values(
                state=DeliveryState.PENDING.value,
                lease_owner=None,
                lease_until=None,
                attempts=delivery_t.c.attempts - 1,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def mark_sent(self, delivery_id: int, *, worker: str, message_ref: str, now: datetime) -> bool:
        return self._finish(
            delivery_id,
            worker,
            state=DeliveryState.SENT.value,
            message_ref=message_ref,
            sent_at=now,
            last_error=None,
        )

    def retry_at(
        self, delivery_id: int, *, worker: str, at: datetime, error: str, counted: bool = True
    ) -> bool:
        """Back to pending until ``at``. An uncounted retry (the platform asked us to slow
        down) gives back the attempt its claim took."""
        extra: dict[str, object] = {}
        if not counted:
            extra["attempts"] = delivery_t.c.attempts - 1
            error = RATE_LIMITED + error
        return self._finish(
            delivery_id,
            worker,
            state=DeliveryState.PENDING.value,
            next_attempt_at=at,
            last_error=error[:500],
            **extra,
        )

    def give_up(self, delivery_id: int, *, worker: str, state: DeliveryState, error: str) -> bool:
        return self._finish(delivery_id, worker, state=state.value, last_error=error[:500])

    def last_slots(
        self, recipient_ids: Sequence[int], *, kind: DeliveryKind
    ) -> dict[int, datetime]:
        """``last_slot`` for many recipients in one grouped query."""
        rows = self.session.execute(
            select(delivery_t.c.recipient_id, func.max(delivery_t.c.slot_at))
            .where(
                ids_in(self.session, delivery_t.c.recipient_id, recipient_ids),
                delivery_t.c.kind == kind.value,
            )
            .group_by(delivery_t.c.recipient_id)
        )
        return {recipient: latest for recipient, latest in rows if latest is not None}

    def last_slot(self, recipient_id: int, *, kind: DeliveryKind) -> datetime | None:
        latest: datetime | None = self.session.scalar(
            select(func.max(delivery_t.c.slot_at)).where(
                delivery_t.c.recipient_id == recipient_id, delivery_t.c.kind == kind.value
            )
        )
        return latest

    def set_payload(self, delivery_id: int, payload: str) -> None:
        self.session.execute(
            update(delivery_t).where(delivery_t.c.id == delivery_id).values(payload=payload)
        )

    def count_by_state(self) -> dict[str, int]:
        rows = self.session.execute(
            select(delivery_t.c.state, func.count()).group_by(delivery_t.c.state)
        )
        return {state: int(count) for state, count in rows}

    def rate_limited_since(self, before: datetime) -> int:
        """Deliveries still waiting because the platform keeps asking to slow down, whose slot
        was before ``before``."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    delivery_t.c.state == DeliveryState.PENDING.value,
                    delivery_t.c.last_error.like(RATE_LIMITED + "%"),
                    delivery_t.c.slot_at < before,
                )
            )
            or 0
        )

    def live_leases(self, *, now: datetime) -> int:
        """Deliveries a worker holds under a lease that has not run out at ``now``."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    delivery_t.c.state == DeliveryState.SENDING.value,
                    delivery_t.c.lease_until >= now,
                )
            )
            or 0
        )

    def hand_back(self, *, worker: str, now: datetime) -> int:
        """Everything ``worker`` still holds goes back to pending, due at ``now`` (a stopping
        process). Unlike :meth:`release`, the attempt stays counted: a send may have been in
        flight, so the next worker asks the platform whether it got through first."""
        result = self.session.execute(
            update(delivery_t)
            .where(
                delivery_t.c.state == DeliveryState.SENDING.value,
                delivery_t.c.lease_owner == worker,
            )
            .values(
                state=DeliveryState.PENDING.value,
                lease_owner=None,
                lease_until=None,
                next_attempt_at=now,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
