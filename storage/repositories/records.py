"""What hangs off a customer: contacts, touchpoints, important dates, life events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, delete, func, literal, select, update
from sqlalchemy.orm import Session

from nudges.model import Contact, ImportantDate, LifeEvent, Touch
from storage.repositories import mapping
from storage.repositories.ids import ids_in
from storage.tables import (
    ContactRow,
    ImportantDateRow,
    LifeEventRow,
    TouchpointRow,
    contact_t,
    customer_t,
    important_date_t,
    life_event_t,
    touchpoint_t,
)
from storage.types import UTCDateTime


@dataclass
class ContactRepository:
    session: Session

    def add(self, contact: Contact, *, now: datetime) -> Contact:
        row = ContactRow(
            customer_id=contact.customer_id,
            name=contact.name,
            role=contact.role,
            email=contact.email,
            birthday_month=contact.birthday_month,
            birthday_day=contact.birthday_day,
            birth_year=contact.birth_year,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.contact(row)

    def update(self, contact: Contact) -> Contact:
        self.session.execute(
            update(contact_t)
            .where(contact_t.c.id == contact.id)
            .values(
                name=contact.name,
                role=contact.role,
                email=contact.email,
                birthday_month=contact.birthday_month,
                birthday_day=contact.birthday_day,
                birth_year=contact.birth_year,
            )
        )
        return contact

    def remove(self, contact_id: int) -> None:
        """Remove a contact: their dates and life events go with them; touches and nudges
        that named them stay, without the name."""
        self.session.execute(delete(contact_t).where(contact_t.c.id == contact_id))

    def get(self, contact_id: int) -> Contact | None:
        row = self.session.get(ContactRow, contact_id)
        return mapping.contact(row) if row else None

    def of_customers(self, customer_ids: Sequence[int]) -> list[Contact]:
        rows = self.session.execute(
            select(*_CONTACT)  # what a Contact is made of: a sweep reads tens of thousands
            .where(ids_in(self.session, contact_t.c.customer_id, customer_ids))
            .order_by(contact_t.c.customer_id, contact_t.c.id)
        )
        return [mapping.contact(r) for r in mapping.plain(rows)]


@dataclass
class TouchRepository:
    session: Session

    def add(self, touch: Touch, *, owner_id: int) -> Touch:
        """Log a touch and move the customer's "last touched" clocks forward (never back:
        a touch logged late for an earlier day must not make the account look quieter)."""
        row = TouchpointRow(
            customer_id=touch.customer_id,
            person_id=touch.person_id,
            contact_id=touch.contact_id,
            ritual=touch.ritual,
            note=touch.note,
            at=touch.at,
        )
        self.session.add(row)
        self.session.flush()
        values = {"last_touch_at": _later(customer_t.c.last_touch_at, touch.at)}
        if touch.person_id == owner_id:
            values["owner_last_touch_at"] = _later(customer_t.c.owner_last_touch_at, touch.at)
        self.session.execute(
            update(customer_t).where(customer_t.c.id == touch.customer_id).values(values)
        )
        return mapping.touch(row)

    def get(self, touch_id: int) -> Touch | None:
        row = self.session.get(TouchpointRow, touch_id)
        return mapping.touch(row) if row else None

    def history(self, customer_id: int, *, limit: int) -> list[Touch]:
        """The customer's newest touches, newest first."""
        rows = self.session.execute(
            select(touchpoint_t)
            .where(touchpoint_t.c.customer_id == customer_id)
            .order_by(touchpoint_t.c.at.desc(), touchpoint_t.c.id.desc())
            .limit(limit)
        )
        return [mapping.touch(r) for r in rows]

    def count(self, customer_id: int, *, contact_id: int | None = None) -> int:
        query = select(func.count()).where(touchpoint_t.c.customer_id == customer_id)
        if contact_id is not None:
            query = query.where(touchpoint_t.c.contact_id == contact_id)
        return int(self.session.scalar(query) or 0)

    def latest(self, customer_ids: Sequence[int]) -> dict[int, Touch]:
        """Each customer's newest touch (the latest id among those of the same instant), in one
        statement, by customer id; customers without touches are left out."""
        if not customer_ids:
            return {}
        newest = (
            select(touchpoint_t.c.customer_id.label("cid"), func.max(touchpoint_t.c.at).label("at"))
            .where(ids_in(self.session, touchpoint_t.c.customer_id, customer_ids))
            .group_by(touchpoint_t.c.customer_id)
            .subquery()
        )
        rows = self.session.execute(
            select(touchpoint_t)
            .join(
                newest,
                (touchpoint_t.c.customer_id == newest.c.cid) & (touchpoint_t.c.at == newest.c.at),
            )
            .order_by(touchpoint_t.c.customer_id, touchpoint_t.c.id)
        )
        return {t.customer_id: t for t in (mapping.touch(r) for r in rows)}  # the last id wins

    def recent(self, customer_ids: Sequence[int], *, since: datetime) -> list[Touch]:
        rows = self.session.execute(
            select(*_TOUCH)  # what a Touch is made of: a sweep reads tens of thousands
            .where(
                ids_in(self.session, touchpoint_t.c.customer_id, customer_ids),
                touchpoint_t.c.at >= since,
            )
            .order_by(touchpoint_t.c.customer_id, touchpoint_t.c.at, touchpoint_t.c.id)
        )
        return [mapping.touch(r) for r in mapping.plain(rows)]


_CONTACT = tuple(
    contact_t.c[name]
    for name in (
        "id", "customer_id", "name", "role", "birthday_month", "birthday_day", "birth_year",
        "email",
    )
)  # fmt: skip
_TOUCH = tuple(
    touchpoint_t.c[name]
    for name in ("id", "customer_id", "person_id", "ritual", "at", "contact_id", "note")
)


def _later(column: ColumnElement[datetime], value: datetime) -> ColumnElement[datetime]:
    """SQL for "the later of the column and ``value``", NULL counting as earliest."""
    bound = literal(value, type_=UTCDateTime())
    return case((column.is_(None), bound), (column < bound, bound), else_=column)


@dataclass
class ImportantDateRepository:
    session: Session

    def add(self, item: ImportantDate) -> ImportantDate:
        row = ImportantDateRow(
            customer_id=item.customer_id,
            contact_id=item.contact_id,
            label=item.label,
            on=item.on,
            yearly=item.yearly,
            lead_days=item.lead_days,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.important_date(row)

    def get(self, date_id: int) -> ImportantDate | None:
        row = self.session.get(ImportantDateRow, date_id)
        return mapping.important_date(row) if row else None

    def update(self, item: ImportantDate) -> ImportantDate:
        self.session.execute(
            update(important_date_t)
            .where(important_date_t.c.id == item.id)
            .values(label=item.label, on=item.on, yearly=item.yearly, lead_days=item.lead_days)
        )
        return item

    def remove(self, date_id: int) -> None:
        self.session.execute(delete(important_date_t).where(important_date_t.c.id == date_id))

    def of_customers(self, customer_ids: Sequence[int]) -> list[ImportantDate]:
        rows = self.session.execute(
            select(important_date_t)
            .where(ids_in(self.session, important_date_t.c.customer_id, customer_ids))
            .order_by(important_date_t.c.customer_id, important_date_t.c.id)
        )
        return [mapping.important_date(r) for r in mapping.plain(rows)]


@dataclass
class LifeEventRepository:
    session: Session

    def add(self, event: LifeEvent) -> LifeEvent:
        row = LifeEventRow(
            customer_id=event.customer_id,
            contact_id=event.contact_id,
            kind=event.kind,
            on=event.on,
            note=event.note,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.life_event(row)

    def get(self, event_id: int) -> LifeEvent | None:
        row = self.session.get(LifeEventRow, event_id)
        return mapping.life_event(row) if row else None

    def remove(self, event_id: int) -> None:
        self.session.execute(delete(life_event_t).where(life_event_t.c.id == event_id))

    def of_customers(self, customer_ids: Sequence[int]) -> list[LifeEvent]:
        rows = self.session.execute(
            select(life_event_t)
            .where(ids_in(self.session, life_event_t.c.customer_id, customer_ids))
            .order_by(life_event_t.c.customer_id, life_event_t.c.on, life_event_t.c.id)
        )
        return [mapping.life_event(r) for r in mapping.plain(rows)]
