"""Replies as Adaptive Cards 1.5 (and short ones as Teams text).

Rendering is generic: every :class:`~bot.replies.Item` is a container, every
:class:`~bot.replies.Action` on it a button, so new content and new verbs show without a change
here. A button carries only ids in its data: the verb, the item's target (``nudge:42``) and the
number of the stored card it sits on (``card``), never the reply itself.

- Buttons are ``Action.Execute`` (Universal Actions: Teams answers with an
  ``adaptiveCard/action`` invoke and shows the card the bot returns at once), each with an
  ``Action.Submit`` fallback for clients without Universal Actions.
- An action with choices (Snooze: 1 day / 1 week / 1 month) gets a compact choice input.
- *Log…* opens a dialog (``task/fetch``), the Teams form equal to Slack's modal.
- A card with open buttons has a ``refresh`` action: Teams asks for the current card when it
  shows it again, so a nudge answered elsewhere does not look open.
- Items that are only a title (a digest's accounts) are lines of one list, not a block each,
  so a list of hundreds stays small; a section cut short in a summary gets a "Show all"
  button whose data says where the whole reply comes from (``show_all``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.replies import DEFAULT_SNOOZE, Action, Item, Reply, Section, Tone, Verb
from bot.teams.markdown import escape

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

DATA_VERB = "verb"
DATA_REF = "ref"
DATA_CARD = "card"
REFRESH_VERB = "refresh"

# Split parts (see bot.teams.split): "Part 2 of 3", and where numbering resumes per section.
PART = "teams.part"
PARTS = "teams.parts"
NUMBERED_FROM = "teams.numbered_from"
# A summarised reply (see bot.teams.summary): "section:original section:items" for each
# section cut short, which gets a "Show all" button.
SUMMARISED = "teams.summarised"
SHOW_ALL_VERB = "show_all"
DATA_SECTION = "section"

_COLORS = {Tone.ERROR: "attention", Tone.WARNING: "warning", Tone.SUCCESS: "good"}
_NUMBERED = ("nudges", "digest")
_DIALOG_VERBS = (Verb.LOG,)


def input_id(target: str, verb: Verb | str) -> str:
    """The id of the input an action reads (e.g. Snooze's choice): ``nudge:42/snooze``."""
    return f"{target}/{Verb(verb).value if isinstance(verb, Verb) else verb}"


def needs_card(reply: Reply) -> bool:
    return bool(reply.sections) or "\n" in reply.text.strip()


def has_open_actions(reply: Reply) -> bool:
    return any(i.actions and not i.state for s in reply.sections for i in s.items)


def render_card(
    reply: Reply,
    *,
    card_id: int | None = None,
    refresh_for: Sequence[str] = (),
    show_all: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The card for ``reply``; ``card_id``: the stored card its buttons name; ``refresh_for``:
    the Teams user ids (``29:…``) for whom Teams refreshes it automatically; ``show_all``:
    the data a summarised section's "Show all" carries (where the whole reply comes from)."""
    first, _, rest = reply.text.strip().partition("\n")
    body: list[dict[str, Any]] = [
        _text(first, weight="Bolder", size="Medium", tone=reply.tone),
        *_part_marker(reply),
        *_lines(rest),
    ]
    starts = _numbered_from(reply)
    cut = summarised(reply)
    for index, section in enumerate(reply.sections):
        start = starts[index] if index < len(starts) else 1
        numbered = reply.kind in _NUMBERED
        body.extend(_section(section, start=start if numbered else None, card_id=card_id))
        if index in cut and show_all is not None:
            original, total = cut[index]
            body.append(_show_all(original, total, show_all))
    if reply.footer:
        body.append(_text(reply.footer, subtle=True))
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if card_id is not None and has_open_actions(reply):
        card["refresh"] = {
            "action": {
                "type": "Action.Execute",
                "verb": REFRESH_VERB,
                "data": {DATA_CARD: card_id},
            },
            "userIds": list(refresh_for),
        }
    return card


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def message(
    reply: Reply,
    *,
    card_id: int | None = None,
    refresh_for: Sequence[str] = (),
    show_all: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The message activity for ``reply``: Teams text, or a card when it has structure."""
    if not needs_card(reply):
        text = escape(reply.text)
        if reply.footer:
            text += "\n\n" + escape(reply.footer)
        return {"type": "message", "text": text, "textFormat": "markdown"}
    card = render_card(reply, card_id=card_id, refresh_for=refresh_for, show_all=show_all)
    return {
        "type": "message",
        "summary": reply.text.strip().partition("\n")[0],
        "attachments": [attachment(card)],
    }


# ---------------------------------------------------------------------- parts


def _text(
    text: str,
    *,
    weight: str | None = None,
    size: str | None = None,
    subtle: bool = False,
    tone: Tone = Tone.INFO,
    spacing: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": escape(text, html=False), "wrap": True}
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


def _part_marker(reply: Reply) -> list[dict[str, Any]]:
    part, parts = reply.fields.get(PART), reply.fields.get(PARTS)
    if not part or not parts or parts == "1":
        return []
    return [_text(f"Part {part} of {parts}", subtle=True, spacing="None")]


def _numbered_from(reply: Reply) -> list[int]:
    raw = reply.fields.get(NUMBERED_FROM, "")
    return [int(n) for n in raw.split(",") if n.isdigit()]


def _lines(text: str) -> list[dict[str, Any]]:
    """Multi-line text (help): unindented lines bold, indented ones subtle beneath them, a
    blank line a gap."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        indented = line.startswith(" ")
        blocks.append(
            _text(
                line.strip(),
                weight=None if indented else "Bolder",
                subtle=indented,
                spacing="Medium" if gap else "None",
            )
        )
        gap = False
    return blocks


def is_show_all(value: Any) -> bool:
    """Whether a submitted value is a "Show all" button's."""
    return isinstance(value, dict) and value.get(DATA_VERB) == SHOW_ALL_VERB


def summarised(reply: Reply) -> dict[int, tuple[int, int]]:
    """Section index -> (its index in the whole reply, how many items it has there)."""
    found: dict[int, tuple[int, int]] = {}
    for mark in filter(None, reply.fields.get(SUMMARISED, "").split(",")):
        index, original, total = (int(n) for n in mark.split(":"))
        found[index] = (original, total)
    return found


def _show_all(original: int, total: int, source: Mapping[str, Any]) -> dict[str, Any]:
    data = {**source, DATA_VERB: SHOW_ALL_VERB, DATA_SECTION: original}
    button = {"type": "Action.Submit", "title": f"Show all {total:,}", "data": data}
    return {"type": "ActionSet", "actions": [button]}


def _plain(item: Item) -> bool:
    return not (item.lines or item.fields or item.actions or item.state)


def _section(section: Section, *, start: int | None, card_id: int | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if section.heading:
        out.append(_text(section.heading, weight="Bolder", spacing="Large"))
    listed: list[str] = []
    for offset, item in enumerate(section.items):
        number = None if start is None else start + offset
        if _plain(item):
            marker = "-" if number is None else f"{number}."
            listed.append(f"{marker} {escape(item.title, html=False)}")
            continue
        if listed:
            out.append(_list(listed))
            listed = []
        out.append(_item(item, number=number, card_id=card_id))
    if listed:
        out.append(_list(listed))
    if section.note:
        out.append(_text(section.note, subtle=True))
    return out


def _list(lines: Sequence[str]) -> dict[str, Any]:
    """Title-only items as one Markdown list (already escaped)."""
    return {"type": "TextBlock", "text": "\n".join(lines), "wrap": True}


def _item(item: Item, *, number: int | None, card_id: int | None) -> dict[str, Any]:
    title = escape(item.title, strong=True, html=False)
    if number is not None:
        title = f"{number}. {title}"
    items: list[dict[str, Any]] = [{"type": "TextBlock", "text": f"**{title}**", "wrap": True}]
    if item.state:
        items.append(_text(f"✓ {item.state[0].upper()}{item.state[1:]}", tone=Tone.SUCCESS))
    items.extend(_text(line, subtle=True, spacing="None") for line in item.lines)
    if item.fields:
        items.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": escape(k, html=False), "value": escape(v, html=False)}
                    for k, v in item.fields
                ],
            }
        )
    if item.actions and not item.state:
        items.extend(_controls(item.actions, card_id=card_id))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _controls(actions: Sequence[Action], *, card_id: int | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for action in actions:
        if action.verb is Verb.REASSIGN:  # a person: typed, as the card has no people picker
            out.append(
                {
                    "type": "Input.Text",
                    "id": input_id(action.target, action.verb),
                    "placeholder": "Reassign to (a colleague's name)",
                    "maxLength": 200,
                    "isMultiline": False,
                }
            )
        elif action.choices:
            out.append(
                {
                    "type": "Input.ChoiceSet",
                    "id": input_id(action.target, action.verb),
                    "label": f"{action.label} for",
                    "style": "compact",
                    "value": _preselected(action.choices),
                    "choices": [
                        {"title": label, "value": value} for value, label in action.choices
                    ],
                }
            )
    buttons = [_button(action, card_id=card_id) for action in actions]
    out.append({"type": "ActionSet", "actions": buttons})
    return out


def action_data(action: Action, *, card_id: int | None) -> dict[str, Any]:
    data: dict[str, Any] = {DATA_VERB: action.verb.value, DATA_REF: action.target}
    if card_id is not None:
        data[DATA_CARD] = card_id
    return data


def _button(action: Action, *, card_id: int | None) -> dict[str, Any]:
    data = action_data(action, card_id=card_id)
    if action.verb in _DIALOG_VERBS:  # a dialog opens from Action.Submit only
        return {
            "type": "Action.Submit",
            "title": action.label,
            "data": {"msteams": {"type": "task/fetch"}, **data},
        }
    return {
        "type": "Action.Execute",
        "title": action.label,
        "verb": action.verb.value,
        "data": {k: v for k, v in data.items() if k != DATA_VERB},
        "fallback": {"type": "Action.Submit", "title": action.label, "data": data},
    }


def _preselected(choices: tuple[tuple[str, str], ...]) -> str:
    """The snooze a card offers first: the default one."""
    values = [value for value, _ in choices]
    return DEFAULT_SNOOZE if DEFAULT_SNOOZE in values else values[0]
