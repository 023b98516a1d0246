"""The calendar feed of one person: the birthdays, anniversaries, renewal checkpoints and
renewal days, custom dates and snoozed follow-ups of their own customers, for the next year,
as all-day events on the days they fall on in the person's own zone."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from bot.services.context import Deps
from bot.transfer.ics import FeedEvent, build_calendar
from nudges.calendar import local_date
from nudges.dates import dated_events, next_renewal
from nudges.model import NudgeReason, NudgeState, Person
from nudges.policy import Policy
from storage import SqlUnitOfWork

HORIZON_DAYS = 366
BATCH = 500
_CATEGORY = {
    NudgeReason.BIRTHDAY: "Birthday",
    NudgeReason.ANNIVERSARY: "Anniversary",
    NudgeReason.RENEWAL: "Renewal",
    NudgeReason.CUSTOM_DATE: "Date",
}


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def calendar_token(uow: SqlUnitOfWork, person: Person, *, reset: bool = False) -> str:
    """The person's feed secret, made on first use; ``reset``: a new one (the old one is dead)."""
    links = uow.links
    token = None if reset else links.calendar_token(person.id)
    if token is None:
        token = secrets.token_urlsafe(24)
        links.set_calendar_token(person.id, token)
    return token


def feed_for_token(deps: Deps, token: str, *, now: datetime) -> bytes | None:
    """The feed behind a secret, or None for a token that is unknown (or was reset)."""
    with deps.reader() as uow:
        person = uow.links.person_by_calendar_token(token)
        if person is None:
            return None
        return person_feed(uow, person, now=now, policy=deps.policy)


def person_feed(uow: SqlUnitOfWork, person: Person, *, now: datetime, policy: Policy) -> bytes:
    today = local_date(now, person.timezone)
    horizon = today + timedelta(days=HORIZON_DAYS)
    events: list[FeedEvent] = []
    customers = uow.customers.owned_by([person.id])
    names = {c.id: c.name for c in customers}
    for start in range(0, len(customers), BATCH):
        batch = customers[start : start + BATCH]
        ids = [c.id for c in batch]
        contacts, dates = defaultdict(list), defaultdict(list)
        for contact in uow.contacts.of_customers(ids):
            contacts[contact.customer_id].append(contact)
        for item in uow.dates.of_customers(ids):
            dates[item.customer_id].append(item)
        for c in batch:
            for e in dated_events(
                customer=c, contacts=contacts[c.id], dates=dates[c.id], today=today, policy=policy
            ):
                if today <= e.on <= horizon:
                    events.append(
                        FeedEvent(
                            uid=f"{e.key}@nudgebot",
                            day=e.on,
                            summary=f"{c.name}: {e.label}",
                            category=_CATEGORY.get(e.reason, ""),
                        )
                    )
            renewal = next_renewal(c, today, policy)
            if renewal is not None and renewal <= horizon:
                events.append(
                    FeedEvent(
                        uid=f"renewal-day:{c.id}:{renewal.isoformat()}@nudgebot",
                        day=renewal,
                        summary=f"{c.name}: renewal",
                        category="Renewal",
                    )
                )
    for n in uow.nudges.for_recipient(person.id, states=(NudgeState.SNOOZED,)):
        if n.snoozed_until is None or n.customer_id not in names:
            continue
        day = n.snoozed_until + timedelta(days=1)
        if today <= day <= horizon:
            events.append(
                FeedEvent(
                    uid=f"follow-up:{n.id}:{n.snoozed_until.isoformat()}@nudgebot",
                    day=day,
                    summary=f"Follow up: {names[n.customer_id]}",
                    description=n.detail,
                    category="Follow-up",
                )
            )
    return build_calendar(
        name=f"nudgebot — {person.display_name}", zone=person.timezone, events=events, now=now
    )
