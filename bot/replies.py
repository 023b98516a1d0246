"""Platform-neutral replies: what the bot says, as values each adapter renders its own way
(Block Kit, Adaptive Cards, terminal text). No markup in here: adapters escape and decorate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class Verb(StrEnum):
    """What a button on a nudge does."""

    DONE = "done"  # log a touch of the suggested ritual (a pitch too, on an offer's nudge)
    LOG = "log"  # log a touch with details (ritual, contact, note, date)
    SNOOZE = "snooze"
    SKIP = "skip"
    # A manager's answers to an escalation: none of them is a touch.
    ACKNOWLEDGE = "acknowledge"  # seen; the customer stays with its owner
    REMIND = "remind"  # the owner gets a message
    TAKE_OVER = "take_over"  # the manager becomes the owner
    REASSIGN = "reassign"  # someone else in the team becomes the owner (needs a person)
    # How a pitch went, after "done" on an offer's nudge.
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LATER = "later"  # no answer yet: it stays pitched


#: Verbs a single press answers (no choice, date, note or person to give).
PRESS_VERBS: tuple[Verb, ...] = (
    Verb.ACKNOWLEDGE,
    Verb.REMIND,
    Verb.TAKE_OVER,
    Verb.ACCEPTED,
    Verb.DECLINED,
    Verb.LATER,
)


#: What Snooze means when no duration was chosen; the choice offered first on a card.
DEFAULT_SNOOZE = "1w"
SNOOZE_CHOICES: tuple[tuple[str, str], ...] = (
    ("1d", "1 day"),
    (DEFAULT_SNOOZE, "1 week"),
    ("1m", "1 month"),
)
NUDGE_REF = "nudge:"  # an item about a nudge: ``nudge:42``


def nudge_ref(nudge_id: int) -> str:
    return f"{NUDGE_REF}{nudge_id}"


def nudge_of(ref: str | None) -> int | None:
    """The nudge an item ref is about (``nudge:42`` -> 42), else None."""
    number = (ref or "").removeprefix(NUDGE_REF)
    return int(number) if ref and ref.startswith(NUDGE_REF) and number.isdigit() else None


@dataclass(frozen=True, slots=True)
class Action:
    verb: Verb
    label: str
    target: str  # what the action is about, e.g. "nudge:42"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label), e.g. snooze durations


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    lines: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    actions: tuple[Action, ...] = ()
    ref: str | None = None  # a stable id, e.g. "nudge:42", so a message can be updated in place
    state: str | None = None  # e.g. "done", "snoozed until 2026-12-01" after an action


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None = None
    items: tuple[Item, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # the summary; also the notification/fallback text
    sections: tuple[Section, ...] = ()
    tone: Tone = Tone.INFO
    footer: str | None = None
    kind: str = "reply"  # "nudges" (the daily message), "digest", "help", "home", ...
    fields: dict[str, str] = field(default_factory=dict)  # small structured facts (e.g. ids)

    def to_json(self) -> str:
        """``asdict`` of the reply as JSON, written field by field (``asdict`` copies every
        value on the way: a head of sales' digest has thousands of items)."""
        return json.dumps(
            {
                "text": self.text,
                "sections": [_section_dict(s) for s in self.sections],
                "tone": self.tone,
                "footer": self.footer,
                "kind": self.kind,
                "fields": self.fields,
            },
            sort_keys=True,
        )

    @staticmethod
    def from_json(raw: str) -> Reply:
        data: dict[str, Any] = json.loads(raw)
        return Reply(
            text=data["text"],
            sections=tuple(_section(s) for s in data.get("sections", ())),
            tone=Tone(data.get("tone", "info")),
            footer=data.get("footer"),
            kind=data.get("kind", "reply"),
            fields=dict(data.get("fields", {})),
        )

    def with_item_state(self, ref: str, state: str) -> Reply:
        """The same reply with one item marked (its buttons gone): a message updated in place."""
        sections = tuple(
            Section(
                heading=s.heading,
                note=s.note,
                items=tuple(
                    Item(title=i.title, lines=i.lines, fields=i.fields, ref=i.ref, state=state)
                    if i.ref == ref
                    else i
                    for i in s.items
                ),
            )
            for s in self.sections
        )
        return Reply(self.text, sections, self.tone, self.footer, self.kind, dict(self.fields))


def _section_dict(section: Section) -> dict[str, Any]:
    return {
        "heading": section.heading,
        "items": [
            {
                "title": i.title,
                "lines": i.lines,
                "fields": i.fields,
                "actions": [
                    {"verb": a.verb, "label": a.label, "target": a.target, "choices": a.choices}
                    for a in i.actions
                ],
                "ref": i.ref,
                "state": i.state,
            }
            for i in section.items
        ],
        "note": section.note,
    }


def _section(data: dict[str, Any]) -> Section:
    return Section(
        heading=data.get("heading"),
        note=data.get("note"),
        items=tuple(
            Item(
                title=i["title"],
                lines=tuple(i.get("lines", ())),
                fields=tuple((str(k), str(v)) for k, v in i.get("fields", ())),
                actions=tuple(
                    Action(
                        verb=Verb(a["verb"]),
                        label=a["label"],
                        target=a["target"],
                        choices=tuple((str(v), str(lbl)) for v, lbl in a.get("choices", ())),
                    )
                    for a in i.get("actions", ())
                ),
                ref=i.get("ref"),
                state=i.get("state"),
            )
            for i in data.get("items", ())
        ),
    )


def numbered_refs(reply: Reply) -> tuple[str, ...] | None:
    """The refs of a numbered list's items in the order shown (``done 2`` means the second),
    or None when the reply shows no numbered list."""
    if reply.kind != "nudges":
        return None
    sections = [s for s in reply.sections if s.items]
    if len(sections) != 1:
        return None
    return tuple(item.ref or "" for item in sections[0].items)


def error(message: str, *, usage: str | None = None, field: str | None = None) -> Reply:
    """A refusal; ``field`` names the option it is about (a form shows it beside that field)."""
    return Reply(
        text=message,
        tone=Tone.ERROR,
        footer=f"Usage: {usage}" if usage else None,
        fields={"field": field} if field else {},
    )


def ok(message: str, *sections: Section, footer: str | None = None) -> Reply:
    return Reply(text=message, sections=sections, tone=Tone.SUCCESS, footer=footer)


def info(message: str, *sections: Section, footer: str | None = None, kind: str = "reply") -> Reply:
    return Reply(text=message, sections=sections, footer=footer, kind=kind)


def render_text(reply: Reply) -> str:
    """Plain terminal text (the console); other adapters build their own markup."""
    marks = {Tone.ERROR: "✗ ", Tone.WARNING: "! ", Tone.SUCCESS: "✓ ", Tone.INFO: ""}
    out = [marks[reply.tone] + reply.text]
    for section in reply.sections:
        if section.heading:
            out.append("")
            out.append(section.heading)
        for index, item in enumerate(section.items, start=1):
            prefix = f"  {index}. " if reply.kind in ("nudges", "digest") else "  • "
            title = item.title + (f"  [{item.state}]" if item.state else "")
            out.append(prefix + title)
            for line in item.lines:
                out.append("     " + line)
            for label, value in item.fields:
                out.append(f"     {label}: {value}")
            if item.actions and not item.state:
                verbs = " · ".join(a.label for a in item.actions)
                out.append(f"     [{verbs}]")
        if section.note:
            out.append("  " + section.note)
    if reply.footer:
        out.append(reply.footer)
    return "\n".join(out)
