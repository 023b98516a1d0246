"""What a person is told when their change could not be saved because the database stayed
busy with others' work (after the retries of ``storage.retry``): nothing was saved, and
trying again will do."""

from __future__ import annotations

from bot.commands import Done, LogTouch, Skip, Snooze
from bot.replies import Reply, error

_WHAT: dict[type, str] = {LogTouch: "touch", Done: "answer", Snooze: "snooze", Skip: "skip"}


def busy_reply(command: object | None) -> Reply:
    """ "Couldn't save your touch on Acme — please try again." ``command``: what was asked
    (None: a button on a nudge)."""
    what = _WHAT.get(type(command), "change") if command is not None else "answer"
    customer = getattr(command, "customer", None)
    about = f" on {customer}" if isinstance(customer, str) and customer else ""
    return error(
        f"Couldn't save your {what}{about}: the database was busy. Nothing was changed; "
        "please try again."
    )
