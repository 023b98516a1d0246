"""Authorization: who may see and change what.

- A salesperson sees and changes their own customers, and may log a touch on any customer
  (the account was touched, whoever touched it).
- A manager sees and changes their reports' customers, transitively.
- Admins see and change everything and manage the team.
"""

from __future__ import annotations

from nudges.model import Customer, Person
from storage import SqlUnitOfWork


class Forbidden(PermissionError):
    pass


def scope_ids(uow: SqlUnitOfWork, person: Person) -> set[int] | None:
    """The owners whose customers ``person`` may see: None means everyone (an admin)."""
    if person.is_admin:
        return None
    return {person.id} | {p.id for p in uow.people.reports_of(person.id)}


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
