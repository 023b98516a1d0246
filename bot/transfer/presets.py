"""Which column of a CRM's standard export holds which of our fields.

Headers are matched case-insensitively with spaces collapsed; columns we do not use are
ignored. Where several headers are listed for a field, the first one present in the file is
read, except for the fields in :data:`COMBINED`, which read every one present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.transfer.values import DateOrder


class Kind(StrEnum):
    """What a file holds. The first three come from CRMs; the rest only from ``export``."""

    CUSTOMERS = "customers"
    CONTACTS = "contacts"
    TOUCHES = "touches"
    WORKSPACE = "workspace"
    PEOPLE = "people"
    DATES = "dates"
    EVENTS = "events"
    OFFERS = "offers"
    PITCHES = "pitches"
    NUDGES = "nudges"


CRM_KINDS = (Kind.CUSTOMERS, Kind.CONTACTS, Kind.TOUCHES)

#: Fields that read every listed column present: the latest of several last-activity dates;
#: a note joined from a subject and a body.
COMBINED = frozenset({"last_touch", "note"})

#: Per kind, the fields at least one of which a file must have, by group: every group needs one.
REQUIRED: Mapping[Kind, tuple[tuple[str, ...], ...]] = {
    Kind.CUSTOMERS: (("name",),),
    Kind.CONTACTS: (("name", "first_name", "last_name"), ("customer", "customer_key")),
    Kind.TOUCHES: (("at",), ("customer", "customer_key")),
}

Columns = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    order: DateOrder  # how the CRM writes numeric dates by default (an option overrides it)
    columns: Mapping[Kind, Columns]
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> map


# How CRMs name relationship kinds and activity types ("*": any other value).
_KIND_VALUES = {
    "customer": "customer", "customer - direct": "customer", "customer - channel": "customer",
    "prospect": "customer", "other": "customer", "": "customer",
    "partner": "partner", "reseller": "partner", "channel partner / reseller": "partner",
    "installation partner": "partner", "technology partner": "partner",
    "integrator": "partner", "vendor": "supplier", "supplier": "supplier",
    "referrer": "referrer", "referral partner": "referrer", "internal": "internal",
    "*": "customer",
}  # fmt: skip
_RITUAL_VALUES = {
    "call": "call", "logged call": "call", "phone call": "call", "calls": "call",
    "meeting": "meeting", "meetings": "meeting", "logged meeting": "meeting",
    "email": "email", "e-mail": "email", "emails": "email", "logged email": "email",
    "sent email": "email", "incoming email": "email", "lunch": "lunch", "coffee": "coffee",
    "task": "task", "note": "note", "deadline": "deadline", "linkedin message": "message",
}  # fmt: skip
_CRM_VALUES = {"kind": _KIND_VALUES, "ritual": _RITUAL_VALUES}

HUBSPOT = Preset(
    "hubspot",
    DateOrder.MONTH_FIRST,
    {
        Kind.CUSTOMERS: {
            "key": ("record id", "company id"),
            "name": ("company name", "name"),
            "owner": ("company owner", "hubspot owner", "owner"),
            "since": ("create date", "became a customer date"),
            "last_touch": ("last activity date", "last contacted", "last engagement date"),
            "value": ("annual revenue",),
            "timezone": ("time zone",),
            "country": ("country/region", "country"),
            "kind": ("type",),
            "tags": ("industry",),
        },
        Kind.CONTACTS: {
            "key": ("record id", "contact id"),
            "first_name": ("first name",),
            "last_name": ("last name",),
            "email": ("email",),
            "role": ("job title",),
            "customer": ("associated company", "company name", "company"),
            "customer_key": (
                "associated company ids (primary)",
                "associated company id",
                "associated company ids",
            ),
            "birthday": ("date of birth", "birthday"),
        },
        Kind.TOUCHES: {
            "key": ("record id", "activity id", "engagement id"),
            "at": ("activity date", "create date", "timestamp"),
            "ritual": ("activity type", "type", "engagement type"),
            "person": ("activity assigned to", "assigned to", "hubspot owner", "created by"),
            "customer": ("associated company", "company name"),
            "customer_key": ("associated company ids (primary)", "associated company id"),
            "contact": ("associated contact", "contact name"),
            "note": ("subject", "meeting name", "call title", "body preview", "notes", "body"),
        },
    },
    _CRM_VALUES,
)

SALESFORCE = Preset(
    "salesforce",
    DateOrder.MONTH_FIRST,
    {
        Kind.CUSTOMERS: {
            "key": ("account id",),
            "name": ("account name",),
            "owner": ("account owner", "account owner: full name", "owner name"),
            "since": ("created date",),
            "last_touch": ("last activity", "last activity date", "last modified date"),
            "value": ("annual revenue",),
            "country": ("billing country", "shipping country"),
            "kind": ("type", "account type"),
            "tags": ("industry",),
        },
        Kind.CONTACTS: {
            "key": ("contact id",),
            "first_name": ("first name",),
            "last_name": ("last name",),
            "name": ("full name", "contact name"),
            "role": ("title",),
            "email": ("email",),
            "birthday": ("birthdate",),
            "customer": ("account name",),
            "customer_key": ("account id",),
        },
        Kind.TOUCHES: {
            "key": ("activity id", "task id", "event id"),
            "at": ("date", "activity date", "due date", "completed date/time"),
            "ritual": ("task subtype", "task type", "type", "event subtype"),
            "person": ("assigned", "assigned to", "assigned: full name"),
            "customer": ("account name", "company / account"),
            "customer_key": ("account id",),
            "contact": ("contact", "name", "contact name"),
            "note": ("subject", "comments", "full comments", "description"),
        },
    },
    _CRM_VALUES,
)

PIPEDRIVE = Preset(
    "pipedrive",
    DateOrder.DAY_FIRST,
    {
        Kind.CUSTOMERS: {
            "key": ("organization - id",),
            "name": ("organization - name",),
            "owner": ("organization - owner",),
            "since": ("organization - organization created", "organization - add time"),
            "last_touch": ("organization - last activity date", "organization - last activity"),
            "country": ("organization - address country", "organization - country"),
            "tags": ("organization - labels", "organization - label"),
            "value": ("organization - annual revenue",),
        },
        Kind.CONTACTS: {
            "key": ("person - id",),
            "name": ("person - name",),
            "customer": ("person - organization",),
            "role": ("person - job title",),
            "email": ("person - email", "person - email - work", "person - email - other"),
            "birthday": ("person - birthday",),
        },
        Kind.TOUCHES: {
            "key": ("activity - id",),
            "at": ("activity - marked as done time", "activity - due date", "activity - add time"),
            "ritual": ("activity - type",),
            "person": ("activity - assigned to user", "activity - creator"),
            "customer": ("activity - organization", "organization - name"),
            "contact": ("activity - contact person", "person - name"),
            "note": ("activity - subject", "activity - note"),
            "done": ("activity - done",),
        },
    },
    _CRM_VALUES,
)

PRESETS: Mapping[str, Preset] = {p.name: p for p in (HUBSPOT, SALESFORCE, PIPEDRIVE)}
