"""Slack's installations and OAuth state, and the events already processed (for every chat
platform that retries its deliveries). Construct them from ``uow.session``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.tables import (
    ProcessedEventRow,
    SlackInstallationRow,
    processed_event_t,
    slack_installation_t,
    slack_oauth_state_t,
)

BOT = "bot"
INSTALLATION = "installation"
MEMBER = "member"  # a workspace seen under an org-wide (Enterprise Grid) install


@dataclass(frozen=True, slots=True)
class InstallationKey:
    """Which installation: Slack's ids as bolt passes them (``team_id`` is None for an
    org-wide install, ``user_id`` None for the workspace's latest)."""

    client_id: str
    enterprise_id: str | None
    team_id: str | None
    user_id: str | None = None


def _same(column: ColumnElement[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


@dataclass
class SlackInstallationRepository:
    """One row per bot and per installing user (saving again replaces the row: with token
    rotation a workspace's tokens change twice a day, and history is not needed)."""

    session: Session

    def _where(self, kind: str, key: InstallationKey, *, with_user: bool) -> ColumnElement[bool]:
        c = slack_installation_t.c
        clauses = [c.kind == kind, c.client_id == key.client_id]
        if key.team_id is not None:  # Slack team ids are unique across organizations
            clauses.append(c.team_id == key.team_id)
        else:  # an org-wide install
            clauses += [_same(c.enterprise_id, key.enterprise_id), c.team_id.is_(None)]
        if with_user:
            clauses.append(_same(c.user_id, key.user_id))
        return and_(*clauses)

    def save(
        self,
        kind: str,
        key: InstallationKey,
        *,
        data: str,
        is_enterprise_install: bool,
        installed_at: datetime,
    ) -> None:
        with_user = kind == INSTALLATION
        self.session.execute(
            delete(SlackInstallationRow).where(self._where(kind, key, with_user=with_user))
        )
        self.session.add(
            SlackInstallationRow(
                client_id=key.client_id,
                kind=kind,
                enterprise_id=key.enterprise_id,
                team_id=key.team_id,
                user_id=key.user_id if with_user else None,
                is_enterprise_install=is_enterprise_install,
                data=data,
                installed_at=installed_at,
            )
        )
        self.session.flush()

    def find(self, kind: str, key: InstallationKey) -> str | None:
        """The stored JSON, the latest when several match (no user: any installing user)."""
        c = slack_installation_t.c
        with_user = kind == INSTALLATION and key.user_id is not None
        return self.session.scalars(
            select(c.data)
            .where(self._where(kind, key, with_user=with_user))
            .order_by(c.installed_at.desc(), c.id.desc())
            .limit(1)
        ).first()

    def enterprise_of(self, client_id: str, team_id: str) -> str | None:
        """The organisation a workspace was seen in under an org-wide install."""
        c = slack_installation_t.c
        return self.session.scalars(
            select(c.enterprise_id)
            .where(c.kind == MEMBER, c.client_id == client_id, c.team_id == team_id)
            .order_by(c.id.desc())
            .limit(1)
        ).first()

    def every(self, kind: str, key: InstallationKey) -> list[tuple[int, str]]:
        """Every row of that kind for the workspace (all installing users): (id, JSON)."""
        c = slack_installation_t.c
        rows = self.session.execute(
            select(c.id, c.data).where(self._where(kind, key, with_user=False)).order_by(c.id)
        )
        return [(int(row_id), str(data)) for row_id, data in rows]

    def replace_data(self, row_id: int, data: str) -> None:
        c = slack_installation_t.c
        self.session.execute(update(slack_installation_t).where(c.id == row_id).values(data=data))

    def delete(self, kind: str, key: InstallationKey) -> int:
        with_user = kind == INSTALLATION and key.user_id is not None
        result = self.session.execute(
            delete(SlackInstallationRow).where(self._where(kind, key, with_user=with_user))
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class SlackOAuthStateRepository:
    session: Session

    def issue(self, state: str, *, expires_at: datetime) -> None:
        self.session.execute(
            slack_oauth_state_t.insert().values(state=state, expires_at=expires_at)
        )

    def consume(self, state: str, *, now: datetime) -> bool:
        """True once for a state that was issued and has not expired; it is gone afterwards."""
        c = slack_oauth_state_t.c
        found = self.session.execute(
            select(c.expires_at).where(c.state == state).with_for_update()
        ).first()
        self.session.execute(delete(slack_oauth_state_t).where(c.state == state))
        return found is not None and found[0] > now

    def prune(self, *, now: datetime) -> int:
        c = slack_oauth_state_t.c
        result = self.session.execute(delete(slack_oauth_state_t).where(c.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class ProcessedEventRepository:
    """Insert-or-ignore on (source, event id): the first delivery of an event wins."""

    session: Session

    def first_time(self, source: str, event_id: str, *, now: datetime) -> bool:
        values = {"source": source, "event_id": event_id, "received_at": now}
        dialect = self.session.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            module = postgresql if dialect == "postgresql" else sqlite
            statement = (
                module.insert(processed_event_t)
                .values(**values)
                .on_conflict_do_nothing()
                .returning(processed_event_t.c.event_id)
            )
            return self.session.execute(statement).first() is not None
        # pragma: no cover - the project runs on SQLite and PostgreSQL only
        if self.session.get(ProcessedEventRow, (source, event_id)) is not None:
            return False
        self.session.add(ProcessedEventRow(source=source, event_id=event_id, received_at=now))
        self.session.flush()
        return True

    def prune(self, *, before: datetime) -> int:
        c = processed_event_t.c
        result = self.session.execute(delete(processed_event_t).where(c.received_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
