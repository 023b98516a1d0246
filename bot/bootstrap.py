"""The composition root: everything is built here, from the loaded settings, never at import."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.ports import Platform
from bot.ops import checks
from bot.ops.lifecycle import RunningJobs
from bot.ops.readiness import Readiness
from bot.services.context import Deps
from bot.services.dispatch import CommandService
from nudges.model import Platform as PlatformName
from storage import (
    SqlUnitOfWork,
    ensure_schema,
    is_sqlite,
    make_engine,
    make_session_factory,
)


@dataclass
class Container:
    settings: Settings
    engine: Engine
    deps: Deps
    commands: CommandService
    platforms: dict[PlatformName, Platform] = field(default_factory=dict)
    #: ``/readyz``'s named checks: each part of the bot adds its own where it is built.
    readiness: Readiness = field(default_factory=Readiness)
    #: The scheduler's jobs running now (a graceful stop waits for them).
    jobs: RunningJobs = field(default_factory=RunningJobs)

    def close(self) -> None:
        self.engine.dispose()


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    auto_migrate: bool | None = None,
    pool_size: int = 10,
) -> Container:
    """Wire the bot. The schema must be current: SQLite migrates itself (one process, one
    machine); any other database refuses to start until `nudgebot migrate` has run."""
    engine = make_engine(settings.database_url, pool_size=pool_size)
    migrate_now = is_sqlite(settings.database_url) if auto_migrate is None else auto_migrate
    ensure_schema(engine, auto_migrate=migrate_now)
    sessions = make_session_factory(engine)
    readers = make_session_factory(engine, read_only=True)
    deps = Deps(
        settings=settings,
        clock=clock or SystemClock(),
        uow=lambda: SqlUnitOfWork(sessions),
        read_only=lambda: SqlUnitOfWork(readers, read_only=True),
    )
    container = Container(
        settings=settings, engine=engine, deps=deps, commands=CommandService(deps)
    )
    container.readiness.add_blocking("database", checks.database(engine))
    container.readiness.add_blocking("schema", checks.schema(engine))
    return container
