"""What a running process remembers between sweeps to plan messages (``bot.delivery.planning``),
and how one person whose message cannot be planned is set aside.

Per person: "nothing to send before slot S", with exactly what that was worked out from (the
person, their last slot, their open nudges' stored values); the earliest slot their next
message could take were there no holidays; and whether they were set aside. An entry is used
only while what it was worked out from is unchanged, so it is never shared between processes
and never needs clearing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.delivery.isolation import SET_ASIDE, is_poison, set_aside
from bot.services.context import Deps
from nudges.delivery import earliest_slot
from nudges.model import Person
from nudges.policy import Policy
from storage import SqlUnitOfWork
from storage.repositories.nudges import Signature

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NothingBefore:
    """``person``'s next message falls at ``until`` at the earliest (after the sweep's
    horizon), as worked out at ``at`` from exactly these: their last slot and open nudges."""

    person: Person
    last_slot: datetime | None
    nudges: Signature
    at: datetime
    until: datetime


@dataclass
class PlanMemory:
    """Per process, what planning found for people with nothing to send yet. An entry is used
    only while everything it was worked out from is unchanged, so replicas (each with its own)
    and requests that change a person or their nudges never meet a stale one."""

    policy: Policy | None = None
    nothing: dict[int, NothingBefore] = field(default_factory=dict)
    #: Per person: (the person, searched from, found) of their last ``earliest_slot``.
    slots: dict[int, tuple[Person, datetime, datetime]] = field(default_factory=dict)
    #: People whose message could not be planned: (when, until when they are left out).
    aside: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)

    def left_out(self, person_id: int, *, now: datetime) -> bool:
        """Set aside by an earlier sweep, and not for long enough to be tried again (a batch
        run again at the same instant tries them again, so that its audit is written)."""
        since, until = self.aside.get(person_id, (now, now))
        return since < now < until

    def earliest_slot(self, person: Person, *, after: datetime) -> datetime:
        """``nudges.delivery.earliest_slot``, worked out again only when the person changed
        or ``after`` has passed the slot found last time."""
        known = self.slots.get(person.id)
        if known is None or known[0] != person or not known[1] <= after <= known[2]:
            known = self.slots[person.id] = (person, after, earliest_slot(person, after=after))
        return known[2]

    def unchanged(
        self, person: Person, *, last_slot: datetime | None, now: datetime, horizon: datetime
    ) -> NothingBefore | None:
        """The entry for ``person`` if, apart from their open nudges (which the caller
        compares), it still holds at ``now`` for a sweep up to ``horizon``."""
        entry = self.nothing.get(person.id)
        if (
            entry is None
            or entry.person != person
            or entry.last_slot != last_slot
            or not entry.at <= now  # a clock set back: worked out again
            or not horizon < entry.until
        ):
            return None
        return entry


def memory_of(deps: Deps) -> PlanMemory:
    memory = deps.memory.get("planning")
    if not isinstance(memory, PlanMemory) or memory.policy is not deps.policy:
        memory = deps.memory["planning"] = PlanMemory(policy=deps.policy)
    return memory


class PersonGuard:
    """Runs the planning of one person: if it fails for a reason of its own (a poison row,
    say a time zone no longer known), that person is set aside for a day, logged, audited and
    counted, and everyone else's messages go on."""

    def __init__(self, uow: SqlUnitOfWork, memory: PlanMemory, *, now: datetime) -> None:
        self.uow, self.memory, self.now = uow, memory, now

    def __call__(self, person: Person, work: Callable[[], T]) -> T | None:
        try:
            return work()
        except Exception as exc:
            if not is_poison(exc):
                raise
            set_aside(self.uow, "person", person.id, person.workspace_id, exc, now=self.now)
            self.memory.aside[person.id] = (self.now, self.now + SET_ASIDE)
            return None
