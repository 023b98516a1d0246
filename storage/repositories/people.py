"""Workspaces and people."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nudges.model import Person, Platform, Workspace
from nudges.names import name_key
from storage.repositories import mapping
from storage.repositories.ids import ids_in
from storage.tables import PersonRow, WorkspaceRow, person_t, workspace_t


@dataclass
class WorkspaceRepository:
    session: Session

    def add(
        self,
        *,
        platform: Platform,
        external_id: str,
        name: str,
        timezone: str,
        holiday_country: str | None,
        now: datetime,
    ) -> Workspace:
        row = WorkspaceRow(
            platform=platform.value,
            external_id=external_id,
            name=name,
            timezone=timezone,
            holiday_country=holiday_country,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.workspace(row)

    def get(self, workspace_id: int) -> Workspace | None:
        row = self.session.get(WorkspaceRow, workspace_id)
        return mapping.workspace(row) if row else None

    def all(self) -> list[Workspace]:
        rows = self.session.scalars(select(WorkspaceRow).order_by(workspace_t.c.id))
        return [mapping.workspace(r) for r in rows]

    def known_export_key(self, workspace_id: int) -> str | None:
        row = self.session.get(WorkspaceRow, workspace_id)
        return row.export_key if row else None

    def export_key(self, workspace_id: int) -> str:
        """The workspace's own prefix for the keys of its records in an export (made once)."""
        row = self.session.get(WorkspaceRow, workspace_id)
        if row is None:
            raise LookupError(f"no workspace with id {workspace_id}")
        if row.export_key is None:
            row.export_key = secrets.token_hex(4)
            self.session.flush()
        return row.export_key

    def find(self, *, platform: Platform, external_id: str) -> Workspace | None:
        row = self.session.scalars(
            select(WorkspaceRow).where(
                workspace_t.c.platform == platform.value, workspace_t.c.external_id == external_id
            )
        ).first()
        return mapping.workspace(row) if row else None


@dataclass
class PersonRepository:
    session: Session

    def add(self, person: Person, *, now: datetime) -> Person:
        row = PersonRow(
            workspace_id=person.workspace_id,
            platform_user_id=person.platform_user_id,
            display_name=person.display_name,
            name_key=name_key(person.display_name),
            email=person.email,
            timezone=person.timezone,
            working_days=mapping.days_to_mask(person.working_days),
            delivery_hour=person.delivery_hour,
            holiday_country=person.holiday_country,
            manager_id=person.manager_id,
            ooo_until=person.ooo_until,
            cover_id=person.cover_id,
            daily_cap=person.daily_cap,
            is_admin=person.is_admin,
            unreachable=person.unreachable,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.person(row)

    def update(self, person: Person) -> Person:
        row = self.session.get(PersonRow, person.id)
        if row is None:
            raise LookupError(f"no person with id {person.id}")
        row.platform_user_id = person.platform_user_id
        row.display_name = person.display_name
        row.name_key = name_key(person.display_name)
        row.email = person.email
        row.timezone = person.timezone
        row.working_days = mapping.days_to_mask(person.working_days)
        row.delivery_hour = person.delivery_hour
        row.holiday_country = person.holiday_country
        row.manager_id = person.manager_id
        row.ooo_until = person.ooo_until
        row.cover_id = person.cover_id
        row.daily_cap = person.daily_cap
        row.is_admin = person.is_admin
        row.unreachable = person.unreachable
        self.session.flush()
        return mapping.person(row)

    def get(self, person_id: int) -> Person | None:
        row = self.session.get(PersonRow, person_id)
        return mapping.person(row) if row else None

    def get_many(self, ids: Iterable[int]) -> list[Person]:
        id_list = sorted(set(ids))
        found: list[Person] = []
        for start in range(0, len(id_list), 1000):
            rows = self.session.execute(
                select(person_t).where(
                    ids_in(self.session, person_t.c.id, id_list[start : start + 1000])
                )
            )
            found.extend(mapping.person(r) for r in mapping.plain(rows))
        return found

    def covers(self) -> dict[int, int]:
        """Everyone with a cover named (away now or not): their cover, by their id."""
        rows = self.session.execute(
            select(person_t.c.id, person_t.c.cover_id).where(person_t.c.cover_id.is_not(None))
        )
        return {person: cover for person, cover in rows}

    def by_platform_id(self, *, workspace_id: int, platform_user_id: str) -> Person | None:
        row = self.session.scalars(
            select(PersonRow).where(
                person_t.c.workspace_id == workspace_id,
                person_t.c.platform_user_id == platform_user_id,
            )
        ).first()
        return mapping.person(row) if row else None

    def by_name(self, *, workspace_id: int, name: str) -> list[Person]:
        rows = self.session.scalars(
            select(PersonRow)
            .where(
                person_t.c.workspace_id == workspace_id,
                person_t.c.name_key == name_key(name),
            )
            .order_by(person_t.c.id)
        )
        return [mapping.person(r) for r in rows]

    def in_workspace(self, workspace_id: int) -> list[Person]:
        rows = self.session.scalars(
            select(PersonRow).where(person_t.c.workspace_id == workspace_id).order_by(person_t.c.id)
        )
        return [mapping.person(r) for r in rows]

    def managers(self) -> list[Person]:
        """Everyone someone reports to."""
        bosses = select(person_t.c.manager_id).where(person_t.c.manager_id.is_not(None))
        rows = self.session.scalars(
            select(PersonRow).where(person_t.c.id.in_(bosses)).order_by(person_t.c.id)
        )
        return [mapping.person(r) for r in rows]

    def has_reports(self, manager_id: int) -> bool:
        """Whether anyone reports to ``manager_id`` (one indexed read, not the whole team)."""
        found = self.session.scalar(
            select(person_t.c.id).where(person_t.c.manager_id == manager_id).limit(1)
        )
        return found is not None

    def teams(self, manager_ids: Iterable[int]) -> dict[int, list[Person]]:
        """``reports_of`` each of the managers, from one read of everyone: a round of
        digests writes hundreds of teams' digests."""
        rows = self.session.execute(select(person_t).order_by(person_t.c.id))
        everyone = {row.id: mapping.person(row) for row in mapping.plain(rows)}
        children: dict[int, list[int]] = {}
        for person in everyone.values():  # in id order
            if person.manager_id is not None:
                children.setdefault(person.manager_id, []).append(person.id)
        return {m: [everyone[p] for p in _under(m, children)] for m in manager_ids}

    def report_ids(self, manager_id: int) -> list[int]:
        """The ids of everyone who reports to ``manager_id``, directly or through other
        managers: nearest first, each level in id order, nobody twice (a cycle in the
        hierarchy ends the walk). One narrow read a level."""
        seen: set[int] = {manager_id}
        frontier = [manager_id]
        found: list[int] = []
        while frontier:
            level = self.session.scalars(
                select(person_t.c.id)
                .where(ids_in(self.session, person_t.c.manager_id, frontier))
                .order_by(person_t.c.id)
            ).all()
            frontier = [pid for pid in level if pid not in seen]
            seen.update(frontier)
            found.extend(frontier)
        return found

    def reports_of(self, manager_id: int) -> list[Person]:
        """Everyone who reports to ``manager_id``, directly or through other managers (in the
        order of ``report_ids``), read in one statement as plain rows: a head of sales'
        thousands of reports are made into neither ORM objects nor SQLAlchemy rows."""
        ids = self.report_ids(manager_id)
        if not ids:
            return []
        rows = self.session.execute(
            select(person_t).where(ids_in(self.session, person_t.c.id, ids))
        )
        people = {row.id: mapping.person(row) for row in mapping.plain(rows)}
        return [people[pid] for pid in ids if pid in people]


def _under(manager_id: int, children: dict[int, list[int]]) -> list[int]:
    """``report_ids`` over the hierarchy in memory (``children``: each manager's reports)."""
    seen = {manager_id}
    frontier = [manager_id]
    found: list[int] = []
    while frontier:
        level = sorted(child for parent in frontier for child in children.get(parent, ()))
        frontier = [pid for pid in level if pid not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found
