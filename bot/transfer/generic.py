"""Our own file layout: the columns ``export`` writes, in order, and that
``import … --preset generic`` reads. Records are referred to by key (``source:external id``;
a record typed into the bot is ``nudgebot-<workspace export key>:<id>``), people by their
platform handle, offers by title."""

from __future__ import annotations

from collections.abc import Mapping

from bot.transfer.presets import Columns, Kind
from bot.transfer.values import DateOrder

COLUMNS: Mapping[Kind, tuple[str, ...]] = {
    Kind.WORKSPACE: ("platform", "external_id", "name", "timezone", "holiday_country"),
    Kind.PEOPLE: (
        "key", "display_name", "email", "timezone", "working_days", "delivery_hour",
        "holiday_country", "manager", "ooo_until", "cover", "daily_cap", "is_admin",
        "unreachable",
    ),
    Kind.CUSTOMERS: (
        "key", "name", "owner", "tier", "kind", "cadence", "since", "renewal", "value",
        "timezone", "country", "tags", "dnc_until", "dnc_reason", "min_gap_days", "archived",
        "last_touch", "owner_last_touch", "added_at",
    ),
    Kind.CONTACTS: (
        "key", "customer_key", "customer", "name", "role", "email", "birthday",
    ),
    Kind.DATES: (
        "key", "customer_key", "customer", "contact_key", "label", "on", "yearly", "lead_days",
    ),
    Kind.EVENTS: ("key", "customer_key", "customer", "contact_key", "kind", "on", "note"),
    Kind.TOUCHES: (
        "key", "customer_key", "customer", "person", "contact_key", "ritual", "at", "note",
    ),
    Kind.OFFERS: (
        "title", "kind", "existing_first_on", "public_on", "quantity", "tiers", "kinds", "tags",
        "description", "added_at",
    ),
    Kind.PITCHES: ("offer", "customer_key", "customer", "state", "at", "person"),
    Kind.NUDGES: (
        "key", "customer_key", "customer", "recipient", "reason", "level", "due_on",
        "deliver_on", "priority", "ritual", "detail", "facts", "state", "snoozed_until",
        "state_reason", "offer", "contact_key", "date_key", "event_key", "person_key",
        "added_at", "updated_at",
    ),
}  # fmt: skip

#: The order ``import all`` reads an export's files in: what a file refers to comes first.
ORDER: tuple[Kind, ...] = (
    Kind.WORKSPACE, Kind.PEOPLE, Kind.CUSTOMERS, Kind.CONTACTS, Kind.DATES, Kind.EVENTS,
    Kind.TOUCHES, Kind.OFFERS, Kind.PITCHES, Kind.NUDGES,
)  # fmt: skip

DATE_ORDER = DateOrder.DAY_FIRST  # export writes ISO dates only; this is never needed


def columns(kind: Kind) -> Columns:
    return {name: (name,) for name in COLUMNS[kind]}
