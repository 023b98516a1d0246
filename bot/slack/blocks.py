"""Replies to Block Kit, built with ``slack_sdk.models`` so Slack's own limits are checked.

Everything a reply says is treated as user-provided: ``&``, ``<`` and ``>`` are escaped, so a
customer named ``<!channel>`` or a note with ``<@U123>`` is shown literally and pings nobody.
A message keeps to 50 blocks and a view to 100: what does not fit is summarized
("…and N more").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.replies import Action, Item, Reply, Tone, Verb

MESSAGE_LIMIT = 50
VIEW_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150

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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str, limit: int = SECTION_TEXT_LIMIT) -> MarkdownTextObject:
    return MarkdownTextObject(text=_clip(text, limit), verbatim=True)


def _context(text: str, *, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(text, CONTEXT_TEXT_LIMIT)], block_id=block_id)


def fallback_text(reply: Reply) -> str:
    """The notification and screen-reader text of a message; never empty."""
    return _TONE_MARKS[reply.tone] + escape(reply.text.strip() or "nudgebot")


def item_block_id(ref: str) -> str:
    return f"item:{ref}"


def actions_block_id(ref: str) -> str:
    return f"actions:{ref}"


def state_block_id(ref: str) -> str:
    return f"state:{ref}"


def ref_of_block(block_id: str) -> str:
    """``actions:nudge:42`` -> ``nudge:42``."""
    return block_id.split(":", 1)[1] if ":" in block_id else block_id


def _elements(action: Action) -> list[Any]:
    label = PlainTextObject(text=_clip(action.label, 75), emoji=True)
    if action.verb is Verb.DONE:
        return [
            ButtonElement(text=label, action_id=ACTION_DONE, value=action.target, style="primary")
        ]
    if action.verb is Verb.LOG:
        return [ButtonElement(text=label, action_id=ACTION_LOG, value=action.target)]
    if action.verb is Verb.SKIP:
        return [ButtonElement(text=label, action_id=ACTION_SKIP, value=action.target)]
    options = [
        Option(value=f"{action.target}|{value}", text=PlainTextObject(text=_clip(text, 75)))
        for value, text in action.choices
    ]
    elements: list[Any] = []
    if options:
        elements.append(
            StaticSelectElement(
                placeholder=PlainTextObject(text=_clip(action.label, 150)),
                action_id=ACTION_SNOOZE,
                options=options,
            )
        )
    elements.append(
        DatePickerElement(
            action_id=ACTION_SNOOZE_DATE,
            placeholder=PlainTextObject(text="Snooze until…"),
        )
    )
    return elements


def item_blocks(item: Item, *, number: int | None = None) -> list[Block]:
    """One item: what it is about (title and lines), its facts, then its state or buttons."""
    prefix = f"{number}. " if number is not None else "• "
    text = prefix + "*" + escape(item.title) + "*"
    if item.lines:
        text += "\n" + "\n".join(escape(line) for line in item.lines)
    blocks: list[Block] = [
        SectionBlock(text=_mrkdwn(text), block_id=item_block_id(item.ref) if item.ref else None)
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


@dataclass
class _Chunk:
    blocks: list[Block]
    is_item: bool = False


def _chunks(reply: Reply, *, title: bool) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    if title:
        chunks.append(_Chunk([SectionBlock(text=_mrkdwn("*" + fallback_text(reply) + "*"))]))
    numbered = reply.kind in ("nudges", "digest")
    for section in reply.sections:
        if section.heading:
            chunks.append(_Chunk([SectionBlock(text=_mrkdwn("*" + escape(section.heading) + "*"))]))
        for index, item in enumerate(section.items, start=1):
            chunks.append(
                _Chunk(item_blocks(item, number=index if numbered else None), is_item=True)
            )
        if section.note:
            chunks.append(_Chunk([_context(escape(section.note))]))
    return chunks


def reply_blocks(reply: Reply, *, limit: int = MESSAGE_LIMIT, title: bool = True) -> list[Block]:
    """The reply's blocks, at most ``limit``: items that do not fit are counted in an
    "…and N more" line, and the footer always stays."""
    footer = [_context(escape(reply.footer))] if reply.footer else []
    chunks = _chunks(reply, title=title)
    budget = max(limit - len(footer) - 1, 1)  # one block kept for "…and N more"
    out: list[Block] = []
    left_out = 0
    for chunk in chunks:
        if left_out or len(out) + len(chunk.blocks) > budget:
            left_out += 1 if chunk.is_item else 0
            continue
        out.extend(chunk.blocks)
    if left_out:
        out.append(_context(f"…and {left_out} more not shown here."))
    return out + footer


def message(reply: Reply, *, limit: int = MESSAGE_LIMIT) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the blocks of a message (a DM, an ephemeral reply, an update)."""
    return fallback_text(reply), [b.to_dict() for b in reply_blocks(reply, limit=limit)]


def home_view(parts: Sequence[tuple[str, Reply]]) -> dict[str, Any]:
    """The Home tab: a header per part, each part within its share of the 100 blocks."""
    share = max((VIEW_LIMIT // max(len(parts), 1)) - 2, 2)
    blocks: list[Block] = []
    for heading, reply in parts:
        if blocks:
            blocks.append(DividerBlock())
        blocks.append(HeaderBlock(text=PlainTextObject(text=_clip(heading, HEADER_TEXT_LIMIT))))
        blocks.extend(reply_blocks(reply, limit=share))
    return View(type="home", blocks=blocks[:VIEW_LIMIT]).to_dict()


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
