"""Bulk reads and writes for imports: records found by their source and external id or by
their natural keys, a batch at a time; new rows streamed in (``COPY`` on PostgreSQL), changed
rows updated in one executemany statement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam, case, delete, literal, or_, select, text, update
from sqlalchemy.orm import Session

from nudges.model import Contact, Customer, Touch
from nudges.names import name_key
from storage.bulk import BulkLoader
from storage.repositories import mapping
from storage.repositories.customers import CustomerRepository
from storage.repositories.ids import ids_in
from storage.tables import (
    audit_log_t,
    contact_t,
    customer_t,
    customer_tag_t,
    touchpoint_t,
)
from storage.types import UTCDateTime

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Keyed(Generic[T]):
    """A record with where it came from (both None for a record typed into the bot)."""

    value: T
    source: str | None = None
    external_id: str | None = None


CUSTOMER_COLUMNS = (
    "workspace_id", "name", "name_key", "owner_id", "tier", "kind", "cadence_ideal_days",
    "cadence_max_days", "since", "renewal_on", "annual_value", "timezone", "country",
    "dnc_until", "dnc_reason", "min_gap_days", "archived", "last_touch_at",
    "owner_last_touch_at", "next_due_at", "source", "external_id", "created_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "customer_id", "name", "role", "birthday_month", "birthday_day", "birth_year", "email",
    "source", "external_id", "created_at",
)  # fmt: skip
TOUCH_COLUMNS = (
    "customer_id", "person_id", "contact_id", "ritual", "note", "at", "source", "external_id",
)  # fmt: skip


@dataclass
class BooksRepository:
    session: Session

    def refresh_statistics(self, kind: str) -> None:
        """PostgreSQL plans each batch's lookups (by source and external id) from the tables'
        statistics: after an import has grown a table, they are taken again, or the planner
        keeps believing it nearly empty and filters every row (SQLite needs nothing)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in _GROWN_BY.get(kind, ()):
            self.session.execute(text(f'ANALYZE "{table}"'))

    # --- customers ---------------------------------------------------------------------------

    def _customers(self, where: Any) -> list[Keyed[Customer]]:
        rows = self.session.execute(select(customer_t).where(where)).all()
        tags: dict[int, set[str]] = {}
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 1000):
            for cid, tag in self.session.execute(
                select(customer_tag_t.c.customer_id, customer_tag_t.c.tag).where(
                    ids_in(self.session, customer_tag_t.c.customer_id, ids[start : start + 1000])
                )
            ):
                tags.setdefault(cid, set()).add(tag)
        return [
            Keyed(mapping.customer(r, frozenset(tags.get(r.id, ()))), r.source, r.external_id)
            for r in rows
        ]

    def customers_by_key(
        self, workspace_id: int, source: str, external_ids: Sequence[str], *, native: bool = False
    ) -> dict[str, Keyed[Customer]]:
        """By source and external id; ``native``: the source is this workspace's own export,
        whose external ids are our ids."""
        if not external_ids:
            return {}
        if native:
            ids = _ints(external_ids)
            found = self._customers(
                (customer_t.c.workspace_id == workspace_id)
                & ids_in(self.session, customer_t.c.id, ids)
            )
            return {str(k.value.id): k for k in found}
        found = self._customers(
            (customer_t.c.workspace_id == workspace_id)
            & (customer_t.c.source == source)
            & customer_t.c.external_id.in_(list(external_ids))
        )
        return {k.external_id or "": k for k in found}

    def customers_by_name(
        self, workspace_id: int, names: Iterable[str]
    ) -> dict[str, Keyed[Customer]]:
        keys = sorted({name_key(n) for n in names})
        if not keys:
            return {}
        found = self._customers(
            (customer_t.c.workspace_id == workspace_id) & customer_t.c.name_key.in_(keys)
        )
        return {name_key(k.value.name): k for k in found}

    def customer_index(
        self, workspace_id: int
    ) -> list[tuple[int, str, int, str | None, str | None]]:
        """(id, name, owner id, source, external id) of every customer of the workspace."""
        rows = self.session.execute(
            select(
                customer_t.c.id,
                customer_t.c.name,
                customer_t.c.owner_id,
                customer_t.c.source,
                customer_t.c.external_id,
            ).where(customer_t.c.workspace_id == workspace_id)
        )
        return [(r.id, r.name, r.owner_id, r.source, r.external_id) for r in rows]

    def insert_customers(
        self, customers: Sequence[Keyed[Customer]], *, now: datetime
    ) -> dict[str, int]:
        """New customers (ids chosen by the database); returns their ids by name key."""
        rows = []
        for k in customers:
            values = CustomerRepository.customer_values(k.value)
            values.update(
                source=k.source, external_id=k.external_id, created_at=k.value.added_at or now
            )
            rows.append(tuple(values[c] for c in CUSTOMER_COLUMNS))
        BulkLoader(self.session.connection()).insert(customer_t, CUSTOMER_COLUMNS, rows)
        ids = self.session.execute(
            select(customer_t.c.name_key, customer_t.c.id).where(
                customer_t.c.workspace_id == customers[0].value.workspace_id,
                customer_t.c.name_key.in_([name_key(k.value.name) for k in customers]),
            )
        )
        by_key = {key: cid for key, cid in ids}
        self.set_tags({by_key[name_key(k.value.name)]: k.value.tags for k in customers}, new=True)
        return by_key

    def update_customers(self, customers: Sequence[Keyed[Customer]]) -> None:
        if not customers:
            return
        params = []
        for k in customers:
            values = CustomerRepository.customer_values(k.value)
            values.update(source=k.source, external_id=k.external_id, created_at=k.value.added_at)
            params.append({"b_id": k.value.id, **{f"v_{c}": v for c, v in values.items()}})
        columns = list(CUSTOMER_COLUMNS)
        self.session.execute(
            update(customer_t)
            .where(customer_t.c.id == bindparam("b_id"))
            .values({c: bindparam(f"v_{c}") for c in columns}),
            params,
        )
        self.set_tags({k.value.id: k.value.tags for k in customers}, new=False)

    def set_tags(self, tags: Mapping[int, frozenset[str]], *, new: bool) -> None:
        if not new and tags:
            ids = sorted(tags)
            for start in range(0, len(ids), 1000):
                self.session.execute(
                    delete(customer_tag_t).where(
                        ids_in(
                            self.session, customer_tag_t.c.customer_id, ids[start : start + 1000]
                        )
                    )
                )
        rows = [(cid, tag) for cid, found in tags.items() for tag in sorted(found)]
        if rows:
            BulkLoader(self.session.connection()).insert(
                customer_tag_t, ("customer_id", "tag"), rows
            )

    def mark_due(self, customer_ids: Iterable[int], *, now: datetime) -> None:
        """These customers are decided again by the next sweep."""
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), 1000):
            self.session.execute(
                update(customer_t)
                .where(
                    ids_in(self.session, customer_t.c.id, ids[start : start + 1000]),
                    customer_t.c.archived.is_(False),
                )
                .values(next_due_at=now)
            )

    # --- contacts ------------------------------------------------------------------------------

    def contacts_by_key(
        self, workspace_id: int, source: str, external_ids: Sequence[str], *, native: bool = False
    ) -> dict[str, Keyed[Contact]]:
        if not external_ids:
            return {}
        match = (
            ids_in(self.session, contact_t.c.id, _ints(external_ids))
            if native
            else (contact_t.c.source == source) & contact_t.c.external_id.in_(list(external_ids))
        )
        rows = self.session.execute(
            select(contact_t)
            .join(customer_t, customer_t.c.id == contact_t.c.customer_id)
            .where(customer_t.c.workspace_id == workspace_id, match)
        )
        return {
            str(r.id) if native else r.external_id: Keyed(
                mapping.contact(r), r.source, r.external_id
            )
            for r in rows
        }

    def contacts_of(self, customer_ids: Sequence[int]) -> list[Keyed[Contact]]:
        rows = self.session.execute(
            select(contact_t).where(ids_in(self.session, contact_t.c.customer_id, customer_ids))
        )
        return [Keyed(mapping.contact(r), r.source, r.external_id) for r in rows]

    def insert_contacts(self, contacts: Sequence[Keyed[Contact]], *, now: datetime) -> None:
        rows = [
            (
                k.value.customer_id, k.value.name, k.value.role, k.value.birthday_month,
                k.value.birthday_day, k.value.birth_year, k.value.email, k.source,
                k.external_id, now,
            )
            for k in contacts
        ]  # fmt: skip
        BulkLoader(self.session.connection()).insert(contact_t, CONTACT_COLUMNS, rows)

    def update_contacts(self, contacts: Sequence[Keyed[Contact]]) -> None:
        if not contacts:
            return
        columns = [c for c in CONTACT_COLUMNS if c != "created_at"]
        params = [
            {
                "b_id": k.value.id,
                **{
                    f"v_{c}": v
                    for c, v in zip(
                        columns,
                        (
                            k.value.customer_id, k.value.name, k.value.role,
                            k.value.birthday_month, k.value.birthday_day, k.value.birth_year,
                            k.value.email, k.source, k.external_id,
                        ),
                        strict=True,
                    )
                },
            }
            for k in contacts
        ]  # fmt: skip
        self.session.execute(
            update(contact_t)
            .where(contact_t.c.id == bindparam("b_id"))
            .values({c: bindparam(f"v_{c}") for c in columns}),
            params,
        )

    # --- touches -------------------------------------------------------------------------------

    def touches_by_key(
        self, workspace_id: int, source: str, external_ids: Sequence[str], *, native: bool = False
    ) -> dict[str, Keyed[Touch]]:
        if not external_ids:
            return {}
        match = (
            ids_in(self.session, touchpoint_t.c.id, _ints(external_ids))
            if native
            else (touchpoint_t.c.source == source)
            & touchpoint_t.c.external_id.in_(list(external_ids))
        )
        rows = self.session.execute(
            select(touchpoint_t)
            .join(customer_t, customer_t.c.id == touchpoint_t.c.customer_id)
            .where(customer_t.c.workspace_id == workspace_id, match)
        )
        return {
            str(r.id) if native else r.external_id: Keyed(mapping.touch(r), r.source, r.external_id)
            for r in rows
        }

    def insert_touches(self, touches: Sequence[Keyed[Touch]]) -> None:
        rows = [
            (
                k.value.customer_id, k.value.person_id, k.value.contact_id, k.value.ritual,
                k.value.note, k.value.at, k.source, k.external_id,
            )
            for k in touches
        ]  # fmt: skip
        BulkLoader(self.session.connection()).insert(touchpoint_t, TOUCH_COLUMNS, rows)

    def update_touches(self, touches: Sequence[Keyed[Touch]]) -> None:
        if not touches:
            return
        self.session.execute(
            update(touchpoint_t)
            .where(touchpoint_t.c.id == bindparam("b_id"))
            .values(
                customer_id=bindparam("v_customer_id"),
                person_id=bindparam("v_person_id"),
                contact_id=bindparam("v_contact_id"),
                ritual=bindparam("v_ritual"),
                note=bindparam("v_note"),
                at=bindparam("v_at"),
                source=bindparam("v_source"),
                external_id=bindparam("v_external_id"),
            ),
            [
                {
                    "b_id": k.value.id, "v_customer_id": k.value.customer_id,
                    "v_person_id": k.value.person_id, "v_contact_id": k.value.contact_id,
                    "v_ritual": k.value.ritual, "v_note": k.value.note, "v_at": k.value.at,
                    "v_source": k.source, "v_external_id": k.external_id,
                }
                for k in touches
            ],
        )  # fmt: skip

    def move_clocks(
        self, clocks: Mapping[int, tuple[datetime, datetime | None]], *, now: datetime
    ) -> None:
        """Each customer's last touch (and owner's last touch) moved forward to these, never
        back (the comparison is in SQL, one executemany statement, compiled once), and the
        customer decided again by the next sweep."""
        current, owner = customer_t.c.last_touch_at, customer_t.c.owner_last_touch_at
        last = bindparam("b_last", type_=UTCDateTime())
        own = bindparam("b_own", type_=UTCDateTime())
        later_last = case((or_(current.is_(None), current < last), last), else_=current)
        later_own = case((or_(owner.is_(None), owner < own), own), else_=owner)
        due = case((customer_t.c.archived, None), else_=literal(now, UTCDateTime()))
        both = [{"b_id": c, "b_last": a, "b_own": o} for c, (a, o) in clocks.items() if o]
        alone = [{"b_id": c, "b_last": a} for c, (a, o) in clocks.items() if not o]
        where = customer_t.c.id == bindparam("b_id")
        if both:
            self.session.execute(
                update(customer_t)
                .where(where)
                .values(last_touch_at=later_last, owner_last_touch_at=later_own, next_due_at=due),
                both,
            )
        if alone:
            self.session.execute(
                update(customer_t).where(where).values(last_touch_at=later_last, next_due_at=due),
                alone,
            )

    # --- the audit log -------------------------------------------------------------------------

    def audit_many(self, entries: Sequence[dict[str, Any]]) -> None:
        if entries:
            columns = tuple(entries[0])
            BulkLoader(self.session.connection()).insert(
                audit_log_t, columns, [tuple(e[c] for c in columns) for e in entries]
            )


def _ints(values: Sequence[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


#: The tables an import of each kind of file grows.
_GROWN_BY: Mapping[str, tuple[str, ...]] = {
    "customers": (customer_t.name,),
    "contacts": (contact_t.name,),
    "touches": (touchpoint_t.name,),
}
