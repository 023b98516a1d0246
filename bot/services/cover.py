"""Covering for a colleague who is out of office: who it is, and how to say so on a nudge."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.wording import long_date
from nudges.model import Person
from nudges.suppress import is_out_of_office
from storage import SqlUnitOfWork


def cover_note(absent: Person, *, today: date) -> str:
    """What a nudge routed to the cover says: ``For Maria, out of office until 12 June``."""
    if absent.ooo_until is None:
        return f"For {absent.display_name}"
    until = long_date(absent.ooo_until, today=today, weekday=False)
    return f"For {absent.display_name}, out of office until {until}"


def covered_by(uow: SqlUnitOfWork, person: Person, *, now: datetime) -> list[Person]:
    """The colleagues away at ``now`` who named ``person`` as their cover."""
    return [
        p
        for p in uow.people.in_workspace(person.workspace_id)
        if p.cover_id == person.id and is_out_of_office(p, now=now)
    ]
