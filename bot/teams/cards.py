"""Replies as Adaptive Cards 1.5: the daily message with its buttons, digests, lists.

Every button is an ``Action.Submit`` whose ``data`` carries a ``verb`` and the item's ``ref``.
Teams sends the data back, merged with the card's input values, as a ``message`` activity with
``value``. A hidden input carries the reply itself, so the card can be redrawn in place with
the answered item's new state (see :mod:`bot.teams.actions`).
"""

from __future__ import annotations

from typing import Any

from bot.replies import Action, Item, Reply, Section, Tone, Verb
from bot.teams.markdown import escape

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
REPLY_INPUT = "reply"  # the hidden input that carries the reply (JSON)

_COLORS = {Tone.ERROR: "attention", Tone.WARNING: "warning", Tone.SUCCESS: "good"}
# "Log…" needs no button of its own: Done with a note logs the touch with that note.
_BUTTON_VERBS = (Verb.DONE, Verb.SNOOZE, Verb.SKIP)
_NUMBERED = ("nudges", "digest")


def until_input(ref: str) -> str:
    return f"{ref}/until"


def note_input(ref: str) -> str:
    return f"{ref}/note"


def needs_card(reply: Reply) -> bool:
    """Short replies go as text; sections and multi-line text (help) are cards."""
    return bool(reply.sections) or "\n" in reply.text.strip()


def render_card(reply: Reply) -> dict[str, Any]:
    """The Adaptive Card 1.5 for a reply (user text escaped)."""
    first, _, rest = reply.text.strip().partition("\n")
    title = _text(first, weight="Bolder", size="Medium", tone=reply.tone)
    body: list[dict[str, Any]] = [title, *_lines(rest)]
    interactive = False
    for section in reply.sections:
        body.extend(_section(section, numbered=reply.kind in _NUMBERED))
        interactive = interactive or any(i.actions and not i.state for i in section.items)
    if reply.footer:
        body.append(_text(reply.footer, subtle=True))
    if interactive:
        body.append(
            {"type": "Input.Text", "id": REPLY_INPUT, "value": reply.to_json(), "isVisible": False}
        )
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }


def _text(
    text: str,
    *,
    weight: str | None = None,
    size: str | None = None,
    subtle: bool = False,
    tone: Tone = Tone.INFO,
    spacing: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": escape(text), "wrap": True}
    if weight:
        block["weight"] = weight
    if size:
        block["size"] = size
    if subtle:
        block["isSubtle"] = True
    if tone in _COLORS:
        block["color"] = _COLORS[tone]
    if spacing:
        block["spacing"] = spacing
    return block


def _lines(text: str) -> list[dict[str, Any]]:
    """Multi-line text (help): a block per line, so no renderer merges them; indented lines
    explain the unindented one above them."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        indented = line.startswith(" ")
        block = _text(
            line.strip(),
            weight=None if indented else "Bolder",
            subtle=indented,
            spacing="Medium" if gap else "None",
        )
        blocks.append(block)
        gap = False
    return blocks


def _section(section: Section, *, numbered: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if section.heading:
        out.append(_text(section.heading, weight="Bolder", spacing="Large"))
    for index, item in enumerate(section.items, start=1):
        out.append(_item(item, number=index if numbered else None))
    if section.note:
        out.append(_text(section.note, subtle=True))
    return out


def _item(item: Item, *, number: int | None) -> dict[str, Any]:
    title = escape(item.title)
    if number is not None:
        title = f"{number}\\. {title}"
    items: list[dict[str, Any]] = [{"type": "TextBlock", "text": f"**{title}**", "wrap": True}]
    if item.state:
        items.append(_text(f"✓ {item.state[0].upper()}{item.state[1:]}", tone=Tone.SUCCESS))
    items.extend(_text(line, subtle=True, spacing="None") for line in item.lines)
    if item.fields:
        items.append(
            {
                "type": "FactSet",
                "facts": [{"title": escape(k), "value": escape(v)} for k, v in item.fields],
            }
        )
    if item.actions and not item.state and item.ref:
        items.extend(_controls(item.ref, item.actions))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _controls(ref: str, actions: tuple[Action, ...]) -> list[dict[str, Any]]:
    by_verb = {a.verb: a for a in actions}
    out: list[dict[str, Any]] = []
    snooze = by_verb.get(Verb.SNOOZE)
    if snooze is not None and snooze.choices:
        out.append(
            {
                "type": "Input.ChoiceSet",
                "id": until_input(ref),
                "label": "Snooze for",
                "style": "compact",
                "value": snooze.choices[min(1, len(snooze.choices) - 1)][0],
                "choices": [{"title": label, "value": value} for value, label in snooze.choices],
            }
        )
    if Verb.DONE in by_verb or Verb.LOG in by_verb:
        out.append(
            {
                "type": "Input.Text",
                "id": note_input(ref),
                "placeholder": "Note (optional): what did you talk about?",
                "maxLength": 500,
                "isMultiline": False,
            }
        )
    buttons = [
        {
            "type": "Action.Submit",
            "title": _label(by_verb[verb]),
            "data": {"verb": verb.value, "ref": ref},
        }
        for verb in _BUTTON_VERBS
        if verb in by_verb
    ]
    if buttons:
        out.append({"type": "ActionSet", "actions": buttons})
    return out


def _label(action: Action) -> str:
    return action.label.rstrip("…") or action.verb.value.title()


def attachment(reply: Reply) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": render_card(reply)}


def message(reply: Reply) -> dict[str, Any]:
    """The outgoing ``message`` activity (JSON) for a reply: text, or a card with a summary."""
    if not needs_card(reply):
        text = escape(reply.text)
        if reply.footer:
            text += "\n\n" + escape(reply.footer)
        return {"type": "message", "text": text, "textFormat": "markdown"}
    return {"type": "message", "summary": reply.text, "attachments": [attachment(reply)]}
