"""Suppression and routing: who must not hear what, and until when.

- Do-not-contact until a day (inclusive) holds every nudge about the customer, showing why.
- A minimum gap after the last touch holds "reach out" nudges (escalations, which are for the
  manager, never; birthdays and life events neither when ``heart_dates_ignore_min_gap``).
- A snoozed nudge is held until the day after ``snoozed_until``; done, skipped and expired
  nudges never come back (the next cycle has a new dedupe key).
- A person out of office gets nothing up to and including ``ooo_until``; their cover does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from nudges.calendar import days_delta, local_date
from nudges.model import Customer, NudgeReason, NudgeState, NudgeStatus, Person
from nudges.policy import Policy

HEART: frozenset[NudgeReason] = frozenset({NudgeReason.BIRTHDAY, NudgeReason.LIFE_EVENT})
FINISHED: frozenset[NudgeState] = frozenset(
    {NudgeState.DONE, NudgeState.SKIPPED, NudgeState.EXPIRED}
)
#: A nudge waiting for an answer (its buttons shown).
AWAITING_ANSWER: frozenset[NudgeState] = frozenset({NudgeState.OPEN, NudgeState.DELIVERED})
#: A nudge not answered for good: waiting, or snoozed until a day.
LIVE: frozenset[NudgeState] = AWAITING_ANSWER | {NudgeState.SNOOZED}


@dataclass(frozen=True, slots=True)
class Held:
    """A nudge that is due but withheld, and why (so the UI can show it)."""

    dedupe_key: str
    reason: NudgeReason
    why: str  # "do_not_contact", "min_gap", "sensitive_event", "snoozed"
    detail: str
    until: date | None  # the last day it is held, when known


def dnc_active(customer: Customer, today: date) -> bool:
    return customer.dnc_until is not None and today <= customer.dnc_until


def dnc_detail(customer: Customer) -> str:
    until = customer.dnc_until.isoformat() if customer.dnc_until else "further notice"
    reason = f": {customer.dnc_reason}" if customer.dnc_reason else ""
    return f"Do not contact until {until}{reason}"


def min_gap_days(customer: Customer, policy: Policy) -> int:
    gap = customer.min_gap_days if customer.min_gap_days is not None else policy.min_gap_days
    return max(0, gap)


def min_gap_ends_at(customer: Customer, policy: Policy) -> datetime | None:
    """When the minimum gap after the last touch ends (None: no touch, no gap)."""
    if customer.last_touch_at is None:
        return None
    try:
        return customer.last_touch_at + days_delta(min_gap_days(customer, policy))
    except OverflowError:
        return None


def is_gap_exempt(reason: NudgeReason, policy: Policy) -> bool:
    """Escalations go to the manager; renewals are the contract's own calendar, not delayed
    by an unrelated touch; heart dates may come anyway."""
    if reason in (NudgeReason.ESCALATION, NudgeReason.RENEWAL):
        return True
    return policy.heart_dates_ignore_min_gap and reason in HEART


def within_min_gap(customer: Customer, *, now: datetime, policy: Policy) -> bool:
    ends = min_gap_ends_at(customer, policy)
    return ends is not None and now < ends


def state_after(status: NudgeStatus | None, *, today: date) -> NudgeState | None:
    """The state to upsert for a due nudge given what storage holds; None: do not emit.

    New: open. Open or delivered: unchanged. Snoozed: open again once the snooze has passed,
    else held (None, see :func:`is_snoozed`). Done, skipped, expired: never again.
    """
    if status is None:
        return NudgeState.OPEN
    if status.state in FINISHED:
        return None
    if status.state is NudgeState.SNOOZED:
        return None if is_snoozed(status, today=today) else NudgeState.OPEN
    return status.state


def is_snoozed(status: NudgeStatus | None, *, today: date) -> bool:
    if status is None or status.state is not NudgeState.SNOOZED:
        return False
    return status.snoozed_until is None or today <= status.snoozed_until


def is_out_of_office(person: Person, *, now: datetime) -> bool:
    """Out of office up to and including ``ooo_until``, a day in the person's own zone."""
    if person.ooo_until is None:
        return False
    return local_date(now, person.timezone) <= person.ooo_until


def route_recipient(person: Person, *, now: datetime, people: Mapping[int, Person]) -> int:
    """Who receives ``person``'s nudges at ``now``: themselves, or their cover while away.

    The cover must be known, present and reachable; otherwise the nudges stay with ``person``
    and wait for their return (their delivery slots skip the days away). One hop only, so a
    cover who is away too never forwards (and cycles cannot happen).
    """
    if not is_out_of_office(person, now=now) or person.cover_id is None:
        return person.id
    cover = people.get(person.cover_id)
    if cover is None or cover.unreachable or is_out_of_office(cover, now=now):
        return person.id
    return cover.id


CUSTOMER_REASONS: Mapping[str, NudgeReason] = {
    "quiet": NudgeReason.QUIET,
    "owner_quiet": NudgeReason.OWNER_QUIET,
    "escalation": NudgeReason.ESCALATION,
    "birthday": NudgeReason.BIRTHDAY,
    "anniversary": NudgeReason.ANNIVERSARY,
    "renewal": NudgeReason.RENEWAL,
    "custom": NudgeReason.CUSTOM_DATE,
    "life": NudgeReason.LIFE_EVENT,
}


def over_keys(
    customer_id: int, existing: Mapping[str, NudgeStatus], due_keys: set[str]
) -> tuple[str, ...]:
    """Live stored keys of the customer's own reasons (not offers) whose occasion is over:
    not among ``due_keys``, the ones decided due (or held) now."""
    cid = str(customer_id)
    out = []
    for key, status in existing.items():
        parts = key.split(":")
        if (
            len(parts) > 2
            and parts[0] in CUSTOMER_REASONS
            and parts[1] == cid
            and status.state in LIVE
            and key not in due_keys
        ):
            out.append(key)
    return tuple(sorted(out))
