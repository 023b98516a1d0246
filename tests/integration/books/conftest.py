"""A sales team that is about to bring its book in: Maria (admin), Sam and Sue, with e-mail
addresses as their CRM knows them, in a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings, WorkspaceDefaults
from bot.replies import Reply, Tone
from bot.services.books.imports import ImportOptions, ImportReport, run_import
from bot.services.context import Actor
from bot.services.identity import identify
from bot.transfer.presets import Kind
from nudges.model import Customer, Platform
from storage import is_sqlite
from storage.tables import metadata

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "crm"
PEOPLE = (
    ("maria", "Maria Lopez", "maria@example.com"),
    ("sam", "Sam Seller", "sam@example.com"),
    ("sue", "Sue Park", "sue@example.com"),
)


@dataclass
class Shop:
    container: Container
    clock: FixedClock
    people: dict[str, Actor]

    def run(self, kind: str, file: str | Path, **options: Any) -> ImportReport:
        path = file if isinstance(file, Path) else FIXTURES / file
        return run_import(
            self.container.deps,
            ImportOptions(kind=Kind(kind), path=path, **options),
            now=self.clock.now(),
        )

    def say(self, who: str, line: str) -> Reply:
        return self.container.commands.handle_text(self.people[who], line)

    def do(self, who: str, line: str) -> Reply:
        reply = self.say(who, line)
        assert reply.tone is not Tone.ERROR, reply.text
        return reply

    def customer(self, name: str) -> Customer:
        with self.container.deps.uow() as uow:
            found = uow.customers.by_name(workspace_id=self.people["maria"].workspace.id, name=name)
        assert found is not None, name
        return found

    def count(self, table: str) -> int:
        with self.container.engine.connect() as connection:
            return int(connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one())

    def snapshot(self) -> dict[str, object]:
        """Every row of every table (PostgreSQL: a digest per table), and the sequences."""
        with self.container.engine.connect() as connection:
            if is_sqlite(self.container.settings.database_url):
                return {
                    t.name: connection.execute(select(t).order_by(*t.primary_key.columns)).all()
                    for t in metadata.sorted_tables
                }
            digests = ", ".join(
                f"(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
                f'FROM "{t.name}" r) AS "{t.name}"'
                for t in metadata.sorted_tables
            )
            found = dict(connection.execute(text(f"SELECT {digests}")).mappings().one())
            found["sequences"] = connection.execute(
                text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            ).all()
            return found


@pytest.fixture
def shop(database: str) -> Iterator[Shop]:
    settings = dataclasses.replace(
        Settings(),
        database_url=database,
        workspace=WorkspaceDefaults(timezone="America/New_York"),
    )
    clock = FixedClock(NOW)
    container = build(settings, clock=clock)
    people = {
        handle: identify(
            container.deps,
            platform=Platform.CONSOLE,
            team_id="console",
            team_name="Console",
            user_id=handle,
            display_name=name,
            email=email,
            timezone="America/New_York",
        )
        for handle, name, email in PEOPLE
    }
    yield Shop(container, clock, people)
    container.close()
