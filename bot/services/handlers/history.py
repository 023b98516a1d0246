"""A customer's touches, newest first: when, who, which ritual, with whom, and the note."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands import ShowHistory
from bot.replies import Item, Reply, Section, info
from bot.services.request import Request
from bot.services.wording import count, long_date
from nudges.calendar import local_date
from nudges.model import Customer, Touch

NOTE_LIMIT = 500  # characters of a note shown in a list


def touch_items(req: Request, touches: Sequence[Touch]) -> tuple[Item, ...]:
    """One item per touch, read in the reader's own zone."""
    people = {
        p.id: p
        for p in req.uow.people.get_many({t.person_id for t in touches if t.person_id is not None})
    }
    customer_ids = sorted({t.customer_id for t in touches})
    contacts = {c.id: c for c in req.uow.contacts.of_customers(customer_ids)}
    items = []
    for touch in touches:
        day = local_date(touch.at, req.person.timezone)
        person = people.get(touch.person_id) if touch.person_id is not None else None
        who = person.display_name if person is not None else "a former colleague"
        ritual = touch.ritual.replace("_", " ")
        title = f"{long_date(day, today=req.today)} — {ritual} by {who}"
        contact = contacts.get(touch.contact_id) if touch.contact_id is not None else None
        if contact is not None:
            title += f", with {contact.name}"
        lines: tuple[str, ...] = ()
        if touch.note:
            note = touch.note if len(touch.note) <= NOTE_LIMIT else touch.note[:NOTE_LIMIT] + "…"
            lines = (f"“{note}”",)
        items.append(Item(title=title, lines=lines, ref=f"touch:{touch.id}"))
    return tuple(items)


def show_history(req: Request, cmd: ShowHistory) -> Reply:
    customer = req.customer(cmd.customer, for_change=False)
    req.require_visible(customer)
    touches = req.uow.touches.history(customer.id, limit=cmd.limit)
    if not touches:
        return info(
            f"Nobody has logged a touch with {customer.name} yet. `touch {customer.name}` logs one."
        )
    total = req.uow.touches.count(customer.id)
    shown = count(len(touches), "touch", "touches")
    text = f"{customer.name}: {shown}, newest first"
    if total > len(touches):
        text = f"{customer.name}: the last {shown} of {total}, newest first"
    return info(text, Section(items=touch_items(req, touches)), footer=_more(customer, total, cmd))


def _more(customer: Customer, total: int, cmd: ShowHistory) -> str | None:
    if total <= cmd.limit:
        return None
    return f"`history {customer.name} {min(total, 100)}` shows more."
