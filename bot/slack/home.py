"""The Home tab: a header per part, long lists a page at a time ("Next 10"), the team as a
summary whose sections open in full ("Show all"), within a view's 100 blocks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.replies import Item, Reply
from bot.slack.blocks import HEADER_TEXT_LIMIT, VIEW_LIMIT, clip, escape
from bot.slack.layout import context, item_chunks, summary_chunks
from bot.slack.pages import Source

ACTION_HOME_PAGE = "home_page"
PAGE_SIZE = 10
TEAM_ITEMS = 5  # items of each team section before its "Show all"


@dataclass(frozen=True, slots=True)
class HomePart:
    """One part of the tab: what it shows (the reply of ``command``, None while it is still
    being put together), and the first item of the page shown."""

    key: str
    heading: str
    command: str
    reply: Reply | None
    offset: int = 0
    summary: bool = False  # a digest: summarised, each section with "Show all"


def page_value(key: str, offset: int) -> str:
    return json.dumps({"k": key, "o": max(0, offset)}, separators=(",", ":"))


def read_page_value(raw: str) -> tuple[str, int] | None:
    try:
        data = json.loads(raw)
        return str(data["k"]), max(0, int(data["o"]))
    except (ValueError, TypeError, KeyError):
        return None


def _items(reply: Reply) -> list[Item]:
    return [item for section in reply.sections for item in section.items]


def _nav(part: HomePart, total: int, page_size: int) -> list[Block]:
    offset = min(part.offset, max(0, total - 1))
    last = min(offset + page_size, total)
    blocks: list[Block] = [context(f"{offset + 1} to {last} of {total}")]
    buttons = []
    if offset > 0:
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=f"Previous {page_size}"),
                action_id=ACTION_HOME_PAGE,
                value=page_value(part.key, offset - page_size),
            )
        )
    if last < total:
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=f"Next {min(page_size, total - last)}"),
                action_id=ACTION_HOME_PAGE,
                value=page_value(part.key, last),
            )
        )
    if buttons:
        blocks.append(ActionsBlock(elements=buttons, block_id=f"page:{part.key}"))
    return blocks


def _list_blocks(part: HomePart, reply: Reply, page_size: int) -> list[Block]:
    items = _items(reply)
    blocks: list[Block] = [context(escape(reply.text.strip().split("\n", 1)[0]))]
    if not items:
        notes = [s.note for s in reply.sections if s.note]
        blocks += [context(escape(note)) for note in notes]
        return blocks
    offset = min(part.offset, len(items) - 1)
    offset -= offset % page_size
    shown = items[offset : offset + page_size]
    numbered = reply.kind in ("nudges", "digest")
    for chunk in item_chunks(shown, numbered=numbered, first_number=offset + 1):
        blocks += chunk.blocks
    if len(items) > page_size:
        blocks += _nav(replace(part, offset=offset), len(items), page_size)
    return blocks


def _part_blocks(part: HomePart, *, page_size: int, team_items: int) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(part.heading, HEADER_TEXT_LIMIT)))
    ]
    if part.reply is None:
        return [*blocks, context("Putting this together…")]
    if part.summary:

        def show_all(index: int) -> str:
            return Source(section=index, command=part.command).dumps()

        chunks = summary_chunks(part.reply, show_all=show_all, per_section=team_items)
        return blocks + [b for c in chunks for b in c.blocks]
    return blocks + _list_blocks(part, part.reply, page_size)


def home_view(parts: Sequence[HomePart]) -> dict[str, Any]:
    """The tab within 100 blocks: pages and summaries shrink until it fits."""
    for page_size, team_items in ((PAGE_SIZE, TEAM_ITEMS), (5, 3), (3, 1), (1, 0)):
        blocks: list[Block] = []
        for part in parts:
            if blocks:
                blocks.append(DividerBlock())
            blocks += _part_blocks(part, page_size=page_size, team_items=team_items)
        if len(blocks) <= VIEW_LIMIT:
            break
    return View(type="home", blocks=blocks[:VIEW_LIMIT]).to_dict()
