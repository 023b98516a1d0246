"""Factories for domain values: sensible defaults, override what the test is about."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from nudges.engine import CustomerView
from nudges.model import (
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    Nudge,
    NudgeReason,
    Offer,
    OfferKind,
    Person,
    Touch,
)

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # a Wednesday


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def person(**over: Any) -> Person:
    values: dict[str, Any] = {
        "id": 1,
        "workspace_id": 1,
        "platform_user_id": "U1",
        "display_name": "Sam Seller",
        "timezone": "UTC",
        "manager_id": 9,
    }
    values.update(over)
    return Person(**values)


def customer(**over: Any) -> Customer:
    values: dict[str, Any] = {
        "id": 100,
        "workspace_id": 1,
        "name": "Acme",
        "owner_id": 1,
        "tier": "core",
        "since": date(2020, 1, 15),
        "annual_value": 50_000,
        "last_touch_at": NOW - timedelta(days=5),
        "owner_last_touch_at": NOW - timedelta(days=5),
    }
    values.update(over)
    return Customer(**values)


def contact(**over: Any) -> Contact:
    values: dict[str, Any] = {"id": 500, "customer_id": 100, "name": "Pat Buyer"}
    values.update(over)
    return Contact(**values)


def touch(**over: Any) -> Touch:
    values: dict[str, Any] = {
        "id": 1,
        "customer_id": 100,
        "person_id": 1,
        "ritual": "call",
        "at": NOW,
    }
    values.update(over)
    return Touch(**values)


def important_date(**over: Any) -> ImportantDate:
    values: dict[str, Any] = {
        "id": 70,
        "customer_id": 100,
        "label": "Founding day",
        "on": date(2019, 6, 12),
    }
    values.update(over)
    return ImportantDate(**values)


def life_event(**over: Any) -> LifeEvent:
    values: dict[str, Any] = {"id": 80, "customer_id": 100, "kind": "illness", "on": NOW.date()}
    values.update(over)
    return LifeEvent(**values)


def offer(**over: Any) -> Offer:
    values: dict[str, Any] = {
        "id": 40,
        "workspace_id": 1,
        "title": "New analytics add-on",
        "kind": OfferKind.PRODUCT,
        "existing_first_on": date(2026, 6, 1),
        "public_on": date(2026, 7, 1),
    }
    values.update(over)
    return Offer(**values)


def nudge(**over: Any) -> Nudge:
    values: dict[str, Any] = {
        "dedupe_key": "quiet:100:x",
        "customer_id": 100,
        "recipient_id": 1,
        "reason": NudgeReason.QUIET,
        "due_on": NOW.date(),
        "priority": 10.0,
        "ritual": None,
        "detail": "Quiet",
    }
    values.update(over)
    return Nudge(**values)


def view(**over: Any) -> CustomerView:
    values: dict[str, Any] = {"customer": customer(), "owner": person()}
    values.update(over)
    return CustomerView(**values)
