"""Reply items to Block Kit, built with ``slack_sdk.models`` so Slack's own limits are checked.

Everything a reply says is treated as user-provided: ``&``, ``<`` and ``>`` are escaped, so a
customer named ``<!channel>`` or a note with ``<@U123>`` is shown literally and pings nobody.
How a whole reply is laid out within a message's 50 blocks (and a view's 100) is
:mod:`bot.slack.layout`'s: nothing is cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot.replies import Action, Item, Reply, Tone, Verb

MESSAGE_LIMIT = 50
VIEW_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75

VERB_ACTION_PREFIX = "nudge_"
ACTION_DONE = "nudge_done"
ACTION_LOG = "nudge_log"
ACTION_SNOOZE = "nudge_snooze"
ACTION_SNOOZE_DATE = "nudge_snooze_date"
ACTION_SKIP = "nudge_skip"
ITEM_ACTIONS = (ACTION_DONE, ACTION_LOG, ACTION_SNOOZE, ACTION_SNOOZE_DATE, ACTION_SKIP)

_TONE_MARKS = {Tone.ERROR: "✗ ", Tone.WARNING: "⚠ ", Tone.SUCCESS: "✓ ", Tone.INFO: ""}
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Slack's three control characters as entities: text shows as typed, links nothing."""
    return text.translate(_ESCAPES)


def unescape(text: str) -> str:
    """Text as Slack sends it (slash command text is escaped) back to what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """A label shortened to a field's limit (names in buttons and titles; never content)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str, limit: int = SECTION_TEXT_LIMIT) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, limit), verbatim=True)


def _context(text: str, *, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text, CONTEXT_TEXT_LIMIT)], block_id=block_id)


def fallback_text(reply: Reply) -> str:
    """The notification text of a message: the reply's first line; never empty."""
    first = reply.text.strip().split("\n", 1)[0]
    return clip(_TONE_MARKS[reply.tone] + escape(first or "nudgebot"), SECTION_TEXT_LIMIT)


def item_block_id(ref: str) -> str:
    return f"item:{ref}"


def actions_block_id(ref: str) -> str:
    return f"actions:{ref}"


def state_block_id(ref: str) -> str:
    return f"state:{ref}"


def ref_of_block(block_id: str) -> str:
    """``actions:nudge:42`` -> ``nudge:42``."""
    return block_id.split(":", 1)[1] if ":" in block_id else block_id


def verb_action_id(verb: Verb) -> str:
    """The action id of a plain button (or choice) for a verb: ``nudge_done``, and the same
    pattern for any verb added later, so new answers flow through without new code here."""
    return f"{VERB_ACTION_PREFIX}{verb.value}"


def _button(action: Action, action_id: str, *, style: str | None = None) -> ButtonElement:
    label = PlainTextObject(text=clip(action.label, BUTTON_TEXT_LIMIT), emoji=True)
    return ButtonElement(text=label, action_id=action_id, value=action.target, style=style)


def _choices(action: Action, action_id: str) -> StaticSelectElement:
    options = [
        Option(
            value=f"{action.target}|{value}",
            text=PlainTextObject(text=clip(text, BUTTON_TEXT_LIMIT)),
        )
        for value, text in action.choices[:100]
    ]
    return StaticSelectElement(
        placeholder=PlainTextObject(text=clip(action.label, 150)),
        action_id=action_id,
        options=options,
    )


def _elements(action: Action) -> list[Any]:
    if action.verb is Verb.LOG:  # a form: ritual, contact, note, date
        return [_button(action, ACTION_LOG)]
    if action.verb is Verb.SKIP:  # a form: the reason
        return [_button(action, ACTION_SKIP)]
    if action.verb is Verb.SNOOZE:  # a choice of durations, or any date
        elements: list[Any] = [_choices(action, ACTION_SNOOZE)] if action.choices else []
        elements.append(
            DatePickerElement(
                action_id=ACTION_SNOOZE_DATE, placeholder=PlainTextObject(text="Snooze until…")
            )
        )
        return elements
    action_id = verb_action_id(action.verb)
    if action.verb is Verb.REASSIGN:  # a person to pick; the item's ref is in the block id
        return [
            UserSelectElement(
                placeholder=PlainTextObject(text=clip(action.label, 150)), action_id=action_id
            )
        ]
    if action.choices:
        return [_choices(action, action_id)]
    return [_button(action, action_id, style="primary" if action.verb is Verb.DONE else None)]


def item_blocks(item: Item, *, number: int | None = None) -> list[Block]:
    """One item: what it is about (title and lines), its facts, then its state or buttons."""
    prefix = f"{number}. " if number is not None else "• "
    lines = [prefix + "*" + escape(item.title) + "*"] + [escape(line) for line in item.lines]
    texts = pack_lines(lines)
    blocks: list[Block] = [
        SectionBlock(
            text=mrkdwn(text),
            block_id=item_block_id(item.ref) if item.ref and not index else None,
        )
        for index, text in enumerate(texts)
    ]
    if item.fields:
        facts = "  ·  ".join(f"*{escape(k)}:* {escape(v)}" for k, v in item.fields)
        blocks.append(_context(facts))
    if item.state:
        state_id = state_block_id(item.ref) if item.ref else None
        blocks.append(_context("✓ " + escape(item.state), block_id=state_id))
    elif item.actions:
        elements = [e for action in item.actions for e in _elements(action)]
        block_id = actions_block_id(item.ref) if item.ref else None
        blocks.append(ActionsBlock(elements=elements[:25], block_id=block_id))
    return blocks


def pack_lines(lines: Sequence[str], *, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Lines joined into as few texts of at most ``limit`` characters as they fit in; a
    single longer line is cut across several texts (never dropped)."""
    texts: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                texts.append(current)
                current = ""
            texts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            texts.append(current)
            current = line
        else:
            current = candidate
    if current:
        texts.append(current)
    return texts


def mark_item(blocks: list[dict[str, Any]], ref: str, state: str) -> list[dict[str, Any]]:
    """A message's blocks with one item answered: its buttons go and its new state shows
    (the same change as ``Reply.with_item_state``, made on the message Slack holds)."""
    state_block = _context("✓ " + escape(state), block_id=state_block_id(ref)).to_dict()
    out: list[dict[str, Any]] = []
    placed = False
    for block in blocks:
        block_id = block.get("block_id")
        if block_id in (actions_block_id(ref), state_block_id(ref)):
            if not placed:
                out.append(state_block)
                placed = True
            continue
        out.append(block)
    if not placed:
        for index, block in enumerate(out):
            if block.get("block_id") == item_block_id(ref):
                out.insert(index + 1, state_block)
                break
    return out
