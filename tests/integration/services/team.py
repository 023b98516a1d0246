"""A small sales team in a fresh database, driven through the command service like any surface.

Maria registers first and so is the admin; Bo manages Mia, who manages Sam and Sue; Otto is a
colleague outside that team, and Nia has just joined (nobody's report yet).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings, WorkspaceDefaults
from bot.replies import Reply, Tone
from bot.services.context import Actor
from bot.services.decisions import refresh_customers
from bot.services.identity import identify
from nudges.model import AuditEntry, Contact, Customer, Nudge, Platform
from storage import is_sqlite
from storage.repositories import mapping
from storage.tables import NudgeRow, metadata, nudge_t

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()
PEOPLE = ("maria", "bo", "mia", "sam", "sue", "otto", "nia")

Snapshot = dict[str, object]


@dataclass
class Team:
    container: Container
    clock: FixedClock
    people: dict[str, Actor] = field(default_factory=dict)

    # --- people and commands -------------------------------------------------------------------

    def join(self, user_id: str, *, team_id: str = "console", timezone: str | None = None) -> Actor:
        """Identify a person the way every adapter does (registering them on first contact)."""
        return identify(
            self.container.deps,
            platform=Platform.CONSOLE,
            team_id=team_id,
            team_name=team_id.capitalize(),
            user_id=user_id,
            display_name=user_id.capitalize(),
            timezone=timezone,
        )

    def actor(self, user_id: str) -> Actor:
        return self.join(user_id)

    def say(self, user_id: str, text: str) -> Reply:
        return self.container.commands.handle_text(self.actor(user_id), text)

    def do(self, user_id: str, text: str) -> Reply:
        """A command that must succeed (a set-up step)."""
        reply = self.say(user_id, text)
        assert reply.tone is not Tone.ERROR, f"{user_id}: {text!r} -> {reply.text}"
        return reply

    def book(self, owner: str, names: Iterable[str], *, quiet_days: int = 20) -> None:
        """Key customers for ``owner`` in one go, each with a contact "Ann <name>" and, after
        ``quiet_days`` without a touch since the bot learned of them (20: amber, not
        escalated), an open quiet nudge."""
        owner_actor = self.actor(owner)
        with self.container.deps.uow() as uow:
            ids = []
            for name in names:
                customer = uow.customers.add(
                    Customer(
                        id=0,
                        workspace_id=owner_actor.workspace.id,
                        name=name,
                        owner_id=owner_actor.person.id,
                        tier="key",
                        since=TODAY - timedelta(days=quiet_days),
                    ),
                    # known to the bot since then too (its onboarding window is long over)
                    now=self.clock.now() - timedelta(days=quiet_days),
                )
                uow.contacts.add(
                    Contact(id=0, customer_id=customer.id, name=f"Ann {name}", role="CFO"),
                    now=self.clock.now(),
                )
                ids.append(customer.id)
            refresh_customers(uow, ids, now=self.clock.now(), policy=self.container.deps.policy)
            uow.commit()

    # --- looking at the database ---------------------------------------------------------------

    def customer(self, name: str, *, team_id: str = "console") -> Customer:
        with self.container.deps.uow() as uow:
            workspace = uow.workspaces.find(platform=Platform.CONSOLE, external_id=team_id)
            assert workspace is not None
            found = uow.customers.by_name(workspace_id=workspace.id, name=name)
        assert found is not None, name
        return found

    def nudges_about(self, name: str) -> list[Nudge]:
        """Every nudge about the customer, whatever its state, oldest first."""
        customer_id = self.customer(name).id
        with self.container.deps.uow() as uow:
            rows = uow.session.scalars(
                select(NudgeRow).where(nudge_t.c.customer_id == customer_id).order_by(nudge_t.c.id)
            )
            return [mapping.nudge(r) for r in rows]

    def audit(self, *, after_id: int = 0) -> list[AuditEntry]:
        """The audit entries written after the one with ``after_id``, oldest first."""
        with self.container.deps.uow() as uow:
            newest = uow.audit.entries(limit=1_000)
        return [entry for entry in reversed(newest) if (entry.id or 0) > after_id]

    def last_audit_id(self) -> int:
        with self.container.deps.uow() as uow:
            newest = uow.audit.entries(limit=1)
        return (newest[0].id or 0) if newest else 0

    def snapshot(self) -> Snapshot:
        """Every row of every table: equal snapshots mean nothing changed. (On PostgreSQL a
        digest of each table's rows, computed by the server in one round trip.)"""
        if is_sqlite(self.container.settings.database_url):
            with self.container.engine.connect() as connection:
                return {
                    table.name: connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    ).all()
                    for table in metadata.sorted_tables
                }
        digests = ", ".join(
            f"(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
            f'FROM "{table.name}" r) AS "{table.name}"'
            for table in metadata.sorted_tables
        )
        with self.container.engine.connect() as connection:
            row = connection.execute(text(f"SELECT {digests}")).mappings().one()
        return dict(row)

    def close(self) -> None:
        self.container.close()


def build_team(
    database: str, *, admins: tuple[str, ...] = (), now: datetime = NOW, managed: bool = True
) -> Team:
    """Everyone registered (Maria first); with ``managed``, Bo > Mia > Sam and Sue."""
    settings = dataclasses.replace(
        Settings(), database_url=database, workspace=WorkspaceDefaults(admins=admins)
    )
    clock = FixedClock(now)
    team = Team(build(settings, clock=clock), clock)
    for user_id in PEOPLE:
        team.join(user_id)
    if managed:
        admin = admins[0] if admins else PEOPLE[0]
        team.do(admin, "team add @mia manager=@bo")
        team.do(admin, "team add @sam manager=@mia")
        team.do(admin, "team add @sue manager=@mia")
    return team


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def later(days: int) -> date:
    return TODAY + timedelta(days=days)
