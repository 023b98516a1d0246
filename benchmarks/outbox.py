"""Fill the outbox with a morning's daily messages that are genuinely sendable now: each carries
up to three nudges about customers of its recipient that are quiet (amber or red) at the
outbox's clock, so that composing it at send time finds every item still to do, as the sweep
would have planned them.

A quiet nudge about an account touched within its cadence is not something to do any more:
the outbox reads a message's items just before sending it and, when none is left, records the
message as sent with nothing to say, without calling the platform. Nudges about customers
picked regardless of their state (as this module did before) made most messages empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.bootstrap import Container
from bot.delivery.compose import daily_message
from bot.services.nudge_text import is_actionable
from nudges.calendar import local_date
from nudges.model import (
    Customer,
    DeliveryKind,
    DeliveryState,
    Nudge,
    NudgeReason,
    NudgeState,
    Person,
)
from nudges.policy import Policy
from nudges.quiet import quiet_status
from storage.bulk import BulkLoader
from storage.tables import customer_t, delivery_item_t, delivery_t, nudge_t, workspace_t

NUDGES_PER_DELIVERY = 3
#: Customers read at a time while looking for quiet ones.
CHUNK = 2_000
NUDGE_COLUMNS = (
    "id", "dedupe_key", "customer_id", "recipient_id", "reason", "level", "due_on", "deliver_on",
    "priority", "ritual", "detail", "facts", "state", "created_at", "updated_at",
)  # fmt: skip
DELIVERY_COLUMNS = (
    "id", "dedupe_key", "recipient_id", "platform", "kind", "slot_at", "payload", "state",
    "attempts", "next_attempt_at", "created_at",
)  # fmt: skip


class NothingToSend(RuntimeError):
    """The book has no customer that is quiet now: no message would have anything to say."""


@dataclass(frozen=True)
class Quiet:
    """A customer to nudge its owner about now."""

    customer_id: int
    level: str
    days: int


@dataclass(frozen=True)
class Loaded:
    deliveries: int
    recipients: int
    customers: int  # distinct customers the messages are about
    nudges: int


def quiet_nudge(
    customer: Customer, owner: Person, *, now: datetime, policy: Policy
) -> Quiet | None:
    """The customer as a quiet nudge for its owner, if the outbox would still say it at ``now``
    (the same test as when it composes a message: :func:`is_actionable`)."""
    status = quiet_status(customer, now=now, policy=policy, tz_name=owner.timezone)
    nudge = Nudge(
        dedupe_key="",
        customer_id=customer.id or 0,
        recipient_id=owner.id or 0,
        reason=NudgeReason.QUIET,
        due_on=local_date(now, owner.timezone),
        priority=50.0,
        ritual="call",
        detail="",
        state=NudgeState.DELIVERED,
        level=status.level.value,
    )
    if not is_actionable(nudge, customer, now=now, policy=policy, timezone=owner.timezone):
        return None
    return Quiet(customer.id or 0, status.level.value, status.days_quiet)


def _customer_chunks(container: Container) -> Iterator[list[int]]:
    with container.engine.connect() as connection:
        ids = list(
            connection.scalars(
                select(customer_t.c.id)
                .where(customer_t.c.archived.is_(False))
                .order_by(customer_t.c.id)
            )
        )
        connection.rollback()
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def quiet_by_owner(
    container: Container, *, now: datetime, enough: int
) -> tuple[dict[int, list[Quiet]], dict[int, Person]]:
    """The book's customers that are quiet at ``now``, by owner (reachable owners only), read
    until ``enough`` are found."""
    policy = container.deps.policy
    found: dict[int, list[Quiet]] = {}
    owners: dict[int, Person] = {}
    total = 0
    for chunk in _customer_chunks(container):
        with container.deps.reader() as uow:
            customers = uow.customers.get_many(chunk)
            missing = {c.owner_id for c in customers} - set(owners)
            owners.update((p.id or 0, p) for p in uow.people.get_many(missing))
        for customer in customers:
            owner = owners.get(customer.owner_id)
            if owner is None or owner.unreachable:
                continue
            quiet = quiet_nudge(customer, owner, now=now, policy=policy)
            if quiet is not None:
                found.setdefault(customer.owner_id, []).append(quiet)
                total += 1
        if total >= enough:
            break
    return found, {i: owners[i] for i in found}


def _morning(found: dict[int, list[Quiet]], *, count: int) -> Iterator[tuple[int, list[Quiet]]]:
    """``count`` messages, the recipients taken in turn (one message each, then a second
    each...), each about the next few of its recipient's quiet customers."""
    owners = sorted(found)
    turns = {owner: 0 for owner in owners}
    for d in range(count):
        owner = owners[d % len(owners)]
        mine = found[owner]
        take = min(NUDGES_PER_DELIVERY, len(mine))
        start = turns[owner]
        turns[owner] = start + take
        yield owner, [mine[(start + k) % len(mine)] for k in range(take)]


def load_deliveries(container: Container, *, count: int) -> Loaded:
    """``count`` pending daily messages, due a minute ago, to the owners of quiet customers."""
    now = container.deps.clock.now()
    slot = now - timedelta(minutes=1)
    found, owners = quiet_by_owner(container, now=now, enough=count * NUDGES_PER_DELIVERY)
    if not found:
        raise NothingToSend(f"no customer of the book is quiet at {now.isoformat()}")
    with container.engine.connect() as connection:
        platforms = dict(connection.execute(select(workspace_t.c.id, workspace_t.c.platform)).all())
        connection.rollback()
    nudges: list[tuple[object, ...]] = []
    deliveries: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []
    about: set[int] = set()
    recipients: set[int] = set()
    with container.engine.begin() as connection:
        loader = BulkLoader(connection)
        for owner_id, quiet in _morning(found, count=count):
            person = owners[owner_id]
            delivery_id = loader.take_id(delivery_t)
            for position, q in enumerate(quiet):
                nudge_id = loader.take_id(nudge_t)
                nudges.append(
                    (
                        nudge_id, f"bench:{nudge_id}", q.customer_id, owner_id,
                        NudgeReason.QUIET.value, q.level, local_date(now, person.timezone), None,
                        50.0, "call", f"Quiet for {q.days} days",
                        json.dumps([["days_quiet", str(q.days)]]), NudgeState.DELIVERED.value,
                        now, now,
                    )
                )  # fmt: skip
                items.append((delivery_id, nudge_id, position))
                about.add(q.customer_id)
            recipients.add(owner_id)
            deliveries.append(
                (
                    delivery_id, f"bench:{delivery_id}", owner_id,
                    platforms[person.workspace_id], DeliveryKind.NUDGES.value, slot,
                    daily_message(person, waiting=0).to_json(), DeliveryState.PENDING.value, 0,
                    slot, now,
                )
            )  # fmt: skip
        loader.insert(nudge_t, NUDGE_COLUMNS, nudges)
        loader.insert(delivery_t, DELIVERY_COLUMNS, deliveries)
        loader.insert(delivery_item_t, ("delivery_id", "nudge_id", "position"), items)
        loader.sync_sequences((nudge_t, delivery_t))
    return Loaded(
        deliveries=len(deliveries), recipients=len(recipients), customers=len(about),
        nudges=len(nudges),
    )  # fmt: skip
