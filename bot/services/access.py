"""Authorization: who may see and change what.

- A salesperson sees and changes their own customers, and may log a touch on any customer
  (the account was touched, whoever touched it).
- A manager sees and changes their reports' customers, transitively.
- Admins see and change everything and manage the team.
- A nudge is answered (done, snooze, skip) by its recipient, by their managers and admins, and by
  the colleague covering for the recipient while they are out of office.
- While someone is out of office, the colleague covering for them sees their customers too
  (``customer show``, ``health``, ``history``, ``date list``).
"""

from __future__ import annotations

from datetime import datetime

from nudges.model import Customer, Nudge, Person
from nudges.suppress import is_out_of_office
from storage import SqlUnitOfWork


class Forbidden(PermissionError):
    pass


def scope_ids(uow: SqlUnitOfWork, person: Person) -> set[int] | None:
    """The owners whose customers ``person`` may see: None means everyone (an admin)."""
    if person.is_admin:
        return None
    return {person.id, *uow.people.report_ids(person.id)}


def in_scope(uow: SqlUnitOfWork, person: Person, owner_id: int) -> bool:
    scope = scope_ids(uow, person)
    return scope is None or owner_id in scope


def require_customer_access(uow: SqlUnitOfWork, person: Person, customer: Customer) -> None:
    if in_scope(uow, person, customer.owner_id):
        return
    owner = uow.people.get(customer.owner_id)
    who = owner.display_name if owner else "someone else"
    raise Forbidden(
        f"{customer.name} belongs to {who}; only they, their managers and admins can see or "
        f"change it. You can still log a touch: touch {customer.name}"
    )


def covers_for(uow: SqlUnitOfWork, person: Person, owner_id: int, *, now: datetime) -> bool:
    """Whether ``person`` covers for the owner, who is out of office at ``now``."""
    if owner_id == person.id:
        return False
    owner = uow.people.get(owner_id)
    return owner is not None and owner.cover_id == person.id and is_out_of_office(owner, now=now)


def require_customer_view(
    uow: SqlUnitOfWork, person: Person, customer: Customer, *, now: datetime
) -> None:
    """Seeing a customer: its owner, their managers, admins, and the colleague covering for
    the owner while they are out of office."""
    if in_scope(uow, person, customer.owner_id) or covers_for(
        uow, person, customer.owner_id, now=now
    ):
        return
    require_customer_access(uow, person, customer)


def require_person_access(uow: SqlUnitOfWork, person: Person, other: Person) -> None:
    if in_scope(uow, person, other.id):
        return
    raise Forbidden(
        f"{other.display_name} is not in your team: you can see your own and your reports' "
        "data only (admins see everyone)."
    )


def require_admin(person: Person, what: str) -> None:
    if not person.is_admin:
        raise Forbidden(f"Only admins can {what}. Ask an admin, or see `help team`.")


def may_answer(uow: SqlUnitOfWork, person: Person, nudge: Nudge, *, now: datetime) -> bool:
    """Whether ``person`` may answer the nudge: it is theirs, or its recipient is in their team,
    or they cover for its recipient, who is away."""
    if nudge.recipient_id == person.id or in_scope(uow, person, nudge.recipient_id):
        return True
    recipient = uow.people.get(nudge.recipient_id)
    return (
        recipient is not None
        and recipient.cover_id == person.id
        and is_out_of_office(recipient, now=now)
    )


def require_nudge_access(
    uow: SqlUnitOfWork, person: Person, nudge: Nudge, customer: Customer, *, now: datetime
) -> None:
    if may_answer(uow, person, nudge, now=now):
        return
    require_customer_access(uow, person, customer)
    recipient = uow.people.get(nudge.recipient_id)
    who = recipient.display_name if recipient else "someone else"
    raise Forbidden(
        f"That nudge about {customer.name} is for {who}: only they, their managers, their cover "
        "while they are away and admins can answer it."
    )
