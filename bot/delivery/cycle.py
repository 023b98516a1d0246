"""One full scheduler cycle (sweep, then send), for `nudgebot tick`, the console's `:tick`
and the scheduler's heartbeat. A dry run does everything inside one transaction that is
rolled back, with platforms that only record, so it shows what would happen and changes
nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.delivery.digests import plan_digests
from bot.delivery.outbox import DrainResult, Outbox
from bot.delivery.ports import Platform
from bot.delivery.sweep import SweepResult, sweep
from bot.platforms import names
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


class Wiring(Protocol):
    """What a cycle needs of the composition root's container."""

    @property
    def deps(self) -> Deps: ...

    @property
    def platforms(self) -> Mapping[PlatformName, Platform]: ...

    def rolled_back(self) -> AbstractContextManager[Callable[[], SqlUnitOfWork]]:
        """Units of work sharing one transaction that is rolled back at the end."""
        ...


async def run_cycle(
    container: Wiring,
    *,
    now: datetime,
    platforms: Mapping[PlatformName, Platform] | None = None,
    dry_run: bool = False,
    worker: str = "tick",
) -> CycleReport:
    if dry_run:
        recorder = RecordingPlatform()
        with container.rolled_back() as units:
            # Reads see the dry run; one connection for every unit of work: sends one at a
            # time, and deciding stays in this process (workers could not see the dry run).
            settings = container.deps.settings
            settings = replace(
                settings,
                delivery=replace(settings.delivery, concurrency=1),
                scheduler=replace(settings.scheduler, decide_workers=1),
            )
            deps = replace(container.deps, uow=units, read_only=None, settings=settings)
            swept = sweep(deps, now=now)
            swept.digests += plan_digests(deps, now=now, horizon=now + _lookahead(deps))
            every = {*PlatformName, *names(), *container.platforms}
            outbox = Outbox(deps, dict.fromkeys(every, recorder), worker=worker)
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
