"""What every use case needs: who is asking, in which workspace, and the shared dependencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import Clock
from bot.config import Settings
from bot.holidays import holidays_of
from nudges.calendar import local_date
from nudges.model import Person, Workspace
from nudges.policy import Policy
from storage import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    workspace: Workspace
    person: Person

    def today(self, now: datetime) -> date:
        return local_date(now, self.person.timezone)


@dataclass(frozen=True, slots=True)
class Deps:
    """Built once by the composition root and passed to every service."""

    settings: Settings
    clock: Clock
    uow: Callable[[], SqlUnitOfWork]
    #: A unit of work that only reads (on SQLite: without taking the write lock, so reading
    #: never waits for a writer); the same as ``uow`` when not given.
    read_only: Callable[[], SqlUnitOfWork] | None = None

    def reader(self) -> SqlUnitOfWork:
        return (self.read_only or self.uow)()

    @property
    def policy(self) -> Policy:
        return self.settings.policy

    def holidays(self, person: Person, *, now: datetime) -> frozenset[date]:
        return holidays_of(
            person,
            around=local_date(now, person.timezone),
            default_country=self.settings.workspace.holiday_country,
        )
