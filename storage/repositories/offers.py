"""Offers and the pitches of each offer to each customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nudges.model import Offer, Pitch, PitchState
from nudges.names import name_key
from nudges.offers import eligible_kinds
from storage.repositories import mapping
from storage.tables import OfferRow, PitchRow, customer_t, customer_tag_t, offer_t, pitch_t


@dataclass
class OfferRepository:
    session: Session

    def add(self, offer: Offer, *, now: datetime) -> Offer:
        row = OfferRow(
            workspace_id=offer.workspace_id,
            title=offer.title,
            title_key=name_key(offer.title),
            kind=offer.kind.value,
            existing_first_on=offer.existing_first_on,
            public_on=offer.public_on,
            quantity=offer.quantity,
            tiers=mapping.join_set(offer.tiers),
            kinds=mapping.join_set(frozenset(k.value for k in offer.kinds)),
            tags=mapping.join_set(offer.tags),
            description=offer.description,
            next_due_at=now,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.offer(row)

    def get(self, offer_id: int) -> Offer | None:
        row = self.session.get(OfferRow, offer_id)
        return mapping.offer(row) if row else None

    def by_title(self, *, workspace_id: int, title: str) -> Offer | None:
        row = self.session.scalars(
            select(OfferRow).where(
                offer_t.c.workspace_id == workspace_id,
                offer_t.c.title_key == name_key(title),
            )
        ).first()
        return mapping.offer(row) if row else None

    def in_workspace(self, workspace_id: int) -> list[Offer]:
        rows = self.session.scalars(
            select(OfferRow)
            .where(offer_t.c.workspace_id == workspace_id)
            .order_by(offer_t.c.existing_first_on, offer_t.c.id)
        )
        return [mapping.offer(r) for r in rows]

    def live(self, *, on: date) -> list[Offer]:
        """Offers in their existing-customers-first window on ``on`` (any workspace)."""
        rows = self.session.scalars(
            select(OfferRow)
            .where(offer_t.c.existing_first_on <= on, offer_t.c.public_on > on)
            .order_by(offer_t.c.id)
        )
        return [mapping.offer(r) for r in rows]

    def due(self, *, now: datetime) -> list[Offer]:
        """Offers to decide again: their ``next_due_at`` has come."""
        rows = self.session.scalars(
            select(OfferRow).where(offer_t.c.next_due_at <= now).order_by(offer_t.c.id)
        )
        return [mapping.offer(r) for r in rows]

    def set_next_due(self, offer_id: int, next_due_at: datetime | None) -> None:
        self.session.execute(
            update(offer_t).where(offer_t.c.id == offer_id).values(next_due_at=next_due_at)
        )

    def ranked(self, offer: Offer) -> list[tuple[int, PitchState | None]]:
        """The offer's eligible customers best first, each with this offer's pitch to them:
        what ``nudges.offers.audience`` needs, in one query of ids."""
        kinds = eligible_kinds(offer)
        query = (
            select(customer_t.c.id, pitch_t.c.state)
            .select_from(
                customer_t.outerjoin(
                    pitch_t,
                    (pitch_t.c.customer_id == customer_t.c.id) & (pitch_t.c.offer_id == offer.id),
                )
            )
            .where(
                customer_t.c.workspace_id == offer.workspace_id,
                customer_t.c.archived.is_(False),
            )
        )
        if offer.tiers:
            query = query.where(customer_t.c.tier.in_(sorted(offer.tiers)))
        if kinds:
            query = query.where(customer_t.c.kind.in_(sorted(k.value for k in kinds)))
        if offer.tags:
            tagged = select(customer_tag_t.c.customer_id).where(
                customer_tag_t.c.tag.in_(sorted(offer.tags))
            )
            query = query.where(customer_t.c.id.in_(tagged))
        query = query.order_by(
            customer_t.c.annual_value.desc(),
            customer_t.c.since.is_(None),
            customer_t.c.since,
            customer_t.c.id,
        )
        return [
            (int(cid), PitchState(state) if state is not None else None)
            for cid, state in self.session.execute(query)
        ]


@dataclass
class PitchRepository:
    session: Session

    def record(self, pitch: Pitch, *, person_id: int | None = None) -> Pitch:
        row = self.session.get(PitchRow, (pitch.offer_id, pitch.customer_id))
        if row is None:
            row = PitchRow(
                offer_id=pitch.offer_id,
                customer_id=pitch.customer_id,
                state=pitch.state.value,
                at=pitch.at,
                person_id=person_id,
            )
            self.session.add(row)
        else:
            row.state = pitch.state.value
            row.at = pitch.at
            row.person_id = person_id
        self.session.flush()
        return mapping.pitch(row)

    def get(self, *, offer_id: int, customer_id: int) -> Pitch | None:
        row = self.session.get(PitchRow, (offer_id, customer_id))
        return mapping.pitch(row) if row else None

    def of_offer(self, offer_id: int) -> list[Pitch]:
        rows = self.session.scalars(
            select(PitchRow).where(pitch_t.c.offer_id == offer_id).order_by(pitch_t.c.customer_id)
        )
        return [mapping.pitch(r) for r in rows]

    def counts(self, offer_id: int) -> dict[PitchState, int]:
        found: dict[PitchState, int] = {}
        for pitch in self.of_offer(offer_id):
            found[pitch.state] = found.get(pitch.state, 0) + 1
        return found
