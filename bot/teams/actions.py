"""Buttons on a card: Teams posts a ``message`` whose ``value`` is the button's ``data`` merged
with the card's inputs. Done (with the note, if any, as the touch's note), Snooze (for the
chosen time) and Skip answer the nudge through the command service; the card is then redrawn
with the item's new state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.bootstrap import Container
from bot.commands import LogTouch, ParseError, parse_relative_until
from bot.replies import Reply, Verb, error
from bot.services.context import Actor
from bot.teams.cards import REPLY_INPUT, note_input, until_input

NUDGE_PREFIX = "nudge:"
DEFAULT_SNOOZE = "1w"


@dataclass(frozen=True, slots=True)
class CardAction:
    verb: Verb
    ref: str
    nudge_id: int
    until: str | None
    note: str | None
    card: Reply | None  # the card as sent, to redraw in place


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Reply
    card: Reply | None  # the redrawn card, when the item changed


def parse_action(value: Any) -> CardAction | None:
    """The card action in a submitted ``value``; None when it is not one of ours."""
    if not isinstance(value, dict) or not isinstance(value.get("verb"), str):
        return None
    ref = str(value.get("ref") or "")
    try:
        verb = Verb(value["verb"])
        nudge_id = int(ref.removeprefix(NUDGE_PREFIX)) if ref.startswith(NUDGE_PREFIX) else -1
    except ValueError:
        return None
    if nudge_id < 0:
        return None
    card = None
    raw = value.get(REPLY_INPUT)
    if isinstance(raw, str) and raw:
        try:
            card = Reply.from_json(raw)
        except (ValueError, KeyError, TypeError):
            card = None
    return CardAction(
        verb=verb,
        ref=ref,
        nudge_id=nudge_id,
        until=_text(value.get(until_input(ref))),
        note=_text(value.get(note_input(ref))),
        card=card,
    )


def _text(raw: Any) -> str | None:
    return raw.strip() or None if isinstance(raw, str) else None


def answer(container: Container, actor: Actor, action: CardAction) -> Outcome:
    """Apply the action (synchronous: it runs units of work)."""
    commands = container.commands
    if action.verb in (Verb.DONE, Verb.LOG) and action.note:
        return _log_with_note(container, actor, action)
    until = None
    if action.verb is Verb.SNOOZE:
        today = actor.today(container.deps.clock.now())
        parsed = parse_relative_until(action.until or DEFAULT_SNOOZE, today=today)
        if isinstance(parsed, ParseError):
            return Outcome(error(parsed.message), None)
        until = parsed
    verb = Verb.DONE if action.verb is Verb.LOG else action.verb
    reply, state = commands.answer(
        actor,
        nudge_id=action.nudge_id,
        verb=verb,
        until=until,
        reason=action.note if verb is Verb.SKIP else None,
    )
    return Outcome(reply, _redrawn(action, state))


def _log_with_note(container: Container, actor: Actor, action: CardAction) -> Outcome:
    with container.deps.uow() as uow:
        nudge = uow.nudges.get(action.nudge_id)
        customer = uow.customers.get(nudge.customer_id) if nudge is not None else None
    if nudge is None or customer is None:
        return Outcome(error("That nudge no longer exists."), None)
    if nudge.state.value not in ("open", "delivered", "snoozed"):
        return Outcome(
            error(f"That nudge about {customer.name} is already {nudge.state.value}."), None
        )
    command = LogTouch(customer=customer.name, ritual=nudge.ritual, note=action.note)
    reply = container.commands.log_touch(actor, command, nudge_id=action.nudge_id)
    if reply.tone.value != "success":
        return Outcome(reply, None)
    return Outcome(reply, _redrawn(action, f"done: {nudge.ritual or 'touch'} logged with a note"))


def _redrawn(action: CardAction, state: str | None) -> Reply | None:
    if state is None or action.card is None:
        return None
    return action.card.with_item_state(action.ref, state)
