"""Fill the outbox with deliveries ready to send: daily messages of three nudges each, for the
owners of the book's customers, as a sweep would have planned them."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import Container
from bot.delivery.compose import daily_message
from nudges.model import DeliveryKind, DeliveryState, NudgeReason, NudgeState
from storage.bulk import BulkLoader
from storage.tables import customer_t, delivery_item_t, delivery_t, nudge_t, workspace_t

NUDGES_PER_DELIVERY = 3
NUDGE_COLUMNS = (
    "id", "dedupe_key", "customer_id", "recipient_id", "reason", "level", "due_on", "deliver_on",
    "priority", "ritual", "detail", "facts", "state", "created_at", "updated_at",
)  # fmt: skip
DELIVERY_COLUMNS = (
    "id", "dedupe_key", "recipient_id", "platform", "kind", "slot_at", "payload", "state",
    "attempts", "next_attempt_at", "created_at",
)  # fmt: skip


def load_deliveries(container: Container, *, count: int) -> None:
    now = container.deps.clock.now()
    slot = now - timedelta(minutes=1)
    wanted = count * NUDGES_PER_DELIVERY
    with container.engine.connect() as connection:
        owned = connection.execute(
            select(customer_t.c.id, customer_t.c.owner_id, customer_t.c.workspace_id)
            .where(customer_t.c.archived.is_(False))
            .order_by(customer_t.c.id)
            .limit(wanted)
        ).all()
        platforms = dict(connection.execute(select(workspace_t.c.id, workspace_t.c.platform)).all())
        connection.rollback()
    with container.deps.uow() as uow:
        people = {p.id: p for p in uow.people.get_many({row[1] for row in owned})}
    with container.engine.begin() as connection:
        loader = BulkLoader(connection)
        nudges: list[tuple[object, ...]] = []
        deliveries: list[tuple[object, ...]] = []
        items: list[tuple[object, ...]] = []
        for d in range(count):
            _, owner_id, workspace_id = owned[(d * NUDGES_PER_DELIVERY) % len(owned)]
            delivery_id = loader.take_id(delivery_t)
            for position in range(NUDGES_PER_DELIVERY):
                cid = owned[(d * NUDGES_PER_DELIVERY + position) % len(owned)][0]
                nudge_id = loader.take_id(nudge_t)
                nudges.append(
                    (
                        nudge_id,
                        f"bench:{nudge_id}",
                        cid,
                        owner_id,
                        NudgeReason.QUIET.value,
                        "amber",
                        now.date(),
                        None,
                        50.0,
                        "call",
                        "Quiet for 40 days",
                        json.dumps([["days_quiet", "40"]]),
                        NudgeState.DELIVERED.value,
                        now,
                        now,
                    )
                )
                items.append((delivery_id, nudge_id, position))
            person = people[owner_id]
            deliveries.append(
                (
                    delivery_id,
                    f"bench:{delivery_id}",
                    owner_id,
                    platforms[workspace_id],
                    DeliveryKind.NUDGES.value,
                    slot,
                    daily_message(person, waiting=0).to_json(),
                    DeliveryState.PENDING.value,
                    0,
                    slot,
                    now,
                )
            )
        loader.insert(nudge_t, NUDGE_COLUMNS, nudges)
        loader.insert(delivery_t, DELIVERY_COLUMNS, deliveries)
        loader.insert(delivery_item_t, ("delivery_id", "nudge_id", "position"), items)
        loader.sync_sequences((nudge_t, delivery_t))
