"""One full scheduler cycle (sweep, then send), for `nudgebot tick`, the console's `:tick`
and the scheduler's heartbeat. A dry run does everything inside one transaction that is
rolled back, with platforms that only record, so it shows what would happen and changes
nothing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.bootstrap import Container
from bot.delivery.digests import plan_digests
from bot.delivery.outbox import DrainResult, Outbox
from bot.delivery.ports import Platform
from bot.delivery.sweep import SweepResult, sweep
from bot.replies import Reply
from bot.services.context import Deps
from nudges.model import Person
from nudges.model import Platform as PlatformName
from storage import SqlUnitOfWork


@dataclass
class RecordingPlatform:
    """Sends nothing; remembers what it was asked to send (dry runs)."""

    sent: list[tuple[Person, Reply]] = field(default_factory=list)

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        self.sent.append((recipient, reply))
        return f"dry-run:{delivery_id}"

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None


@dataclass
class CycleReport:
    now: datetime
    sweep: SweepResult
    drain: DrainResult
    messages: list[tuple[Person, Reply]] = field(default_factory=list)


@contextmanager
def rolled_back(deps: Deps, engine_owner: Container) -> Iterator[Deps]:
    """Deps whose units of work all share one outer transaction, rolled back at the end."""
    with engine_owner.engine.connect() as connection:
        outer = connection.begin()

        def uow() -> SqlUnitOfWork:
            def factory() -> Session:
                return Session(
                    bind=connection,
                    join_transaction_mode="create_savepoint",
                    expire_on_commit=False,
                    autoflush=False,
                )

            return SqlUnitOfWork(factory)

        # One connection for every unit of work: sends one at a time (no concurrent sessions).
        settings = replace(deps.settings, delivery=replace(deps.settings.delivery, concurrency=1))
        try:
            yield replace(deps, uow=uow, read_only=None, settings=settings)  # reads see it too
        finally:
            outer.rollback()


async def run_cycle(
    container: Container,
    *,
    now: datetime,
    platforms: Mapping[PlatformName, Platform] | None = None,
    dry_run: bool = False,
    worker: str = "tick",
) -> CycleReport:
    if dry_run:
        recorder = RecordingPlatform()
        with rolled_back(container.deps, container) as deps:
            swept = sweep(deps, now=now)
            swept.digests += plan_digests(deps, now=now, horizon=now + _lookahead(deps))
            outbox = Outbox(deps, {p: recorder for p in PlatformName}, worker=worker)
            drained = await outbox.drain(now=now)
        return CycleReport(now, swept, drained, recorder.sent)
    swept = sweep(container.deps, now=now)
    swept.digests += plan_digests(container.deps, now=now, horizon=now + _lookahead(container.deps))
    outbox = Outbox(container.deps, platforms or container.platforms, worker=worker)
    drained = await outbox.drain(now=now)
    return CycleReport(now, swept, drained)


def _lookahead(deps: Deps) -> timedelta:
    """Digests due before the next beat are written now."""
    return timedelta(minutes=deps.settings.scheduler.sweep_minutes)
