"""Items by their number in the last numbered list a person was shown (``done 2``)."""

from __future__ import annotations

from bot.services.request import Request, ServiceError
from nudges.model import Customer


def customer_at(req: Request, position: int) -> Customer:
    """The customer of item ``position`` (1-based) of the actor's last list."""
    shown = req.uow.shown.last(req.person.id)
    if shown is None or not shown.refs:
        raise ServiceError(
            "There is no numbered list to count from yet: `nudges` shows yours, numbered "
            "(so does your daily message). Or name the customer instead of a number."
        )
    count = len(shown.refs)
    if position > count:
        items = "1 item" if count == 1 else f"{count} items"
        raise ServiceError(
            f"Your last list had {items}: there is no {position}. `nudges` shows the current one."
        )
    kind, _, number = shown.refs[position - 1].partition(":")
    customer_id: int | None = None
    if kind == "nudge" and number.isdigit():
        nudge = req.uow.nudges.get(int(number))
        customer_id = nudge.customer_id if nudge is not None else None
    elif kind == "customer" and number.isdigit():
        customer_id = int(number)
    customer = req.uow.customers.get(customer_id) if customer_id is not None else None
    if customer is None or customer.workspace_id != req.actor.workspace.id:
        raise ServiceError(
            f"Item {position} of your last list no longer exists. `nudges` shows the current one."
        )
    return customer


def customer_named_or_at(req: Request, name: str | None, position: int | None) -> Customer:
    """The customer a command names, or the one at its position in the last list."""
    if position is not None:
        return customer_at(req, position)
    if name is None:  # pragma: no cover - the grammar gives one or the other
        raise ServiceError("Say which customer, by name or by its number in your last list.")
    return req.customer(name, for_change=False)
