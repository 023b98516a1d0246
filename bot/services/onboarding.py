"""A first week that makes sense: what the bot knows of an account's last touch before it
learned of the account, and how an account nobody has touched yet is described."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.wording import count, long_date
from nudges.calendar import local_date, start_of_day
from nudges.model import Customer, Person
from nudges.quiet import QuietStatus


def last_touched(customer: Customer, day: date, *, owner: Person) -> dict[str, datetime]:
    """``last=DAY`` (or a CRM's last-activity date): the account, and as far as the bot knows
    its owner, was last touched on that day, from midnight in the owner's zone. The clocks only
    move forward: a later touch the bot already knows of stands."""
    at = start_of_day(day, owner.timezone)
    return {
        field: at
        for field, current in (
            ("last_touch_at", customer.last_touch_at),
            ("owner_last_touch_at", customer.owner_last_touch_at),
        )
        if current is None or current < at
    }


def since_last_touch(
    customer: Customer, status: QuietStatus, *, now: datetime, tz_name: str
) -> str:
    """ "12 days since the last touch", or, for an account nobody has touched yet, when it was
    added and when its first check-in is due."""
    if not status.first_check_in:
        return f"{count(status.days_quiet, 'day')} since the last touch"
    if customer.added_at is None:
        return "no touch logged yet"
    known = max(0, (now - customer.added_at).days)
    due = ""
    if status.amber_at is not None and status.amber_at > now:
        today = local_date(now, tz_name)
        due = f", first check-in due {long_date(local_date(status.amber_at, tz_name), today=today)}"
    added = "today" if known == 0 else f"{count(known, 'day')} ago"
    return f"no touch logged yet (added {added}{due})"
