"""Posting a reply to a Teams conversation: split into parts that fit (:mod:`bot.teams.split`),
each part with buttons kept in the database so its buttons can name it, and each part of a
delivery recorded once sent — a retried delivery sends only the parts still missing.

A part Teams refuses as too large (``413 MessageSizeTooBig``) is split in two and both halves
are sent at once; a single item still refused is :class:`~bot.delivery.ports.Rejected` with
the reason, never retried as it is.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.delivery.ports import DeliveryError, Rejected
from bot.replies import Reply
from bot.services.context import Deps
from bot.teams import cards, store
from bot.teams.connector import TooLarge
from bot.teams.split import PART_BUDGET, halves, keys_of, split, utf16_size
from bot.teams.summary import summarise

log = logging.getLogger(__name__)

Post = Callable[[dict[str, Any]], Awaitable[str | None]]
WIDEST_ID = 10**15  # the measure assumes a card id this wide


@dataclass(frozen=True, slots=True)
class Destination:
    conversation_id: str
    person_id: int  # whose buttons these are: only they may press them
    refresh_for: tuple[str, ...] = ()  # Teams user ids (29:…) whose client refreshes the card
    envelope: tuple[tuple[str, Any], ...] = ()  # fields every activity carries (sender, tenant)


def measure(
    destination: Destination, *, show_all: Mapping[str, Any] | None = None
) -> Callable[[Reply], int]:
    def size(part: Reply) -> int:
        activity = cards.message(
            part, card_id=WIDEST_ID, refresh_for=destination.refresh_for, show_all=show_all
        )
        return utf16_size({**activity, **dict(destination.envelope)})

    return size


def plan(
    reply: Reply,
    *,
    size: Callable[[Reply], int],
    budget: int,
    skip: Collection[str],
    sent: int,
    summary: bool,
) -> list[Reply]:
    """The parts to send: a digest too long for one message summarised first (``summary``:
    its long sections can be shown in full on request)."""
    if summary and reply.kind == "digest" and size(reply) > budget:
        reply = summarise(reply)
    return split(reply, size=size, budget=budget, skip=skip, sent=sent)


async def post_reply(
    deps: Deps,
    reply: Reply,
    *,
    to: Destination,
    post: Post,
    delivery_id: int | None = None,
    budget: int = PART_BUDGET,
    show_all: Mapping[str, Any] | None = None,
) -> list[str]:
    """Post ``reply`` in as many parts as it needs (each activity at most ``budget`` UTF-16
    bytes); returns the activity ids (those of parts sent by an earlier attempt of the same
    delivery included). ``show_all``: where a summarised digest's "Show all" finds the whole
    reply again (the delivery, or the command); without it nothing is summarised."""
    sent_ids: list[str] = []
    skip: set[str] = set()
    if delivery_id is not None:
        earlier = await asyncio.to_thread(
            store.progress, deps, delivery_id=delivery_id, conversation_id=to.conversation_id
        )
        for card in earlier:
            sent_ids.append(card.activity_id or "")
            skip.update(keys_of(Reply.from_json(card.reply)))
    # Measuring a long reply renders it piece by piece (a few hundred ms for a big digest):
    # off the event loop, which keeps answering people meanwhile.
    parts = await asyncio.to_thread(
        functools.partial(
            plan,
            reply,
            size=measure(to, show_all=show_all),
            budget=budget,
            skip=skip,
            sent=len(sent_ids),
            summary=show_all is not None,
        )
    )
    queue = list(parts)
    while queue:
        part = queue.pop(0)
        try:
            sent_ids.append(
                await _post_part(
                    deps, part, to=to, post=post, delivery_id=delivery_id, show_all=show_all
                )
            )
        except TooLarge as exc:
            split_part = halves(part)
            if split_part is None:
                raise Rejected(f"one item is too large for Teams even on its own ({exc})") from exc
            log.warning("Teams refused a part as too large; sending it in two: %s", exc)
            queue[:0] = list(split_part)
    return sent_ids


async def _post_part(
    deps: Deps,
    part: Reply,
    *,
    to: Destination,
    post: Post,
    delivery_id: int | None,
    show_all: Mapping[str, Any] | None,
) -> str:
    kept = delivery_id is not None or cards.has_open_actions(part)
    card_id = None
    if kept:
        card_id = await asyncio.to_thread(
            store.keep,
            deps,
            person_id=to.person_id,
            conversation_id=to.conversation_id,
            part=int(part.fields.get(cards.PART, "1")),
            reply=part,
            delivery_id=delivery_id,
        )
    activity = {
        **cards.message(part, card_id=card_id, refresh_for=to.refresh_for, show_all=show_all),
        **dict(to.envelope),
    }
    try:
        activity_id = await post(activity)
    except DeliveryError:
        if card_id is not None:
            await asyncio.to_thread(store.drop, deps, card_id)
        raise
    if card_id is not None:
        await asyncio.to_thread(store.mark_sent, deps, card_id, activity_id=activity_id)
    return activity_id or ""
