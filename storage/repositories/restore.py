"""Writing back what an export holds: dates, life events, offers, pitches and nudges, one
record at a time (these files are small next to customers and touches)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nudges.model import ImportantDate, LifeEvent, Nudge, Offer, Pitch
from nudges.names import name_key
from storage.repositories import mapping
from storage.repositories.books import Keyed
from storage.repositories.ids import ids_in
from storage.tables import (
    ImportantDateRow,
    LifeEventRow,
    NudgeRow,
    OfferRow,
    PitchRow,
    important_date_t,
    life_event_t,
)


@dataclass
class RestoreRepository:
    session: Session

    def dates_of(self, customer_ids: Sequence[int]) -> list[Keyed[ImportantDate]]:
        rows = self.session.execute(
            select(important_date_t).where(
                ids_in(self.session, important_date_t.c.customer_id, customer_ids)
            )
        )
        return [Keyed(mapping.important_date(r), r.source, r.external_id) for r in rows]

    def events_of(self, customer_ids: Sequence[int]) -> list[Keyed[LifeEvent]]:
        rows = self.session.execute(
            select(life_event_t).where(
                ids_in(self.session, life_event_t.c.customer_id, customer_ids)
            )
        )
        return [Keyed(mapping.life_event(r), r.source, r.external_id) for r in rows]

    def save_date(self, record: Keyed[ImportantDate]) -> int:
        d = record.value
        row = self.session.get(ImportantDateRow, d.id) if d.id else None
        row = row or ImportantDateRow(customer_id=d.customer_id, label=d.label, on=d.on)
        row.customer_id, row.contact_id, row.label, row.on = (
            d.customer_id,
            d.contact_id,
            d.label,
            d.on,
        )
        row.yearly, row.lead_days = d.yearly, d.lead_days
        row.source, row.external_id = record.source, record.external_id
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def save_event(self, record: Keyed[LifeEvent]) -> int:
        e = record.value
        row = self.session.get(LifeEventRow, e.id) if e.id else None
        row = row or LifeEventRow(customer_id=e.customer_id, kind=e.kind, on=e.on)
        row.customer_id, row.contact_id, row.kind, row.on = (
            e.customer_id,
            e.contact_id,
            e.kind,
            e.on,
        )
        row.note, row.source, row.external_id = e.note, record.source, record.external_id
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def save_offer(self, offer: Offer, *, created_at: datetime) -> Offer:
        row = self.session.get(OfferRow, offer.id) if offer.id else None
        if row is None:
            row = OfferRow(
                workspace_id=offer.workspace_id,
                title=offer.title,
                title_key=name_key(offer.title),
                kind=offer.kind.value,
                existing_first_on=offer.existing_first_on,
                public_on=offer.public_on,
                created_at=created_at,
                next_due_at=created_at,
            )
        row.title, row.title_key, row.kind = offer.title, name_key(offer.title), offer.kind.value
        row.existing_first_on, row.public_on = offer.existing_first_on, offer.public_on
        row.quantity, row.description = offer.quantity, offer.description
        row.tiers = mapping.join_set(offer.tiers)
        row.kinds = mapping.join_set(frozenset(k.value for k in offer.kinds))
        row.tags = mapping.join_set(offer.tags)
        row.created_at = created_at
        self.session.add(row)
        self.session.flush()
        return mapping.offer(row)

    def save_pitch(self, pitch: Pitch, *, person_id: int | None) -> None:
        row = self.session.get(PitchRow, (pitch.offer_id, pitch.customer_id))
        row = row or PitchRow(
            offer_id=pitch.offer_id, customer_id=pitch.customer_id, state="", at=pitch.at
        )
        row.state, row.at, row.person_id = pitch.state.value, pitch.at, person_id
        self.session.add(row)
        self.session.flush()

    def save_nudge(
        self, nudge: Nudge, *, created_at: datetime, updated_at: datetime, state_reason: str | None
    ) -> None:
        row = self.session.scalars(
            select(NudgeRow).where(NudgeRow.dedupe_key == nudge.dedupe_key)  # type: ignore[arg-type]
        ).first()
        row = row or NudgeRow(
            dedupe_key=nudge.dedupe_key,
            customer_id=nudge.customer_id,
            recipient_id=nudge.recipient_id,
            reason=nudge.reason.value,
            due_on=nudge.due_on,
            priority=nudge.priority,
            detail=nudge.detail,
            state=nudge.state.value,
            created_at=created_at,
            updated_at=updated_at,
        )
        row.customer_id, row.recipient_id = nudge.customer_id, nudge.recipient_id
        row.reason, row.level, row.due_on = nudge.reason.value, nudge.level, nudge.due_on
        row.deliver_on, row.priority, row.ritual = nudge.deliver_on, nudge.priority, nudge.ritual
        row.detail, row.facts = nudge.detail, json.dumps([list(f) for f in nudge.facts])
        row.state, row.snoozed_until = nudge.state.value, nudge.snoozed_until
        row.state_reason, row.offer_id, row.contact_id = (
            state_reason,
            nudge.offer_id,
            nudge.contact_id,
        )
        row.created_at, row.updated_at = created_at, updated_at
        self.session.add(row)
        self.session.flush()
