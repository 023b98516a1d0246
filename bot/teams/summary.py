"""A digest too long for one Teams message is summarised instead of sent as a string of cards:
every section keeps its heading and its first items, says how many there are, and gets a
"Show all" button; pressing it sends that whole section, in as many parts as it needs."""

from __future__ import annotations

from dataclasses import replace

from bot.replies import Reply, Section
from bot.teams.cards import SUMMARISED

SUMMARY_ITEMS = 5  # items a summarised section shows
LONG_SECTION = 10  # a section longer than this is summarised


def summarise(reply: Reply) -> Reply:
    """``reply`` with each long section cut to its first items (nothing else changes)."""
    sections: list[Section] = []
    marks: list[str] = []
    for original, section in enumerate(reply.sections):
        total = len(section.items)
        if total <= LONG_SECTION:
            sections.append(section)
            continue
        note = f"The first {SUMMARY_ITEMS} of {total:,}."
        sections.append(
            replace(
                section,
                items=section.items[:SUMMARY_ITEMS],
                note=f"{note} {section.note}" if section.note else note,
            )
        )
        marks.append(f"{len(sections) - 1}:{original}:{total}")
    if not marks:
        return reply
    return replace(
        reply, sections=tuple(sections), fields={**reply.fields, SUMMARISED: ",".join(marks)}
    )


def whole_section(reply: Reply, index: int) -> Reply | None:
    """One section of ``reply`` in full, as its own reply (None if it has no such section)."""
    if not 0 <= index < len(reply.sections):
        return None
    section = reply.sections[index]
    title = reply.text.strip().partition("\n")[0]
    heading = section.heading or "all"
    return Reply(
        text=f"{title} — {heading} ({len(section.items):,})",
        sections=(replace(section, heading=None),),
        kind=reply.kind,
    )
