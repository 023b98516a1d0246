"""What every use case needs: who is asking, in which workspace, and the shared dependencies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.holidays import holidays_of
from nudges.calendar import local_date
from nudges.model import Person, Platform, Workspace
from nudges.policy import Policy
from storage import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    workspace: Workspace
    person: Person

    def today(self, now: datetime) -> date:
        return local_date(now, self.person.timezone)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a command was typed when that is not the person's own chat with the bot: a place
    others read too, so only what is meant to be shared is answered there."""

    platform: Platform
    kind: str  # "channel" (a team channel: digests can be posted there) or "group"
    channel_id: str
    name: str | None = None
    reference: Mapping[str, Any] = field(default_factory=dict)  # how the platform posts there


@dataclass(frozen=True, slots=True)
class Deps:
    """Built once by the composition root and passed to every service."""

    settings: Settings
    clock: Clock
    uow: Callable[[], SqlUnitOfWork]
    #: A unit of work that only reads (on SQLite: without taking the write lock, so reading
    #: never waits for a writer); the same as ``uow`` when not given.
    read_only: Callable[[], SqlUnitOfWork] | None = None
    #: What this process's jobs remember between their runs (``bot.delivery.planning``):
    #: never shared between processes, and each entry checked before it is used.
    memory: dict[str, Any] = field(default_factory=dict, compare=False)

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
