"""Nudges, written idempotently by dedupe key."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Result, String, case, select, type_coerce, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session

from nudges.model import Nudge, NudgeState, NudgeStatus
from storage.repositories import mapping
from storage.repositories.ids import ids_in
from storage.repositories.nudge_rows import (
    COLUMNS,
    LIVE_STATES,
    REFRESHED,
    NudgeRows,
    nudge_rows,
    values,
    write_nudge_rows,
)
from storage.tables import NudgeRow, nudge_t

#: A recipient's open nudges as comparable values (``NudgeRepository.open_signatures``).
Signature = tuple[tuple[object, ...], ...]
#: What a signature holds: the columns that decide when a nudge goes and in which order
#: (``nudges.delivery.plan_delivery`` and ``owed_by``, ``nudges.ranking``): a nudge changed in
#: any of them changes its recipient's signature; its wording, reason or timestamps do not
#: (the id first: rows sort by it). As the driver hands them over, unconverted: comparing is
#: all a signature is for. A new column those read must be added here.
_SIGNED_COLUMNS = (
    "id",
    "recipient_id",
    "customer_id",
    "dedupe_key",
    "state",
    "snoozed_until",
    "due_on",
    "deliver_on",
    "priority",
    "facts",
)
_SIGNED = tuple(
    type_coerce(nudge_t.c[name], String()).label(f"signed_{name}") for name in _SIGNED_COLUMNS
)


@dataclass
class NudgeRepository:
    session: Session

    def upsert(self, nudge: Nudge, *, now: datetime) -> Nudge:
        """Insert a new nudge, or refresh the state, priority, level and wording of a live one
        with the same dedupe key (one ``INSERT … ON CONFLICT DO UPDATE``). A done, skipped or
        expired nudge is left alone."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        insert_into = pg_insert if postgres else lite_insert
        statement = insert_into(nudge_t).values(
            **dict(zip(COLUMNS, values(nudge, now), strict=True))
        )
        stored, offered = nudge_t.c, statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[stored.dedupe_key],
            set_={
                **{column: offered[column] for column in REFRESHED},
                "state": offered.state,
                # the snooze date moves with a change of state only
                "snoozed_until": case(
                    (stored.state != offered.state, offered.snoozed_until),
                    else_=stored.snoozed_until,
                ),
                "updated_at": offered.updated_at,
            },
            where=stored.state.in_(LIVE_STATES),
        )
        self.session.flush()  # pending changes first: the row read back replaces the loaded one
        self.session.execute(statement)
        row = self.session.scalars(
            select(NudgeRow)
            .where(stored.dedupe_key == nudge.dedupe_key)
            .execution_options(populate_existing=True)
        ).one()
        return mapping.nudge(row)

    def upsert_many(
        self, nudges: Sequence[Nudge], *, existing: Mapping[str, NudgeStatus], now: datetime
    ) -> None:
        """``upsert`` for a batch, in two statements: ``existing`` (the statuses read for the
        batch) tells new keys from stored ones (``nudge_rows``)."""
        self.write_rows(nudge_rows(nudges, existing=existing, now=now), now=now)

    def write_rows(self, rows: NudgeRows, *, now: datetime) -> None:
        """A batch's nudges worked out as rows (``nudge_rows.write_nudge_rows``)."""
        write_nudge_rows(self.session, rows, now=now)

    def get(self, nudge_id: int) -> Nudge | None:
        row = self.session.get(NudgeRow, nudge_id)
        return mapping.nudge(row) if row else None

    def by_key(self, dedupe_key: str) -> Nudge | None:
        row = self.session.scalars(
            select(NudgeRow).where(nudge_t.c.dedupe_key == dedupe_key)
        ).first()
        return mapping.nudge(row) if row else None

    def statuses_by_customer(
        self, customer_ids: Sequence[int]
    ) -> dict[int, dict[str, NudgeStatus]]:
        """What is already decided for these customers: per customer, by dedupe key."""
        found: dict[int, dict[str, NudgeStatus]] = {}
        for start in range(0, len(customer_ids), 1000):
            rows = self.session.execute(
                select(
                    nudge_t.c.customer_id,
                    nudge_t.c.dedupe_key,
                    nudge_t.c.state,
                    nudge_t.c.snoozed_until,
                ).where(
                    ids_in(self.session, nudge_t.c.customer_id, customer_ids[start : start + 1000])
                )
            )
            for customer_id, key, state, until in rows.all():
                found.setdefault(customer_id, {})[key] = NudgeStatus(
                    state=NudgeState(state), snoozed_until=until
                )
        return found

    def statuses(self, customer_ids: Sequence[int]) -> dict[str, NudgeStatus]:
        """What is already decided for these customers, by dedupe key."""
        rows = self.session.execute(
            select(nudge_t.c.dedupe_key, nudge_t.c.state, nudge_t.c.snoozed_until).where(
                ids_in(self.session, nudge_t.c.customer_id, customer_ids)
            )
        )
        return {
            key: NudgeStatus(state=NudgeState(state), snoozed_until=until)
            for key, state, until in rows
        }

    def for_recipient(
        self, recipient_id: int, *, states: Sequence[NudgeState] = (NudgeState.OPEN,)
    ) -> list[Nudge]:
        rows = self.session.scalars(
            select(NudgeRow)
            .where(
                nudge_t.c.recipient_id == recipient_id,
                nudge_t.c.state.in_([s.value for s in states]),
            )
            .order_by(nudge_t.c.priority.desc(), nudge_t.c.dedupe_key)
        )
        return [mapping.nudge(r) for r in rows]

    def set_state(
        self,
        nudge_id: int,
        state: NudgeState,
        *,
        now: datetime,
        snoozed_until: date | None = None,
        reason: str | None = None,
    ) -> None:
        self.session.execute(
            update(nudge_t)
            .where(nudge_t.c.id == nudge_id)
            .values(
                state=state.value, snoozed_until=snoozed_until, state_reason=reason, updated_at=now
            )
        )

    def expire(self, dedupe_keys: Sequence[str], *, now: datetime) -> int:
        """Close live nudges whose occasion has passed."""
        if not dedupe_keys:
            return 0
        result = self.session.execute(
            update(nudge_t)
            .where(nudge_t.c.dedupe_key.in_(dedupe_keys), nudge_t.c.state.in_(LIVE_STATES))
            .values(state=NudgeState.EXPIRED.value, updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def reopen(self, customer_id: int, *, ended_because: str, now: datetime) -> int:
        """Open again the customer's expired nudges that ended for this reason (their customer
        was archived): the next decision keeps those still due and expires the rest."""
        result = self.session.execute(
            update(nudge_t)
            .where(
                nudge_t.c.customer_id == customer_id,
                nudge_t.c.state == NudgeState.EXPIRED.value,
                nudge_t.c.state_reason == ended_because,
            )
            .values(state=NudgeState.OPEN.value, state_reason=None, updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def customers_with_live_offer(self, offer_id: int) -> list[int]:
        """The customers with a live nudge about this offer."""
        return sorted(
            self.session.scalars(
                select(nudge_t.c.customer_id)
                .where(nudge_t.c.offer_id == offer_id, nudge_t.c.state.in_(LIVE_STATES))
                .distinct()
            )
        )

    def live_for_customer(self, customer_id: int) -> list[Nudge]:
        rows = self.session.scalars(
            select(NudgeRow)
            .where(nudge_t.c.customer_id == customer_id, nudge_t.c.state.in_(LIVE_STATES))
            .order_by(nudge_t.c.priority.desc(), nudge_t.c.dedupe_key)
        )
        return [mapping.nudge(r) for r in rows]

    def open_for_recipients(
        self,
        recipient_ids: Sequence[int],
        *,
        signatures: dict[int, Signature] | None = None,
        signed: Collection[int] = (),
    ) -> dict[int, list[Nudge]]:
        """Open nudges of many recipients in one query, each list ranked; into
        ``signatures``, the :meth:`open_signatures` of the same rows for the ``signed`` ones."""
        found: dict[int, list[Nudge]] = {}
        rows_of: dict[int, list[tuple[object, ...]]] = {i: [] for i in signed}
        rows: Result[Any] = self.session.execute(
            select(*_SIGNED, nudge_t)
            .where(
                ids_in(self.session, nudge_t.c.recipient_id, recipient_ids),
                nudge_t.c.state == NudgeState.OPEN.value,
            )
            .order_by(nudge_t.c.recipient_id, nudge_t.c.priority.desc(), nudge_t.c.dedupe_key)
        )
        for row in rows:
            found.setdefault(row.recipient_id, []).append(mapping.nudge(row))
            if (kept := rows_of.get(row.recipient_id)) is not None:
                kept.append(tuple(row[: len(_SIGNED)]))
        if signatures is not None:
            signatures.update({i: tuple(sorted(kept)) for i, kept in rows_of.items()})
        return found

    def open_signatures(self, recipient_ids: Sequence[int]) -> dict[int, Signature]:
        """For each recipient, what decides when their open nudges go (``_SIGNED_COLUMNS``),
        as comparable values: equal signatures, the same plan (whatever the clocks of those
        who wrote the nudges). One narrow query, no nudge built."""
        signed: dict[int, list[tuple[object, ...]]] = {}
        rows = self.session.execute(
            select(*_SIGNED).where(
                ids_in(self.session, nudge_t.c.recipient_id, recipient_ids),
                nudge_t.c.state == NudgeState.OPEN.value,
            )
        )
        for row in rows:
            signed.setdefault(row.signed_recipient_id, []).append(tuple(row))
        return {i: tuple(sorted(signed.get(i, ()))) for i in recipient_ids}

    def recipients_with_open(self) -> list[int]:
        """People with at least one open (not yet delivered) nudge."""
        return list(
            self.session.scalars(
                select(nudge_t.c.recipient_id)
                .where(nudge_t.c.state == NudgeState.OPEN.value)
                .distinct()
                .order_by(nudge_t.c.recipient_id)
            )
        )

    def set_states(
        self,
        nudge_ids: Sequence[int],
        state: NudgeState,
        *,
        now: datetime,
        only_from: Sequence[NudgeState],
    ) -> int:
        if not nudge_ids:
            return 0
        result = self.session.execute(
            update(nudge_t)
            .where(
                ids_in(self.session, nudge_t.c.id, nudge_ids),
                nudge_t.c.state.in_([s.value for s in only_from]),
            )
            .values(state=state.value, updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def get_many(self, nudge_ids: Sequence[int]) -> list[Nudge]:
        rows = self.session.scalars(select(NudgeRow).where(nudge_t.c.id.in_(nudge_ids)))
        return [mapping.nudge(r) for r in rows]

    def expire_stale(self, *, before: datetime, now: datetime) -> int:
        """Expire delivered nudges nobody answered since ``before``."""
        result = self.session.execute(
            update(nudge_t)
            .where(
                nudge_t.c.state == NudgeState.DELIVERED.value,
                nudge_t.c.updated_at < before,
            )
            .values(state=NudgeState.EXPIRED.value, updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
