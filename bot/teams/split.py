"""Long replies split into parts that each fit in one Teams activity.

Teams refuses a message over about 100 KB counted in UTF-16 (``413 MessageSizeTooBig``) and
recommends staying under 80 KB. A reply is cut into *units* — the paragraphs of its text, its
items, a section that is only a heading or a note — and the units are packed, in order, into
parts under a budget. Every part repeats the title (with "Part 2 of 3"), a section carried on
into the next part repeats its heading ("(continued)"), numbering goes on where it stopped, and
the footer closes the last part. Nothing is left out.

A unit's *key* names it across attempts (an item's ``ref``, else its position in the whole
reply, which a part keeps in its fields), so a delivery retried after some parts got through
sends only what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.replies import Reply, Section
from bot.teams.cards import NUMBERED_FROM, PART, PARTS, SUMMARISED, summarised

#: The keys of the units a part carries, as the whole reply names them (newline-separated).
KEYS = "teams.keys"

#: Teams' recommended maximum for one activity (UTF-16 bytes of its JSON).
MAX_ACTIVITY_BYTES = 80_000
#: What a part's own activity may use, leaving room for the envelope (conversation, sender,
#: recipient, tenant) and for ids that grow.
PART_BUDGET = 72_000
CONTINUED = " (continued)"


def utf16_size(activity: Any) -> int:
    """The size Teams counts: the JSON as sent, in UTF-16 bytes."""
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-16-le"))


@dataclass(frozen=True, slots=True)
class Unit:
    key: str
    paragraph: str | None = None  # a paragraph of the reply's text (after its title line)
    section: int | None = None
    item: int | None = None  # None with a section: a section without items (heading/note)


def units(reply: Reply) -> list[Unit]:
    out: list[Unit] = []
    _, _, rest = reply.text.strip().partition("\n")
    paragraphs = [p.strip("\n") for p in rest.split("\n\n") if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        out.append(Unit(key=f"p{index}", paragraph=paragraph))
    for s, section in enumerate(reply.sections):
        if not section.items:
            out.append(Unit(key=f"s{s}", section=s))
        for i, item in enumerate(section.items):
            out.append(Unit(key=item.ref or f"s{s}.{i}", section=s, item=i))
    return out


def names_of(reply: Reply) -> dict[str, str]:
    """Each unit's key in ``reply`` -> its key in the whole reply ``reply`` is a part of."""
    return dict(zip((u.key for u in units(reply)), keys_of(reply), strict=True))


def keys_of(part: Reply) -> list[str]:
    """The keys of what a part carries, as the whole reply names them."""
    kept = part.fields.get(KEYS)
    return kept.split("\n") if kept else [u.key for u in units(part)]


def assemble(
    reply: Reply,
    chosen: Sequence[Unit],
    *,
    part: int = 1,
    parts: int = 1,
    last: bool = True,
    names: Mapping[str, str] | None = None,
) -> Reply:
    """The part of ``reply`` made of ``chosen`` units (in the reply's order). ``names``: unit
    key -> its key in the whole reply (see :func:`names_of`), when the caller has it."""
    title = reply.text.strip().partition("\n")[0]
    paragraphs = [u.paragraph for u in chosen if u.paragraph is not None]
    text = "\n\n".join([title, *paragraphs]) if paragraphs else title
    bases = _numbered_from(reply)
    by_section: dict[int, list[Unit]] = {}
    for unit in chosen:
        if unit.section is not None:
            by_section.setdefault(unit.section, []).append(unit)
    sections: list[Section] = []
    starts: list[str] = []
    cut = summarised(reply)
    marks: list[str] = []
    for s, picked in by_section.items():
        original = reply.sections[s]
        items = tuple(original.items[u.item] for u in picked if u.item is not None)
        first_item = picked[0].item or 0
        ends_here = not original.items or picked[-1].item == len(original.items) - 1
        heading = original.heading
        if heading and first_item > 0 and not heading.endswith(CONTINUED):
            heading += CONTINUED
        sections.append(
            Section(heading=heading, items=items, note=original.note if ends_here else None)
        )
        starts.append(str((bases[s] if s < len(bases) else 1) + first_item))
        if s in cut and ends_here:  # its "Show all" follows its last item
            whole, total = cut[s]
            marks.append(f"{len(sections) - 1}:{whole}:{total}")
    own = names if names is not None else names_of(reply)
    fields = dict(reply.fields)
    fields.update(
        {
            PART: str(part),
            PARTS: str(parts),
            NUMBERED_FROM: ",".join(starts),
            KEYS: "\n".join(own[u.key] for u in chosen),
            SUMMARISED: ",".join(marks),
        }
    )
    return replace(
        reply,
        text=text,
        sections=tuple(sections),
        footer=reply.footer if last else None,
        fields=fields,
    )


def _numbered_from(reply: Reply) -> list[int]:
    return [int(n) for n in reply.fields.get(NUMBERED_FROM, "").split(",") if n.isdigit()]


def split(
    reply: Reply,
    *,
    size: Callable[[Reply], int],
    budget: int = PART_BUDGET,
    skip: Collection[str] = (),
    sent: int = 0,
) -> list[Reply]:
    """``reply`` in parts of at most ``budget`` (as ``size`` measures a part), without the
    units whose keys are in ``skip`` (already sent, in ``sent`` parts: labels go on, "Part 3
    of 4"). Empty when nothing is left to send."""
    wanted = [u for u in units(reply) if u.key not in skip]
    if not wanted:
        return [] if skip else [assemble(reply, [])]

    names = names_of(reply)

    def probe(chosen: Sequence[Unit]) -> int:  # as a part is sent: "Part 9 of 99", the footer
        return size(assemble(reply, chosen, part=99, parts=99, names=names))

    costs, overhead = _costs(wanted, probe)
    groups: list[list[Unit]] = [[]]
    used = overhead
    for unit in wanted:
        if groups[-1] and used + costs[unit.key] > budget:
            groups.append([])
            used = overhead
        groups[-1].append(unit)
        used += costs[unit.key]
    done: list[list[Unit]] = []
    while groups:  # estimates add up a little differently: halve what is still too big
        group = groups.pop(0)
        if len(group) > 1 and probe(group) > budget:
            middle = len(group) // 2
            groups[:0] = [group[:middle], group[middle:]]
            continue
        done.append(group)
    total = sent + len(done)
    return [
        assemble(reply, group, part=sent + n + 1, parts=total, last=n == len(done) - 1, names=names)
        for n, group in enumerate(done)
    ]


def _costs(
    wanted: Sequence[Unit], size: Callable[[Sequence[Unit]], int]
) -> tuple[dict[str, int], int]:
    """What each unit adds to a part after the unit before it (a section's heading comes with
    its first item), and what a part costs besides its units (the card, the title, the
    refresh): measured beside another unit, as a title alone is no card at all."""
    alone = [size([unit]) for unit in wanted]
    if len(wanted) == 1:
        return {wanted[0].key: alone[0]}, 0
    costs = {wanted[0].key: size(wanted[:2]) - alone[1]}
    for index in range(1, len(wanted)):
        costs[wanted[index].key] = size(wanted[index - 1 : index + 1]) - alone[index - 1]
    return costs, alone[0] - costs[wanted[0].key]


def halves(part: Reply) -> tuple[Reply, Reply] | None:
    """A part refused as too large, in two (None when it is a single unit)."""
    found = units(part)
    if len(found) < 2:
        return None
    middle = len(found) // 2
    number = int(part.fields.get(PART, "1"))
    total = int(part.fields.get(PARTS, "1")) + 1
    return (
        assemble(part, found[:middle], part=number, parts=total, last=False),
        assemble(part, found[middle:], part=number + 1, parts=total, last=True),
    )
