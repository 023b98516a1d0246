"""Buttons on a card. Teams sends the button's data merged with the card's inputs: as an
``adaptiveCard/action`` invoke for ``Action.Execute`` (the verb beside the data), or as a
``message`` whose ``value`` is the data for the ``Action.Submit`` fallback (the verb inside).

The verb answers the item through the command service (any verb it knows: Done, Snooze for the
chosen time, Skip, …); the stored card the button sat on is then redrawn with the item's new
state. A card Teams asks to *refresh* is redrawn from the database as it stands: an item
answered elsewhere shows its state instead of its buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.bootstrap import Container
from bot.commands import ParseError, UserRef, parse_relative_until
from bot.replies import DEFAULT_SNOOZE, Reply, Verb, error, nudge_of
from bot.services.context import Actor
from bot.services.sent import as_it_stands
from bot.teams import store
from bot.teams.cards import DATA_CARD, DATA_REF, DATA_VERB, input_id


@dataclass(frozen=True, slots=True)
class CardAction:
    verb: Verb
    target: str  # e.g. "nudge:42"
    nudge_id: int
    card_id: int | None
    inputs: Mapping[str, str]  # every text value the card submitted

    def input(self, verb: Verb) -> str | None:
        raw = self.inputs.get(input_id(self.target, verb), "")
        return raw.strip() or None


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Reply  # what to say when the card cannot show it
    card: tuple[int, Reply] | None  # the stored card redrawn, when the item changed


def parse_action(value: Any, *, verb: str | None = None) -> CardAction | None:
    """The button behind a submitted ``value`` (``Action.Submit``) or, with ``verb``, behind an
    ``Action.Execute``'s data; None for anything else."""
    if not isinstance(value, dict):
        return None
    raw_verb = verb if verb is not None else value.get(DATA_VERB)
    target = value.get(DATA_REF)
    if not isinstance(raw_verb, str) or not isinstance(target, str):
        return None
    try:
        parsed = Verb(raw_verb)
    except ValueError:
        return None
    number = nudge_of(target)
    if number is None:
        return None
    return CardAction(
        verb=parsed,
        target=target,
        nudge_id=number,
        card_id=card_number(value),
        inputs={k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)},
    )


def card_number(value: Any) -> int | None:
    raw = value.get(DATA_CARD) if isinstance(value, dict) else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return int(raw)
    return None


def answer(container: Container, actor: Actor, action: CardAction) -> Outcome:
    until = None
    if action.verb is Verb.SNOOZE:
        today = actor.today(container.deps.clock.now())
        parsed = parse_relative_until(action.input(Verb.SNOOZE) or DEFAULT_SNOOZE, today=today)
        if isinstance(parsed, ParseError):
            return Outcome(error(parsed.message), None)
        until = parsed
    typed = action.input(Verb.REASSIGN) if action.verb is Verb.REASSIGN else None
    to = UserRef(typed, name=typed.removeprefix("@").strip()) if typed else None
    reply, state = container.commands.answer(
        actor, nudge_id=action.nudge_id, verb=action.verb, until=until, to=to
    )
    if state is None:
        return Outcome(reply, refreshed(container, actor, action.card_id))
    return Outcome(reply, marked(container, actor, action.card_id, ref=action.target, state=state))


def marked(
    container: Container, actor: Actor, card_id: int | None, *, ref: str, state: str
) -> tuple[int, Reply] | None:
    """The stored card with one item marked (its buttons gone), kept as redrawn."""
    found = store.card_of(container.deps, card_id, person_id=actor.person.id) if card_id else None
    if found is None:
        return None
    card, reply = found
    redrawn = reply.with_item_state(ref, state)
    store.redraw(container.deps, card.id, redrawn)
    return card.id, redrawn


def refreshed(container: Container, actor: Actor, card_id: int | None) -> tuple[int, Reply] | None:
    """The stored card as the database stands: items answered meanwhile show their state."""
    found = store.card_of(container.deps, card_id, person_id=actor.person.id) if card_id else None
    if found is None:
        return None
    card, reply = found
    redrawn = as_it_stands(container.deps, reply)
    if redrawn != reply:
        store.redraw(container.deps, card.id, redrawn)
    return card.id, redrawn
