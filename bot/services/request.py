"""One request being served: the actor, the instant, the unit of work, and small helpers
every use case shares (finding a customer the actor may touch, auditing, re-deciding)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from bot.commands import UserRef
from bot.services.access import require_customer_access, require_customer_view
from bot.services.context import Actor, Deps, Origin
from bot.services.decisions import refresh_customers
from bot.services.identity import resolve_person
from nudges.calendar import local_date
from nudges.model import Customer, Offer, Person
from storage import SqlUnitOfWork
from storage.repositories.changes import Recorder

T = TypeVar("T")

#: What hangs off a customer, as (table, column holding the customer's id): what a change to
#: the customer may touch, kept so that ``undo`` can put it back.
CUSTOMER_ROWS: tuple[tuple[str, str], ...] = (
    ("customer", "id"),
    ("customer_tag", "customer_id"),
    ("contact", "customer_id"),
    ("important_date", "customer_id"),
    ("life_event", "customer_id"),
    ("pitch", "customer_id"),
    ("nudge", "customer_id"),
)


class ServiceError(ValueError):
    """A request that cannot be done as asked; the message says why and what would work.
    ``field`` names the option at fault (``on``, ``contact``, ``customer``...), so a form can
    show the message beside that field."""

    def __init__(self, message: str, *, usage: str | None = None, field: str | None = None):
        super().__init__(message)
        self.usage = usage
        self.field = field


@dataclass
class Request:
    deps: Deps
    uow: SqlUnitOfWork
    actor: Actor
    now: datetime
    origin: Origin | None = None  # None: the person's own chat with the bot
    recorder: Recorder = field(default_factory=Recorder)
    #: While :meth:`as_one` runs: the summaries of the commits it holds back.
    held: list[str] | None = None

    @property
    def person(self) -> Person:
        return self.actor.person

    @property
    def today(self) -> date:
        return local_date(self.now, self.person.timezone)

    def customer(self, name: str, *, for_change: bool = True) -> Customer:
        """The workspace's customer of that name; for a change, one the actor may change."""
        found = self.uow.customers.by_name(workspace_id=self.actor.workspace.id, name=name)
        if found is None:
            raise ServiceError(
                f"No customer called {name!r}. See `customer list`.", field="customer"
            )
        if for_change:
            require_customer_access(self.uow, self.person, found)
            self.watch_customer(found.id)
        return found

    def require_visible(self, customer: Customer) -> None:
        """The actor may see the customer (an owner's cover too, while the owner is away)."""
        require_customer_view(self.uow, self.person, customer, now=self.now)

    def visible_customer(self, name: str) -> Customer:
        customer = self.customer(name, for_change=False)
        self.require_visible(customer)
        return customer

    def watch_customer(self, customer_id: int) -> None:
        """The customer and what hangs off it are about to change: keep them for ``undo``."""
        for table, column in CUSTOMER_ROWS:
            self.watch(table, column, customer_id)

    def watch(self, table: str, column: str, value: object) -> None:
        """The rows of ``table`` whose ``column`` is ``value`` are about to change."""
        self.uow.changes.watch(self.recorder, table, column, value)

    def created(self, table: str, **key: object) -> None:
        """A row this change created (removed again by ``undo``)."""
        self.uow.changes.created(self.recorder, table, key)

    def commit(self, summary: str) -> None:
        """Commit the change; ``summary`` says what it was, in words, so that ``undo`` can
        say what it reverts ("the change to Jane Doe at Acme: role now CFO")."""
        if self.held is not None:  # part of a larger change: committed with it, at its end
            self.held.append(summary)
            return
        if self.recorder.watches or self.recorder.created:
            self.uow.changes.record(
                self.recorder,
                person_id=self.person.id,
                workspace_id=self.actor.workspace.id,
                at=self.now,
                summary=summary,
            )
        self.uow.commit()
        self.reset()

    def as_one(self, work: Callable[[], T]) -> T:
        """``work`` (several changes that each commit) as one transaction and one change:
        committed once at its end, all or nothing, undone together."""
        outer, self.held = self.held, []
        try:
            result = work()
            held = self.held
        finally:
            self.held = outer
        if held:
            self.commit("; ".join(dict.fromkeys(held)))
        return result

    def reset(self) -> None:
        """Forget what was watched (after a commit, or a rollback before running again)."""
        self.recorder = Recorder()

    def offer(self, title: str) -> Offer:
        found = self.uow.offers.by_title(workspace_id=self.actor.workspace.id, title=title)
        if found is None:
            raise ServiceError(f"No offer called {title!r}. See `offer list`.")
        return found

    def person_ref(self, ref: UserRef) -> Person:
        return resolve_person(self.uow, self.actor, ref)

    def refresh(self, *customer_ids: int) -> None:
        refresh_customers(self.uow, list(customer_ids), now=self.now, policy=self.deps.policy)

    def audit(
        self, action: str, *, subject_type: str, subject_id: int | None, **detail: Any
    ) -> None:
        self.uow.audit.record(
            action,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=self.person.id,
            workspace_id=self.actor.workspace.id,
            at=self.now,
            **detail,
        )

    def person_name(self, person_id: int | None) -> str:
        if person_id is None:
            return "nobody"
        person = self.uow.people.get(person_id)
        return person.display_name if person else f"#{person_id}"
