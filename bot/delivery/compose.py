"""The messages the bot sends on its own: the daily nudge message and the weekly digest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import DigestSchedule
from bot.replies import Item, Reply, Section
from bot.services.nudge_text import ReadContext, is_actionable, read_context
from bot.services.present import entry_item
from nudges.calendar import local_date
from nudges.model import Customer, Delivery, Nudge, NudgeState, Person
from nudges.policy import Policy
from nudges.ranking import by_customer
from storage import SqlUnitOfWork


def daily_message(
    person: Person,
    *,
    waiting: int,
    waiting_first: int = 0,
    covering: Mapping[int, str] | None = None,
    late: bool = False,
) -> Reply:
    """The envelope of a daily message; its items are filled in at send time from the nudges
    the delivery carries, so an answer given meanwhile is not asked again. ``waiting_first``:
    how many of those waiting are first check-ins of accounts nobody has touched yet.
    ``covering``: for the nudges of a colleague away with ``person`` as cover, by that
    colleague's id, what to say on them ("For Maria, out of office until 12 June")."""
    fields = {"waiting": str(waiting)}
    if waiting_first:
        fields["waiting_first"] = str(waiting_first)
    if late:
        fields["late"] = "yes"
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
    context: ReadContext | None = None,
) -> Reply:
    """The items as they stand at ``now``: one entry per customer (a customer due for two
    reasons appears once, with both), most important first."""
    live = [n for n in nudges if n.state.value in ("open", "delivered")]
    entries = by_customer(live)
    count = len(entries)
    noun = "relationship needs" if count == 1 else "relationships need"
    covering: dict[str, str] = json.loads(envelope.fields.get("covering", "{}"))
    items = tuple(
        _for_whom(
            entry_item(
                entry,
                customers.get(entry[0].customer_id),
                policy=policy,
                now=now,
                health=(health or {}).get(entry[0].customer_id),
                context=context,
            ),
            covering.get(str(entry[0].recipient_id)),
        )
        for entry in entries
    )
    text = envelope.text
    if envelope.fields.get("late"):
        text += " (late: this message could not go out at its usual hour)"
    return Reply(
        text=f"{text}: {count} {noun} you today.",
        sections=(Section(items=items),),
        footer=waiting_footer(envelope.fields),
        kind="nudges",
        fields=dict(envelope.fields),
    )


def read_daily(
    uow: SqlUnitOfWork, daily: list[Delivery], *, policy: Policy, now: datetime
) -> dict[int, Reply | None]:
    """Daily messages as they stand at ``now``, read in ``uow``: their nudges still to answer,
    worded for the reader's clock; None for a message whose items were all answered."""
    nudges = uow.deliveries.nudges_of_many([d.id for d in daily])
    live = {
        d.id: [n for n in nudges[d.id] if n.state in (NudgeState.OPEN, NudgeState.DELIVERED)]
        for d in daily
    }
    wanted = sorted({n.customer_id for items in live.values() for n in items})
    customers = {c.id: c for c in uow.customers.get_many(wanted)}
    people = {p.id: p for p in uow.people.get_many({d.recipient_id for d in daily})}
    composed: dict[int, Reply | None] = {}
    todo: list[tuple[Delivery, str, list[Nudge]]] = []
    for delivery in daily:
        reader = people.get(delivery.recipient_id)
        zone = reader.timezone if reader else "UTC"
        items = [
            n
            for n in live[delivery.id]
            if is_actionable(n, customers.get(n.customer_id), now=now, policy=policy, timezone=zone)
        ]
        if items:
            todo.append((delivery, zone, items))
        else:  # everything was answered meanwhile: nothing left to say
            composed[delivery.id] = None
    if not todo:
        return composed
    # The contacts and last touches of every message's customers, read once for them all.
    shared = read_context(
        uow,
        timezone="UTC",
        customer_ids=[n.customer_id for _, _, items in todo for n in items],
    )
    for delivery, zone, items in todo:
        composed[delivery.id] = fill_daily_message(
            Reply.from_json(delivery.payload),
            items,
            customers,
            policy=policy,
            now=now,
            context=replace(shared, timezone=zone),
        )
    return composed


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
