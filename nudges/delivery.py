"""Delivery planning for one recipient: when their next message goes out and what it carries.

Only open nudges (and snoozed ones whose snooze has passed) whose own slot is due by the
recipient's next slot are considered; the most important ``cap`` of them go, the rest wait for
another day (they stay open: never lost). Routing while someone is out of office is
:func:`nudges.suppress.route_recipient`; :func:`route_nudges` applies it to a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from nudges.calendar import local_date
from nudges.model import Nudge, NudgeState, Person
from nudges.policy import Policy
from nudges.quiet import FIRST_CHECK_IN
from nudges.ranking import by_customer, cap_for, capped
from nudges.suppress import route_recipient
from nudges.timing import next_slot, slot_for_nudge


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    recipient_id: int
    slot: datetime  # when the message goes out
    nudges: tuple[Nudge, ...]  # ranked, of at most the recipient's daily cap of customers
    waiting: int  # customers due but over the cap: they wait for the next slot
    later: int  # not yet due by this slot (dated nudges delivered on their day)
    waiting_first: int = 0  # of those waiting: first check-ins of accounts never touched


def _deliverable(nudge: Nudge, day: date) -> bool:
    if nudge.state is NudgeState.OPEN:
        return True
    return (
        nudge.state is NudgeState.SNOOZED
        and nudge.snoozed_until is not None
        and nudge.snoozed_until < day
    )


def plan_delivery(
    recipient: Person,
    nudges: Iterable[Nudge],
    *,
    now: datetime,
    policy: Policy,
    holidays: frozenset[date],
) -> DeliveryPlan:
    """The recipient's next slot at or after ``now`` and the ranked, capped nudges for it."""
    slot = next_slot(recipient, after=now, holidays=holidays)
    day = local_date(slot, recipient.timezone)
    due: list[Nudge] = []
    later = 0
    for n in nudges:
        if not _deliverable(n, day):
            continue
        # An undated nudge's slot is the next slot itself (``slot_for_nudge``).
        if n.deliver_on is None or (
            slot_for_nudge(recipient, n, now=now, holidays=holidays, policy=policy) <= slot
        ):
            due.append(n)
        else:
            later += 1
    kept, waiting = capped(due, limit=cap_for(recipient, policy))
    shown = {n.customer_id for n in kept}
    first = sum(
        1
        for entry in by_customer(due)
        if entry[0].customer_id not in shown and any(is_first_check_in(n) for n in entry)
    )
    return DeliveryPlan(recipient.id, slot, tuple(kept), waiting, later, first)


def owed_by(nudge: Nudge, slot: datetime, *, tz_name: str) -> bool:
    """Whether ``nudge`` was due by ``slot``: a message missed at that slot (the bot was down)
    owes it. Its ``due_at`` fact when it has one (the instant a quiet account turned amber or
    red, or escalated), else the start of the day it is about or is delivered on."""
    due_at = next((v for k, v in nudge.facts if k == "due_at"), None)
    if due_at is not None:
        return datetime.fromisoformat(due_at) <= slot
    day = local_date(slot, tz_name)
    return (nudge.deliver_on if nudge.deliver_on is not None else nudge.due_on) <= day


def is_first_check_in(nudge: Nudge) -> bool:
    return any(label == FIRST_CHECK_IN for label, _ in nudge.facts)


def may_deliver_by(person: Person, *, after: datetime, horizon: datetime) -> bool:
    """Whether ``person``'s next slot at or after ``after`` can fall by ``horizon``. Computed
    without holidays, which only ever postpone a slot: False is certain, so a sweep need not
    read and plan this person's nudges now."""
    return earliest_slot(person, after=after) <= horizon


def earliest_slot(person: Person, *, after: datetime) -> datetime:
    """``person``'s next slot at or after ``after`` were there no holidays (which only ever
    postpone a slot). The same for every ``after`` up to that slot."""
    return next_slot(person, after=after, holidays=frozenset())


def route_nudges(
    nudges: Iterable[Nudge], *, now: datetime, people: Mapping[int, Person]
) -> dict[int, list[Nudge]]:
    """Group nudges by who receives them at ``now`` (a cover while the recipient is away)."""
    routed: dict[int, list[Nudge]] = {}
    for n in nudges:
        person = people.get(n.recipient_id)
        target = route_recipient(person, now=now, people=people) if person else n.recipient_id
        routed.setdefault(target, []).append(n)
    return routed
