"""`undo`: take back the person's last change, made in the last few minutes, from the change
log (see :mod:`storage.repositories.changes`), and say what was taken back."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.commands import Undo
from bot.replies import Reply, ok
from bot.services.request import Request, ServiceError
from nudges.model import DeliveryState
from storage.repositories.changes import Change, Conflict, Image, values_of

WINDOW = timedelta(minutes=15)
_WHAT = {
    "customer": "the customer",
    "customer_tag": "its tags",
    "contact": "a contact",
    "important_date": "a date",
    "life_event": "a life event",
    "touchpoint": "a touch",
    "pitch": "a pitch",
    "offer": "the offer",
    "person": "the person's settings",
    "delivery": "a message",
}


def undo(req: Request, cmd: Undo) -> Reply:
    changes = req.uow.changes
    person, workspace = req.person.id, req.actor.workspace.id
    change = changes.last(person_id=person, workspace_id=workspace, since=req.now - WINDOW)
    if change is None:
        newest = changes.newest_at(person_id=person, workspace_id=workspace)
        if newest is not None:
            at = newest.astimezone(ZoneInfo(req.person.timezone)).strftime("%H:%M")
            raise ServiceError(
                f"Nothing to undo: your last change, at {at}, is more than 15 minutes old. "
                "Change it back by hand (see `help`)."
            )
        raise ServiceError("Nothing to undo: you have made no change in the last 15 minutes.")
    gone = _messages_gone(req, change)
    try:
        changes.undo(change, at=req.now, keep=gone)
    except Conflict as conflict:
        what = _WHAT.get(conflict.table, "something it changed")
        raise ServiceError(
            f"I can't undo {change.summary}: {what} changed since, and undoing it would lose "
            "that later change. Change it back by hand."
        ) from None
    customers = values_of(change.images, "customer", "id") | {
        v
        for table in ("nudge", "contact", "important_date", "life_event", "pitch", "touchpoint")
        for v in values_of(change.images, table, "customer_id")
    }
    req.refresh(*sorted(customers))
    for offer_id in values_of(change.images, "pitch", "offer_id"):
        req.uow.offers.set_next_due(offer_id, req.now)  # who is next in line may change back
    req.audit("change.undo", subject_type="change", subject_id=change.id)
    req.uow.commit()
    note = " The message it sent had already gone out." if gone else ""
    return ok(f"Undone: {change.summary}.{note}")


def _messages_gone(req: Request, change: Change) -> list[Image]:
    """Messages the change queued that have been sent meanwhile: they cannot be unsent, and
    their record stays."""
    out = []
    for image in change.images:
        if image.table == "delivery" and image.before is None:
            delivery = req.uow.deliveries.get(int(image.key["id"]))
            if delivery is not None and delivery.state is not DeliveryState.PENDING:
                out.append(image)
    return out
