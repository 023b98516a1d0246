"""A message the bot sent someone, read back for them (a digest's "Show all")."""

from __future__ import annotations

from bot.replies import Reply, error
from bot.services.context import Actor, Deps


def sent_reply(deps: Deps, actor: Actor, delivery_id: int) -> Reply:
    """The reply a delivery carried, for its recipient only."""
    with deps.reader() as uow:
        delivery = uow.deliveries.get(delivery_id)
    if delivery is None or delivery.recipient_id != actor.person.id:
        return error("That message is no longer kept, or was not sent to you.")
    return Reply.from_json(delivery.payload)
