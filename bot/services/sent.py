"""A message the bot sent someone, read back for them (a digest's "Show all"), or redrawn as
things stand (items answered meanwhile show how they ended)."""

from __future__ import annotations

from bot.replies import Reply, error, nudge_of
from bot.services.context import Actor, Deps
from nudges.model import Nudge, NudgeState
from nudges.suppress import AWAITING_ANSWER


def sent_reply(deps: Deps, actor: Actor, delivery_id: int) -> Reply:
    """The reply a delivery carried, for its recipient only."""
    found = shown_to(deps, actor, delivery_id)
    return found or error("That message is no longer kept, or was not sent to you.")


def shown_to(
    deps: Deps, actor: Actor, delivery_id: int, *, channel_id: str | None = None
) -> Reply | None:
    """The reply a delivery carried, if ``actor`` may see it again: in their own chat, a
    message sent to them; in a channel (``channel_id``), a digest posted there, which whoever
    reads the channel sees. None when it is gone or not theirs to see."""
    with deps.reader() as uow:
        delivery = uow.deliveries.get(delivery_id)
        if delivery is None:
            return None
        if channel_id is None:
            allowed = delivery.recipient_id == actor.person.id
        else:
            chosen = uow.digest_channels.get(delivery.recipient_id)
            allowed = chosen is not None and chosen.channel_id == channel_id
    return Reply.from_json(delivery.payload) if allowed else None


def as_it_stands(deps: Deps, reply: Reply) -> Reply:
    """``reply`` with each item whose nudge no longer waits for an answer marked with how it
    ended (its buttons gone)."""
    waiting = {
        item.ref: number
        for section in reply.sections
        for item in section.items
        if not item.state and (number := nudge_of(item.ref)) is not None
    }
    with deps.reader() as uow:
        nudges = {n.id: n for n in uow.nudges.get_many(sorted(set(waiting.values())))}
    for ref, number in waiting.items():
        state = ended(nudges.get(number))
        if ref is not None and state is not None:
            reply = reply.with_item_state(ref, state)
    return reply


def ended(nudge: Nudge | None) -> str | None:
    """How an item reads once its nudge is no longer waiting for an answer (None: it is)."""
    if nudge is None:
        return "no longer open"
    if nudge.state in AWAITING_ANSWER:
        return None
    if nudge.state is NudgeState.SNOOZED and nudge.snoozed_until is not None:
        return f"snoozed until {nudge.snoozed_until.isoformat()}"
    return nudge.state.value
