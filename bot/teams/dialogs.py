"""The *Log…* dialog (a Teams task module): the same form as Slack's modal — ritual from the
playbook, contact, note and date, starting at the person's own today.

*Log…* on a card is an ``Action.Submit`` with ``msteams.type = task/fetch``: Teams asks for the
dialog (``task/fetch``) and posts its inputs when sent (``task/submit``). A refused touch (a
date in the future, a customer gone) shows the form again with the reason above it, as Slack's
inline errors do; a logged one closes it with a short confirmation, and the card the button
sat on is redrawn with the item done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.bootstrap import Container
from bot.commands import LogTouch
from bot.replies import Reply, Tone, nudge_of
from bot.services.context import Actor
from bot.services.lookups import customer_of_nudge
from bot.teams.actions import card_number, marked
from bot.teams.cards import CARD_SCHEMA, CARD_VERSION, DATA_CARD, DATA_REF, DATA_VERB, attachment
from bot.teams.markdown import escape

RITUAL, CONTACT, NOTE, DATE = "ritual", "contact", "note", "date"
MESSAGE = "msg"  # the activity the card is, to redraw it once the touch is logged
TITLE = "Log a touch"
MAX_CHOICES = 100


@dataclass(frozen=True, slots=True)
class LogRequest:
    """What a dialog is about: the nudge, the card and message its button was on."""

    nudge_id: int
    target: str
    card_id: int | None
    message_id: str | None


def log_request(value: Any, *, message_id: str | None = None) -> LogRequest | None:
    """From ``task/fetch`` or ``task/submit``'s value (``{"data": {...}}``)."""
    data = value.get("data") if isinstance(value, dict) else None
    if not isinstance(data, dict):
        return None
    target = data.get(DATA_REF)
    number = nudge_of(target) if isinstance(target, str) else None
    if number is None or not isinstance(target, str):
        return None
    given = data.get(MESSAGE)
    return LogRequest(
        nudge_id=number,
        target=target,
        card_id=card_number(data),
        message_id=given if isinstance(given, str) and given else message_id,
    )


def rituals(container: Container) -> list[tuple[str, str]]:
    """The playbook's rituals, (name, label), as the form offers them."""
    return [(r.name, r.label) for r in container.deps.policy.playbook]


def customer_of(container: Container, nudge_id: int) -> str | None:
    return customer_of_nudge(container.deps, nudge_id)


def form(
    request: LogRequest,
    *,
    customer: str,
    rituals: Sequence[tuple[str, str]],
    today: date,
    problem: str | None = None,
    given: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The dialog's answer to ``task/fetch`` (or to a refused ``task/submit``)."""
    given = given or {}
    body: list[dict[str, Any]] = []
    if problem:
        body.append(
            {
                "type": "TextBlock",
                "text": escape(problem, html=False),
                "wrap": True,
                "color": "attention",
            }
        )
    body += [
        {
            "type": "TextBlock",
            "text": f"Log a touch with **{escape(customer, strong=True, html=False)}**",
            "wrap": True,
        },
        {
            "type": "Input.ChoiceSet",
            "id": RITUAL,
            "label": "Ritual",
            "style": "compact",
            "placeholder": "Call, coffee, card…",
            "choices": [
                {"title": label[:75], "value": name} for name, label in rituals[:MAX_CHOICES]
            ],
            **({"value": given[RITUAL]} if given.get(RITUAL) else {}),
        },
        {
            "type": "Input.Text",
            "id": CONTACT,
            "label": "Contact",
            "maxLength": 200,
            "value": given.get(CONTACT, ""),
        },
        {
            "type": "Input.Text",
            "id": NOTE,
            "label": "Note",
            "isMultiline": True,
            "maxLength": 2000,
            "value": given.get(NOTE, ""),
        },
        {
            "type": "Input.Date",
            "id": DATE,
            "label": "Date",
            "value": given.get(DATE) or today.isoformat(),
        },
    ]
    data: dict[str, Any] = {DATA_VERB: "log", DATA_REF: request.target}
    if request.card_id is not None:
        data[DATA_CARD] = request.card_id
    if request.message_id:
        data[MESSAGE] = request.message_id
    card = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "actions": [{"type": "Action.Submit", "title": "Log", "data": data}],
    }
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": TITLE,
                "width": "medium",
                "height": "medium",
                "card": attachment(card),
            },
        }
    }


def closed(text: str) -> dict[str, Any]:
    """The dialog closed with a short confirmation."""
    return {"task": {"type": "message", "value": text}}


@dataclass(frozen=True, slots=True)
class Logged:
    response: dict[str, Any]  # the invoke's body
    card: tuple[int, Reply] | None  # the card to redraw (its item now done)


def submit(container: Container, actor: Actor, request: LogRequest, value: Any) -> Logged:
    """Log the touch from a submitted dialog; the form again, with the reason, if refused."""
    raw = value.get("data") if isinstance(value, dict) else None
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    given = {k: str(data.get(k) or "").strip() for k in (RITUAL, CONTACT, NOTE, DATE)}
    today = actor.today(container.deps.clock.now())
    customer = customer_of(container, request.nudge_id)
    offered = rituals(container)

    def again(problem: str) -> Logged:
        shown = customer or "this customer"
        return Logged(
            form(
                request, customer=shown, rituals=offered, today=today, problem=problem, given=given
            ),
            None,
        )

    if customer is None:
        return Logged(closed("That nudge no longer exists."), None)
    day: date | None = None
    if given[DATE]:
        try:
            day = date.fromisoformat(given[DATE])
        except ValueError:
            return again(f"{given[DATE]!r} is not a date: pick one, or write YYYY-MM-DD.")
    command = LogTouch(
        customer=customer,
        ritual=given[RITUAL] or None,
        note=given[NOTE] or None,
        contact=given[CONTACT] or None,
        on=None if day == today else day,
    )
    reply = container.commands.log_touch(actor, command, nudge_id=request.nudge_id)
    if reply.tone is not Tone.SUCCESS:
        return again(reply.text)
    card = marked(container, actor, request.card_id, ref=request.target, state=reply.text)
    return Logged(closed(reply.text), card)
