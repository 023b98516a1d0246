"""The composition root: everything is built here, from the loaded settings, never at import:
the engines and services (:func:`build`), the chat platforms the settings turn on
(:func:`serve_platforms` while serving, :func:`senders` for the scheduler)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.ports import Platform
from bot.ops import checks
from bot.ops.lifecycle import RunningJobs
from bot.ops.readiness import Readiness
from bot.platforms import PLATFORM_PACKAGES, Serving, load
from bot.services.context import Deps
from bot.services.dispatch import CommandService
from nudges.model import Platform as PlatformName
from storage import (
    Engine,
    SqlUnitOfWork,
    ensure_schema,
    is_sqlite,
    make_engine,
    make_session_factory,
    rolled_back,
)
from storage.locks import SharedLocks

if TYPE_CHECKING:
    from aiohttp import web


@dataclass
class Container:
    settings: Settings
    engine: Engine
    deps: Deps
    commands: CommandService
    #: Senders of the platforms this process serves (and the console session's).
    platforms: dict[PlatformName, Platform] = field(default_factory=dict)
    #: ``/readyz``'s named checks: each part of the bot adds its own where it is built.
    readiness: Readiness = field(default_factory=Readiness)
    #: The scheduler's jobs running now (a graceful stop waits for them).
    jobs: RunningJobs = field(default_factory=RunningJobs)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def shared_locks(self) -> SharedLocks:
        """Locks every replica on this database shares."""
        return SharedLocks(self.engine)

    def rolled_back(self) -> AbstractContextManager[Callable[[], SqlUnitOfWork]]:
        """Units of work for a dry run: one transaction, rolled back at the end."""
        return rolled_back(self.engine)


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


def serves_chat(settings: Settings, *, packages: Iterable[str] = PLATFORM_PACKAGES) -> bool:
    """Whether a platform the settings turn on takes its traffic over the HTTP server."""
    return any(p.serve is not None and p.enabled(settings) for p in load(packages))


def serve_platforms(
    app: web.Application, container: Container, *, packages: Iterable[str] = PLATFORM_PACKAGES
) -> list[Serving]:
    """Mount every platform the settings turn on; the scheduler sends through them."""
    serving: list[Serving] = []
    for platform in load(packages):
        if platform.serve is not None and platform.enabled(container.settings):
            served = platform.serve(app, container)
            container.platforms[platform.name] = served.sender
            serving.append(served)
    return serving


def senders(
    container: Container, *, packages: Iterable[str] = PLATFORM_PACKAGES
) -> dict[PlatformName, Platform]:
    """Every platform this process can send through: those it serves, then each other
    platform's own sender when its credentials are there (the console always: printed when
    no console session runs)."""
    found: dict[PlatformName, Platform] = dict(container.platforms)
    for platform in load(packages):
        if platform.name not in found:
            sender = platform.sender(container)
            if sender is not None:
                found[platform.name] = sender
    return found
