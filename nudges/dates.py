"""Important dates: contacts' birthdays, customer anniversaries, renewal checkpoints, custom dates.

Each thing yields its next occurrence on or after today. A dated nudge is delivered ``lead``
days before the day it is about and exists from ``policy.dated_lookahead_days`` before that
(so delivery can move it off a weekend or holiday); once the day has passed it is no longer
produced, and the next occurrence has a new dedupe key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from nudges.calendar import add_months, in_year, is_valid_month_day, months_between, next_yearly
from nudges.calendar import plus_days as _plus
from nudges.model import Contact, Customer, ImportantDate, NudgeReason, NudgeState, NudgeStatus
from nudges.policy import Policy


@dataclass(frozen=True, slots=True)
class DatedEvent:
    """The next occurrence of something worth a nudge on a given day."""

    reason: NudgeReason
    key: str
    on: date  # the day it is about
    deliver_on: date  # ``on`` minus its lead days (a renewal checkpoint is its own day)
    label: str
    contact_id: int | None = None
    facts: tuple[tuple[str, str], ...] = ()
    until: date | None = None  # the last day it is worth a nudge (default: ``on``)

    @property
    def last_day(self) -> date:
        return self.on if self.until is None else self.until

    def opens_on(self, policy: Policy) -> date:
        """The first day this event's nudge exists."""
        return _plus(self.deliver_on, -max(0, policy.dated_lookahead_days))


def _birthdays(
    customer: Customer, contacts: Iterable[Contact], today: date, policy: Policy
) -> Iterator[DatedEvent]:
    lead = max(0, policy.birthday_lead_days)
    for contact in contacts:
        month, day = contact.birthday_month, contact.birthday_day
        if month is None or day is None or contact.customer_id != customer.id:
            continue
        if not is_valid_month_day(month, day):
            continue
        on = next_yearly(month, day, on_or_after=today, feb29=policy.feb29)
        facts: tuple[tuple[str, str], ...] = (("birthday", f"{month:02d}-{day:02d}"),)
        label = f"{contact.name}'s birthday"
        if contact.birth_year is not None and 0 < on.year - contact.birth_year < 150:
            label = f"{contact.name} turns {on.year - contact.birth_year}"
        yield DatedEvent(
            NudgeReason.BIRTHDAY,
            f"birthday:{customer.id}:{contact.id}:{on.year}",
            on,
            _plus(on, -lead),
            label,
            contact.id,
            facts,
        )


def _anniversary(customer: Customer, today: date, policy: Policy) -> Iterator[DatedEvent]:
    since = customer.since
    if since is None:
        return
    on = next_yearly(since.month, since.day, on_or_after=today, feb29=policy.feb29)
    if on.year <= since.year:
        on = in_year(since.month, since.day, since.year + 1, feb29=policy.feb29)
    years = on.year - since.year
    yield DatedEvent(
        NudgeReason.ANNIVERSARY,
        f"anniversary:{customer.id}:{on.year}",
        on,
        _plus(on, -max(0, policy.anniversary_lead_days)),
        f"{years} year{'s' if years != 1 else ''} as a customer",
        facts=(("since", since.isoformat()), ("years", str(years))),
    )


RENEWS_YEARLY = "renews-yearly"  # the tag of a customer whose contract renews by itself


def renews_by_itself(customer: Customer) -> bool:
    return RENEWS_YEARLY in customer.tags


def next_renewal(customer: Customer, today: date, policy: Policy) -> date | None:
    """The renewal date on or after ``today``: a passed one rolls forward by the term for a
    customer tagged ``renews-yearly``; for any other it is unknown (None) until the owner
    gives the next one."""
    renewal = customer.renewal_on
    if renewal is None or renewal >= today:
        return renewal
    if not renews_by_itself(customer):
        return None
    term = max(1, policy.renewal_term_months)
    periods = max(0, months_between(renewal, today) // term)
    for k in (periods, periods + 1, periods + 2):
        candidate = add_months(renewal, k * term)
        if candidate >= today:
            return candidate
    return None


def _renewal(customer: Customer, today: date, policy: Policy) -> Iterator[DatedEvent]:
    renewal = next_renewal(customer, today, policy)
    passed = customer.renewal_on
    if renewal is None and passed is not None:
        # The renewal date has passed and nothing says when the next one is: ask the owner,
        # every day until they give it (a new date is a new key).
        day = _plus(passed, 1)
        yield DatedEvent(
            NudgeReason.RENEWAL,
            f"renewal:{customer.id}:{passed.isoformat()}:passed",
            day,
            day,
            f"The renewal of {passed.isoformat()} has passed: when is the next one?",
            facts=(("renewal_on", passed.isoformat()), ("passed", "yes")),
            until=max(today, day),
        )
        return
    if renewal is None:
        return
    checkpoints = sorted({max(0, c) for c in policy.renewal_checkpoints}, reverse=True) or [0]
    events = [
        DatedEvent(
            NudgeReason.RENEWAL,
            f"renewal:{customer.id}:{renewal.isoformat()}:{c}",
            _plus(renewal, -c),
            _plus(renewal, -c),
            f"Renewal on {renewal.isoformat()} ({c} days to go)" if c else "Renewal today",
            facts=(("renewal_on", renewal.isoformat()), ("checkpoint_days", str(c))),
            until=renewal,
        )
        for c in checkpoints
    ]
    opened = [e for e in events if e.opens_on(policy) <= today]
    # Only the latest checkpoint that has opened: a customer added late gets one reminder.
    yield from (opened[-1:] if opened else events)
    if opened:
        yield from (e for e in events if e.opens_on(policy) > today)


def _custom(
    customer: Customer, dates: Iterable[ImportantDate], today: date, policy: Policy
) -> Iterator[DatedEvent]:
    for item in dates:
        if item.customer_id != customer.id:
            continue
        if item.yearly:
            start = max(today, item.on)
            on = next_yearly(item.on.month, item.on.day, on_or_after=start, feb29=policy.feb29)
        elif item.on >= today:
            on = item.on
        else:
            continue
        lead = policy.custom_date_lead_days if item.lead_days is None else item.lead_days
        yield DatedEvent(
            NudgeReason.CUSTOM_DATE,
            f"custom:{customer.id}:{item.id}:{on.isoformat()}",
            on,
            _plus(on, -max(0, lead)),
            item.label,
            item.contact_id,
        )


def dated_events(
    *,
    customer: Customer,
    contacts: Sequence[Contact],
    dates: Sequence[ImportantDate],
    today: date,
    policy: Policy,
) -> list[DatedEvent]:
    """The next occurrence of every dated thing about ``customer`` on or after ``today``.

    Renewal checkpoints not yet opened are included too, so callers can see when they open.
    """
    events: list[DatedEvent] = []
    events.extend(_birthdays(customer, contacts, today, policy))
    events.extend(_anniversary(customer, today, policy))
    events.extend(_renewal(customer, today, policy))
    events.extend(_custom(customer, dates, today, policy))
    return events


def is_open(event: DatedEvent, *, today: date, policy: Policy) -> bool:
    """Whether the event's nudge exists on ``today`` (from its opening until its day)."""
    return event.opens_on(policy) <= today <= event.last_day


def upcoming(
    *,
    customer: Customer,
    contacts: Sequence[Contact],
    dates: Sequence[ImportantDate],
    today: date,
    policy: Policy,
    days: int,
) -> list[DatedEvent]:
    """Dates falling within the next ``days`` days, soonest first (a renewal counts once)."""
    found = dated_events(
        customer=customer, contacts=contacts, dates=dates, today=today, policy=policy
    )
    return coming_up(found, today=today, days=days)


def coming_up(found: Iterable[DatedEvent], *, today: date, days: int) -> list[DatedEvent]:
    """``upcoming`` of the events ``dated_events`` gave for ``today`` (worked out once)."""
    horizon = _plus(today, days)
    chosen: dict[tuple[NudgeReason, date, str], DatedEvent] = {}
    for event in found:
        if ("passed", "yes") in event.facts:
            continue  # a question for the owner, not a date coming up
        if today <= event.last_day <= horizon:
            ident = event.key if event.reason is not NudgeReason.RENEWAL else ""
            if event.reason is NudgeReason.RENEWAL:
                event = _renewal_day(event, today)
            chosen.setdefault((event.reason, event.last_day, ident), event)
    return sorted(chosen.values(), key=lambda e: (e.last_day, e.key))


def _renewal_day(checkpoint: DatedEvent, today: date) -> DatedEvent:
    """A renewal coming up is the renewal day itself, counted from ``today`` (not the
    checkpoint that reminds of it, with the days it had to go then)."""
    day = checkpoint.last_day
    days = (day - today).days
    label = {0: "Renewal today", 1: "Renewal tomorrow"}.get(days, f"Renewal in {days} days")
    return replace(checkpoint, on=day, deliver_on=day, label=label)


#: The dedupe keys of dated nudges begin with one of these (see the events above).
DATED_KEYS = ("birthday:", "anniversary:", "renewal:", "custom:")

CATCH_UP_DAYS = 7  # a dated nudge never delivered is still delivered this long after its day


def missed_events(
    *,
    customer: Customer,
    contacts: Sequence[Contact],
    dates: Sequence[ImportantDate],
    existing: Mapping[str, NudgeStatus],
    today: date,
    policy: Policy,
) -> list[DatedEvent]:
    """Dated nudges whose day passed while the bot could not deliver them (it was down): still
    open, never delivered, within ``CATCH_UP_DAYS`` of their day. Each goes out once ("Lea's
    birthday was yesterday"); once delivered it ends like any other."""
    if not any(
        status.state is NudgeState.OPEN and key.startswith(DATED_KEYS)
        for key, status in existing.items()
    ):
        return []  # nothing dated stored open: nothing to catch up (most customers)
    found = dated_events(
        customer=customer,
        contacts=contacts,
        dates=dates,
        today=_plus(today, -CATCH_UP_DAYS),
        policy=policy,
    )
    return [
        e
        for e in found
        if e.last_day < today
        and ("passed", "yes") not in e.facts
        and (status := existing.get(e.key)) is not None
        and status.state is NudgeState.OPEN
    ]
