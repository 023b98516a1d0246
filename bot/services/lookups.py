"""Small reads an adapter needs to draw a form or a page: whose customer a nudge is about,
whether someone manages anyone, a person as stored now."""

from __future__ import annotations

from bot.services.context import Deps
from nudges.model import Person


def customer_of_nudge(deps: Deps, nudge_id: int) -> str | None:
    """The name of the customer a nudge is about; None when the nudge (or it) is gone."""
    with deps.reader() as uow:
        nudge = uow.nudges.get(nudge_id)
        customer = uow.customers.get(nudge.customer_id) if nudge is not None else None
    return customer.name if customer is not None else None


def is_manager(deps: Deps, person_id: int) -> bool:
    with deps.reader() as uow:
        return uow.people.has_reports(person_id)


def people(deps: Deps, person_ids: set[int]) -> dict[int, Person]:
    """The people still registered, by id."""
    with deps.reader() as uow:
        return {p.id: p for p in uow.people.get_many(person_ids)}
