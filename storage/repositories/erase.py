"""Erasing a customer or a colleague for good: their rows are deleted (what hangs off them
goes with them), and their names are scrubbed from the text that mentions them elsewhere
(audit details, messages waiting in the outbox, other nudges). On SQLite the freed pages are
overwritten and the write-ahead log emptied, so the file keeps no copy either."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Column, Engine, Table, delete, func, select, text, update
from sqlalchemy.orm import Session

from storage.tables import (
    audit_log_t,
    change_log_t,
    contact_t,
    customer_t,
    delivery_t,
    important_date_t,
    life_event_t,
    nudge_t,
    person_t,
    pitch_t,
    touchpoint_t,
)

ERASED = "[erased]"
_SCRUBBED: tuple[Column[str], ...] = (
    audit_log_t.c.detail,
    delivery_t.c.payload,
    delivery_t.c.last_error,
    nudge_t.c.detail,
    nudge_t.c.facts,
    nudge_t.c.state_reason,
)


@dataclass(frozen=True, slots=True)
class CustomerFootprint:
    contacts: int
    touches: int
    dates: int
    events: int
    nudges: int
    pitches: int


@dataclass
class EraseRepository:
    session: Session

    def footprint(self, customer_id: int) -> CustomerFootprint:
        def count(table: Table) -> int:
            query = (
                select(func.count()).select_from(table).where(table.c.customer_id == customer_id)
            )
            return int(self.session.execute(query).scalar_one())

        return CustomerFootprint(
            contacts=count(contact_t),
            touches=count(touchpoint_t),
            dates=count(important_date_t),
            events=count(life_event_t),
            nudges=count(nudge_t),
            pitches=count(pitch_t),
        )

    def words_of_customer(self, customer_id: int) -> list[str]:
        """The customer's name and its contacts' names and e-mail addresses."""
        found = [
            self.session.scalar(select(customer_t.c.name).where(customer_t.c.id == customer_id))
        ]
        for name, email in self.session.execute(
            select(contact_t.c.name, contact_t.c.email).where(
                contact_t.c.customer_id == customer_id
            )
        ):
            found += [name, email]
        return [w for w in found if w]

    def erase_customer(self, customer_id: int) -> None:
        words = self.words_of_customer(customer_id)
        workspace_id = self.session.scalar(
            select(customer_t.c.workspace_id).where(customer_t.c.id == customer_id)
        )
        self._secure()
        self.session.execute(delete(customer_t).where(customer_t.c.id == customer_id))
        if workspace_id is not None:
            self.scrub(words, workspace_id=workspace_id)

    def erase_person(self, person_id: int) -> None:
        row = self.session.execute(
            select(person_t.c.display_name, person_t.c.email, person_t.c.workspace_id).where(
                person_t.c.id == person_id
            )
        ).one()
        self._secure()
        self.session.execute(delete(person_t).where(person_t.c.id == person_id))
        self.scrub([row.display_name, row.email or ""], workspace_id=row.workspace_id)

    def scrub(self, words: Iterable[str], *, workspace_id: int) -> None:
        """Replace each word in the free text of the workspace's other rows, as written and as
        JSON writes it."""
        scopes = {
            "audit_log": audit_log_t.c.workspace_id == workspace_id,
            "delivery": delivery_t.c.recipient_id.in_(
                select(person_t.c.id).where(person_t.c.workspace_id == workspace_id)
            ),
            "nudge": nudge_t.c.customer_id.in_(
                select(customer_t.c.id).where(customer_t.c.workspace_id == workspace_id)
            ),
        }
        forms: set[str] = set()
        for word in words:
            if len(word.strip()) >= 3:
                forms |= {word, json.dumps(word)[1:-1], json.dumps(word, ensure_ascii=False)[1:-1]}
        for form in sorted(forms, key=len, reverse=True):
            pattern = "%" + form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # A change that mentions them can no longer be undone (what it would restore is
            # gone): it is forgotten, not scrubbed.
            self.session.execute(
                delete(change_log_t).where(
                    change_log_t.c.workspace_id == workspace_id,
                    change_log_t.c.summary.like(pattern, escape="\\")
                    | change_log_t.c.images.like(pattern, escape="\\"),
                )
            )
            for column in _SCRUBBED:
                self.session.execute(
                    update(column.table)
                    .where(scopes[column.table.name], column.like(pattern, escape="\\"))
                    .values({column.name: func.replace(column, form, ERASED)})
                )

    def _secure(self) -> None:
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(text("PRAGMA secure_delete = ON"))

    def after_commit(self) -> None:
        """SQLite: move the erased pages out of the write-ahead log into the file, where they
        were overwritten, and empty the log (outside any transaction)."""
        bind = self.session.get_bind()
        if bind.dialect.name != "sqlite":
            return
        engine = bind if isinstance(bind, Engine) else bind.engine
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()

    def customers_owned(self, person_id: int) -> list[str]:
        return list(
            self.session.scalars(
                select(customer_t.c.name)
                .where(customer_t.c.owner_id == person_id)
                .order_by(customer_t.c.name_key)
            )
        )
