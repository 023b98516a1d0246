"""Life events: a card or a personal note for sensitive ones, congratulations for happy ones.

An event nudges from its day for ``policy.life_event_window_days``. A sensitive event also
suppresses upbeat nudges (offers, parity, abreast, birthdays, anniversaries, celebrations)
about the customer for ``policy.sensitive_suppression_days`` after its day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from nudges.calendar import plus_days
from nudges.model import LifeEvent, NudgeReason
from nudges.policy import Policy

UPBEAT: frozenset[NudgeReason] = frozenset(
    {
        NudgeReason.OFFER,
        NudgeReason.PARITY,
        NudgeReason.ABREAST,
        NudgeReason.BIRTHDAY,
        NudgeReason.ANNIVERSARY,
        NudgeReason.CUSTOM_DATE,
    }
)


def is_sensitive(event: LifeEvent, policy: Policy) -> bool:
    return event.kind in policy.sensitive_events


def is_happy(event: LifeEvent, policy: Policy) -> bool:
    return event.kind in policy.happy_events


def window_end(event: LifeEvent, policy: Policy) -> date:
    """The last day the event still nudges."""
    return plus_days(event.on, max(0, policy.life_event_window_days))


def nudging_events(
    events: Iterable[LifeEvent], *, customer_id: int, today: date, policy: Policy
) -> list[LifeEvent]:
    """Events of the customer that nudge on ``today`` (from their day until the window ends)."""
    return [
        e for e in events if e.customer_id == customer_id and e.on <= today <= window_end(e, policy)
    ]


def advice(kind: str, policy: Policy) -> str:
    """What to do about an event of ``kind``."""
    if kind in policy.sensitive_events:
        return "Send a card or a personal note"
    if kind in policy.happy_events:
        return "Congratulate them"
    return "Reach out personally"


def suggestion(event: LifeEvent, policy: Policy) -> str:
    """The human reason for a life-event nudge."""
    who = event.kind.replace("_", " ")
    return f"{advice(event.kind, policy)} ({who} on {event.on.isoformat()})"


def sensitive_until(
    events: Iterable[LifeEvent], *, customer_id: int, today: date, policy: Policy
) -> date | None:
    """The last day upbeat nudges stay suppressed, if a sensitive event suppresses them today."""
    days = max(0, policy.sensitive_suppression_days)
    ends = [
        plus_days(e.on, days)
        for e in events
        if e.customer_id == customer_id and is_sensitive(e, policy) and e.on <= today
    ]
    latest = max(ends, default=None)
    return latest if latest is not None and latest >= today else None
