"""Reading a whole workspace (or one person's book) for an export: every kind of record in id
order, streamed from the database a thousand rows at a time, with where it came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, select
from sqlalchemy.orm import Session

from nudges.model import (
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    Nudge,
    Offer,
    Person,
    Pitch,
    Touch,
    Workspace,
)
from storage.repositories import mapping
from storage.repositories.books import Keyed
from storage.tables import (
    contact_t,
    customer_t,
    customer_tag_t,
    important_date_t,
    life_event_t,
    nudge_t,
    offer_t,
    person_t,
    pitch_t,
    touchpoint_t,
    workspace_t,
)

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    nudge: Nudge
    created_at: datetime
    updated_at: datetime
    state_reason: str | None


@dataclass
class ExportRepository:
    session: Session
    workspace_id: int
    owner_ids: frozenset[int] | None = None  # one person's book; None: the whole workspace

    def _stream(self, query: Select[Any]) -> Iterator[Any]:
        result = self.session.execute(query.execution_options(stream_results=True, yield_per=CHUNK))
        yield from result

    def _customers_filter(self) -> ColumnElement[bool]:
        where = customer_t.c.workspace_id == self.workspace_id
        if self.owner_ids is not None:
            where = where & customer_t.c.owner_id.in_(sorted(self.owner_ids))
        return where

    def _of_customers(self, table: Table) -> Select[Any]:
        scope = select(customer_t.c.id).where(self._customers_filter())
        return select(table).where(table.c.customer_id.in_(scope)).order_by(*table.primary_key)

    def workspace(self) -> Workspace:
        row = self.session.execute(
            select(workspace_t).where(workspace_t.c.id == self.workspace_id)
        ).one()
        return mapping.workspace(row)

    def people(self) -> list[Person]:
        query = select(person_t).where(person_t.c.workspace_id == self.workspace_id)
        if self.owner_ids is not None:
            query = query.where(person_t.c.id.in_(sorted(self.owner_ids)))
        return [mapping.person(r) for r in self.session.execute(query.order_by(person_t.c.id))]

    def every_person(self) -> dict[int, str]:
        """Every person's platform handle by id (references to colleagues are kept)."""
        rows = self.session.execute(
            select(person_t.c.id, person_t.c.platform_user_id).where(
                person_t.c.workspace_id == self.workspace_id
            )
        )
        return {pid: handle for pid, handle in rows}

    def customers(self) -> Iterator[Keyed[Customer]]:
        tags: dict[int, set[str]] = {}
        scope = select(customer_t.c.id).where(self._customers_filter())
        for cid, tag in self.session.execute(
            select(customer_tag_t.c.customer_id, customer_tag_t.c.tag).where(
                customer_tag_t.c.customer_id.in_(scope)
            )
        ):
            tags.setdefault(cid, set()).add(tag)
        query = select(customer_t).where(self._customers_filter()).order_by(customer_t.c.id)
        for r in self._stream(query):
            yield Keyed(mapping.customer(r, frozenset(tags.get(r.id, ()))), r.source, r.external_id)

    def contacts(self) -> Iterator[Keyed[Contact]]:
        for r in self._stream(self._of_customers(contact_t)):
            yield Keyed(mapping.contact(r), r.source, r.external_id)

    def dates(self) -> Iterator[Keyed[ImportantDate]]:
        for r in self._stream(self._of_customers(important_date_t)):
            yield Keyed(mapping.important_date(r), r.source, r.external_id)

    def events(self) -> Iterator[Keyed[LifeEvent]]:
        for r in self._stream(self._of_customers(life_event_t)):
            yield Keyed(mapping.life_event(r), r.source, r.external_id)

    def touches(self) -> Iterator[Keyed[Touch]]:
        for r in self._stream(self._of_customers(touchpoint_t)):
            yield Keyed(mapping.touch(r), r.source, r.external_id)

    def offers(self) -> list[tuple[Offer, datetime]]:
        rows = self.session.execute(
            select(offer_t)
            .where(offer_t.c.workspace_id == self.workspace_id)
            .order_by(offer_t.c.id)
        )
        return [(mapping.offer(r), r.created_at) for r in rows]

    def pitches(self) -> Iterator[tuple[Pitch, int | None]]:
        for r in self._stream(self._of_customers(pitch_t)):
            yield mapping.pitch(r), r.person_id

    def nudges(self) -> Iterator[NudgeRecord]:
        for r in self._stream(self._of_customers(nudge_t)):
            yield NudgeRecord(mapping.nudge(r), r.created_at, r.updated_at, r.state_reason)

    def refs(self, kind: str) -> dict[int, tuple[str, str]]:
        """Source and external id of the imported contacts, dates or events, by id."""
        table = {"contact": contact_t, "date": important_date_t, "event": life_event_t}[kind]
        query = (
            self._of_customers(table)
            .with_only_columns(table.c.id, table.c.source, table.c.external_id)
            .where(table.c.source.is_not(None))
        )
        return {i: (s, e) for i, s, e in self.session.execute(query)}
