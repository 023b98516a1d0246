"""The messages the bot sends on its own: the daily nudge message and the weekly digest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import DigestSchedule
from bot.replies import Item, Reply, Section
from bot.services.present import nudge_item
from nudges.calendar import local_date
from nudges.model import Customer, Nudge, Person
from nudges.policy import Policy


def daily_message(
    person: Person,
    *,
    waiting: int,
    waiting_first: int = 0,
    covering: Mapping[int, str] | None = None,
) -> Reply:
    """The envelope of a daily message; its items are filled in at send time from the nudges
    the delivery carries, so an answer given meanwhile is not asked again. ``waiting_first``:
    how many of those waiting are first check-ins of accounts nobody has touched yet.
    ``covering``: for the nudges of a colleague away with ``person`` as cover, by that
    colleague's id, what to say on them ("For Maria, out of office until 12 June")."""
    fields = {"waiting": str(waiting)}
    if waiting_first:
        fields["waiting_first"] = str(waiting_first)
    if covering:
        fields["covering"] = json.dumps({str(k): v for k, v in covering.items()})
    return Reply(
        text=f"Good morning {person.display_name.split()[0]}",
        kind="nudges",
        fields=fields,
    )


def waiting_footer(fields: dict[str, str]) -> str | None:
    """What waits for the next days: after a big import, how many first check-ins."""
    waiting = int(fields.get("waiting", "0"))
    first = min(waiting, int(fields.get("waiting_first", "0")))
    parts = []
    if first:
        noun = "account needs" if first == 1 else "accounts need"
        parts.append(f"{first} more {noun} a first check-in; the most valuable come first.")
    if waiting - first:
        parts.append(f"{waiting - first} more waiting for the next days.")
    return " ".join(parts) or None


def fill_daily_message(
    envelope: Reply,
    nudges: list[Nudge],
    customers: dict[int, Customer],
    *,
    policy: Policy,
    now: datetime,
    health: dict[int, int] | None = None,
) -> Reply:
    live = [n for n in nudges if n.state.value in ("open", "delivered")]
    count = len(live)
    noun = "relationship needs" if count == 1 else "relationships need"
    covering: dict[str, str] = json.loads(envelope.fields.get("covering", "{}"))
    items = tuple(
        _for_whom(
            nudge_item(
                n,
                customers.get(n.customer_id),
                policy=policy,
                now=now,
                health=(health or {}).get(n.customer_id),
            ),
            covering.get(str(n.recipient_id)),
        )
        for n in live
    )
    return Reply(
        text=f"{envelope.text}: {count} {noun} you today.",
        sections=(Section(items=items),),
        footer=waiting_footer(envelope.fields),
        kind="nudges",
        fields=dict(envelope.fields),
    )


def _for_whom(item: Item, note: str | None) -> Item:
    return item if note is None else replace(item, lines=(*item.lines, note))


def digest_slot(manager: Person, *, schedule: DigestSchedule, until: datetime) -> datetime:
    """The latest weekly digest slot at or before ``until``: the configured weekday and hour
    in the manager's own time zone."""
    zone = ZoneInfo(manager.timezone)
    day = local_date(until, manager.timezone)
    for back in range(8):
        candidate = day - timedelta(days=back)
        if candidate.weekday() != schedule.weekday:
            continue
        slot = datetime.combine(candidate, time(schedule.hour), tzinfo=zone).astimezone(
            until.tzinfo
        )
        if slot <= until:
            return slot
    raise AssertionError("a weekday recurs within eight days")  # pragma: no cover
