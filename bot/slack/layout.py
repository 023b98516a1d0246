"""Long replies laid out within Block Kit's limits, with nothing cut off.

A reply that does not fit one message (50 blocks, 3,000 characters a section) is split into
several messages, every item in one of them (the daily message: each nudge keeps its buttons).
Items without buttons are written as lines, many to a section block, so a list of hundreds
stays a few blocks long. A digest too long for one message is summarised instead: every
section keeps its heading, its count and its first items, and a "Show all" button opens the
rest in a paged modal (:mod:`bot.slack.pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.replies import Item, Reply, Section
from bot.slack.blocks import (
    BUTTON_TEXT_LIMIT,
    CONTEXT_TEXT_LIMIT,
    MESSAGE_LIMIT,
    clip,
    escape,
    fallback_text,
    item_blocks,
    pack_lines,
)

ACTION_SHOW_ALL = "show_all"
SUMMARY_ITEMS = 5  # items a summarised section shows before its "Show all" button
LONG_SECTION = 10  # a section longer than this is summarised in a digest

#: The value of a section's "Show all" button, given the section's index in the reply.
ShowAll = Callable[[int], str]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message: its notification text, its blocks, and the items it shows (their refs)."""

    text: str
    blocks: list[dict[str, Any]]
    refs: tuple[str, ...] = ()


@dataclass
class Chunk:
    """Blocks that stay together in one message (an item with its buttons, a heading)."""

    blocks: list[Block]
    refs: tuple[str, ...] = ()
    heading: bool = False  # never the last chunk of a message: it belongs to what follows


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def text_blocks(text: str) -> list[Block]:
    """A reply's own text: the first line in bold, the rest (a help page...) after it."""
    first, _, rest = text.strip().partition("\n")
    lines = ["*" + escape(first) + "*"] if first else []
    lines += [escape(line) for line in rest.split("\n")] if rest.strip() else []
    return [SectionBlock(text=_mrkdwn(t)) for t in pack_lines(lines) if t.strip()]


def compact_line(item: Item, *, number: int | None) -> str:
    """An item without buttons as one line of text (its lines and facts after its title)."""
    prefix = f"{number}. " if number is not None else "• "
    details = [escape(line) for line in item.lines]
    details += [f"{escape(k)}: {escape(v)}" for k, v in item.fields]
    line = prefix + "*" + escape(item.title) + "*"
    if details:
        line += " — " + " · ".join(details)
    return line + (f"  ✓ {escape(item.state)}" if item.state else "")


def _is_compact(item: Item) -> bool:
    return not item.actions and item.ref is None


def _numbered(reply: Reply) -> bool:
    return reply.kind in ("nudges", "digest")


def item_chunks(items: Sequence[Item], *, numbered: bool, first_number: int = 1) -> list[Chunk]:
    """Items as chunks: one per item with buttons or a reference, and runs of plain items
    packed into section blocks of lines."""
    chunks: list[Chunk] = []
    run: list[str] = []

    def flush() -> None:
        chunks.extend(Chunk([SectionBlock(text=_mrkdwn(t))]) for t in pack_lines(run))
        run.clear()

    for offset, item in enumerate(items):
        number = first_number + offset if numbered else None
        if _is_compact(item):
            run.append(compact_line(item, number=number))
            continue
        flush()
        refs = (item.ref,) if item.ref else ()
        chunks.append(Chunk(item_blocks(item, number=number), refs=refs))
    flush()
    return chunks


def _heading(text: str) -> Chunk:
    return Chunk([SectionBlock(text=_mrkdwn("*" + escape(text) + "*"))], heading=True)


def context(text: str, *, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(clip(text, CONTEXT_TEXT_LIMIT))], block_id=block_id)


def _section_chunks(section: Section, *, numbered: bool) -> list[Chunk]:
    chunks = [_heading(section.heading)] if section.heading else []
    chunks += item_chunks(section.items, numbered=numbered)
    if section.note:
        chunks.append(Chunk([context(escape(section.note))]))
    elif not section.items and section.heading:
        chunks.append(Chunk([context("None.")]))
    return chunks


def _chunks(reply: Reply) -> list[Chunk]:
    chunks = [Chunk([block]) for block in text_blocks(reply.text)]
    for section in reply.sections:
        chunks += _section_chunks(section, numbered=_numbered(reply))
    if reply.footer:
        chunks.append(Chunk([context(escape(reply.footer))]))
    return chunks


def _title(reply: Reply) -> str:
    return reply.text.strip().split("\n", 1)[0]


def _continued(reply: Reply, part: int, parts: int) -> ContextBlock:
    return context(f"{escape(_title(reply))} ({part}/{parts}, continued)")


def _pack(chunks: list[Chunk], *, limit: int) -> list[list[Chunk]]:
    """Chunks in order into groups of at most ``limit - 1`` blocks (one is kept for the
    "continued" line); a heading moves on with the chunk it introduces."""
    budget = limit - 1
    groups: list[list[Chunk]] = [[]]
    size = 0
    for chunk in chunks:
        if groups[-1] and size + len(chunk.blocks) > budget:
            carried: list[Chunk] = []
            while groups[-1] and groups[-1][-1].heading:
                carried.insert(0, groups[-1].pop())
            groups.append(carried)
            size = sum(len(c.blocks) for c in carried)
        groups[-1].append(chunk)
        size += len(chunk.blocks)
    return [g for g in groups if g]


def split(reply: Reply, *, limit: int = MESSAGE_LIMIT) -> list[SlackMessage]:
    """The whole reply in as many messages as it needs, each within ``limit`` blocks."""
    groups = _pack(_chunks(reply), limit=limit)
    text = fallback_text(reply)
    if len(groups) <= 1:
        blocks = [b for c in (groups[0] if groups else []) for b in c.blocks]
        refs = tuple(r for c in (groups[0] if groups else []) for r in c.refs)
        return [SlackMessage(text, [b.to_dict() for b in blocks] or _empty(reply), refs)]
    out = []
    for part, group in enumerate(groups, start=1):
        blocks = [b for c in group for b in c.blocks]
        if part > 1:
            blocks.insert(0, _continued(reply, part, len(groups)))
        out.append(
            SlackMessage(
                f"{text} ({part}/{len(groups)})" if part > 1 else text,
                [b.to_dict() for b in blocks],
                tuple(r for c in group for r in c.refs),
            )
        )
    return out


def _empty(reply: Reply) -> list[dict[str, Any]]:
    return [SectionBlock(text=_mrkdwn(fallback_text(reply))).to_dict()]


def show_all_button(label: str, value: str) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text=PlainTextObject(text=clip(label, BUTTON_TEXT_LIMIT)),
                action_id=ACTION_SHOW_ALL,
                value=value,
            )
        ]
    )


def summary_chunks(reply: Reply, *, show_all: ShowAll, per_section: int) -> list[Chunk]:
    numbered = _numbered(reply)
    chunks = [Chunk([block]) for block in text_blocks(reply.text)]
    for index, section in enumerate(reply.sections):
        count = len(section.items)
        shown = section.items if count <= LONG_SECTION else section.items[:per_section]
        if section.heading or count > len(shown):
            counted = f"{section.heading or 'Items'} ({count})" if count else section.heading
            chunks.append(_heading(counted or ""))
        chunks += item_chunks(shown, numbered=numbered)
        if section.note:
            chunks.append(Chunk([context(escape(section.note))]))
        elif not count and section.heading:
            chunks.append(Chunk([context("None.")]))
        if count > len(shown):
            chunks.append(
                Chunk(
                    [
                        context(f"The first {len(shown)} of {count}."),
                        show_all_button(f"Show all {count}", show_all(index)),
                    ]
                )
            )
    if reply.footer:
        chunks.append(Chunk([context(escape(reply.footer))]))
    return chunks


def summarise(
    reply: Reply, *, show_all: ShowAll, limit: int = MESSAGE_LIMIT
) -> SlackMessage | None:
    """One message: every section with its heading, its count and its first items; a long
    section's "Show all" button opens the whole of it. None when even the headings alone
    would not fit one message."""
    for per_section in range(SUMMARY_ITEMS, -1, -1):
        chunks = summary_chunks(reply, show_all=show_all, per_section=per_section)
        blocks = [b for c in chunks for b in c.blocks]
        if len(blocks) <= limit:
            return SlackMessage(
                fallback_text(reply),
                [b.to_dict() for b in blocks],
                tuple(r for c in chunks for r in c.refs),
            )
    return None


def layout(
    reply: Reply,
    *,
    max_messages: int | None = None,
    show_all: ShowAll | None = None,
    summarise_long: bool = False,
) -> list[SlackMessage]:
    """The messages a reply is shown in: the whole of it when it fits ``max_messages``
    (None: any number), else its summary with "Show all" buttons; with ``summarise_long``
    (a digest, read at a glance) sections longer than ten items are summarised anyway.
    Without a way to show a section in full (``show_all`` None), it is split, however many
    messages that takes."""
    parts = split(reply)
    long = summarise_long and any(len(s.items) > LONG_SECTION for s in reply.sections)
    if show_all is None or (not long and (max_messages is None or len(parts) <= max_messages)):
        return parts
    summary = summarise(reply, show_all=show_all)
    return parts if summary is None else [summary]
