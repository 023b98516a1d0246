"""The "Show all" modal: one section of a long reply, a page at a time.

The button says where the whole section comes from: a command to run again as the person who
pressed it (an ephemeral reply, the Home tab), or a message the bot sent them (a scheduled
digest, read back from its delivery). The modal opens at once with a "Loading…" page
(``views.open`` must come within 3 s of the click) and is filled with ``views.update``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.replies import Reply
from bot.slack.blocks import VIEW_LIMIT, clip, escape, mrkdwn, pack_lines
from bot.slack.layout import compact_line, context

SHOW_ALL_CALLBACK = "show_all"
ACTION_PAGE = "show_all_page"
PAGE_SIZE = 50  # lines a page shows: a few section blocks
TITLE_LIMIT = 24  # a modal's title


@dataclass(frozen=True, slots=True)
class Source:
    """Where a section shown in full comes from, and which page is shown."""

    section: int
    command: str | None = None  # run again as the person (their replies, their Home tab)
    delivery: int | None = None  # a message the bot sent them
    page: int = 0

    def dumps(self) -> str:
        data: dict[str, Any] = {"s": self.section, "p": self.page}
        if self.command is not None:
            data["c"] = self.command
        if self.delivery is not None:
            data["d"] = self.delivery
        return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def loads(raw: str) -> Source | None:
        try:
            data = json.loads(raw)
            source = Source(
                section=int(data["s"]),
                command=str(data["c"]) if "c" in data else None,
                delivery=int(data["d"]) if "d" in data else None,
                page=int(data.get("p", 0)),
            )
        except (ValueError, TypeError, KeyError):
            return None
        if (source.command is None) == (source.delivery is None) or source.section < 0:
            return None
        return source

    def at(self, page: int) -> Source:
        return replace(self, page=max(0, page))


def _view(title: str, blocks: list[Block], *, metadata: str = "") -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=SHOW_ALL_CALLBACK,
        title=PlainTextObject(text=clip(title, TITLE_LIMIT)),
        close=PlainTextObject(text="Close"),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def loading_view(title: str = "Show all") -> dict[str, Any]:
    """What opens at once, before anything is read."""
    return _view(title, [SectionBlock(text=mrkdwn("Loading…"))])


def message_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (the section is gone, a refusal...)."""
    return _view(title, [SectionBlock(text=mrkdwn(escape(text)))])


def page_view(reply: Reply, source: Source, *, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of one section, with Previous / Next."""
    if source.section >= len(reply.sections):
        return message_view("Show all", "That list has changed meanwhile; ask for it again.")
    section = reply.sections[source.section]
    items = section.items
    pages = max(1, -(-len(items) // page_size))
    page = min(source.page, pages - 1)
    first = page * page_size
    shown = items[first : first + page_size]
    heading = section.heading or reply.text.strip().split("\n", 1)[0]
    numbered = reply.kind in ("nudges", "digest")
    lines = [
        compact_line(item, number=first + offset + 1 if numbered else None)
        for offset, item in enumerate(shown)
    ]
    blocks: list[Block] = [SectionBlock(text=mrkdwn("*" + escape(heading) + "*"))]
    if items:
        blocks.append(context(f"{first + 1} to {first + len(shown)} of {len(items)}"))
    blocks += [SectionBlock(text=mrkdwn(text)) for text in pack_lines(lines)]
    if section.note:
        blocks.append(context(escape(section.note)))
    if not items and not section.note:
        blocks.append(context("None."))
    buttons = []
    if page > 0:
        buttons.append(_page_button("Previous", page - 1))
    if page < pages - 1:
        buttons.append(_page_button("Next", page + 1))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return _view(heading, blocks[:VIEW_LIMIT], metadata=source.at(page).dumps())


def _page_button(label: str, page: int) -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text=label), action_id=ACTION_PAGE, value=str(page))
