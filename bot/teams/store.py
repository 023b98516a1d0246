"""The cards the bot sent in Teams, kept in the database: what a button redraws, and how far a
message sent in several parts got. Synchronous (one short unit of work each); callers run them
off the event loop."""

from __future__ import annotations

from bot.replies import Reply
from bot.services.context import Deps
from storage.repositories.teams import TeamsCard


def keep(
    deps: Deps,
    *,
    person_id: int,
    conversation_id: str,
    part: int,
    reply: Reply,
    delivery_id: int | None = None,
) -> int:
    with deps.uow() as uow:
        card = uow.teams_cards.add(
            person_id=person_id,
            delivery_id=delivery_id,
            conversation_id=conversation_id,
            part=part,
            reply=reply.to_json(),
            now=deps.clock.now(),
        )
        uow.commit()
    return card.id


def mark_sent(deps: Deps, card_id: int, *, activity_id: str | None) -> None:
    with deps.uow() as uow:
        uow.teams_cards.sent(card_id, activity_id=activity_id, now=deps.clock.now())
        uow.commit()


def drop(deps: Deps, card_id: int) -> None:
    with deps.uow() as uow:
        uow.teams_cards.remove(card_id)
        uow.commit()


def progress(deps: Deps, *, delivery_id: int, conversation_id: str) -> list[TeamsCard]:
    """The parts of a delivery already sent to a conversation; parts an earlier attempt
    prepared but did not send are forgotten."""
    with deps.uow() as uow:
        repo = uow.teams_cards
        cards = repo.of_delivery(delivery_id, conversation_id)
        for card in cards:
            if card.sent_at is None:
                repo.remove(card.id)
        uow.commit()
    return [c for c in cards if c.sent_at is not None]


def card_of(deps: Deps, card_id: int, *, person_id: int) -> tuple[TeamsCard, Reply] | None:
    """A card and its reply, if it is this person's: nobody presses another person's buttons."""
    with deps.reader() as uow:
        card = uow.teams_cards.get(card_id)
    if card is None or card.person_id != person_id:
        return None
    return card, Reply.from_json(card.reply)


def redraw(deps: Deps, card_id: int, reply: Reply) -> None:
    with deps.uow() as uow:
        uow.teams_cards.redrawn(card_id, reply=reply.to_json())
        uow.commit()
