"""Domain values: what the bot knows about people, customers and the rituals between them.

Plain frozen dataclasses, standard library only. Storage hands these out; the engine decides on
them; adapters render what the engine decided. Instants are aware UTC ``datetime``s; calendar
facts (birthdays, renewals, out-of-office) are ``date``s interpreted in the relevant person's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

#: A platform's name as stored (at most 16 characters): lower-case letters, digits, ``-``/``_``.
PLATFORM_NAME = re.compile(r"[a-z][a-z0-9_-]{0,15}")


class Platform(StrEnum):
    """The chat platform a workspace lives on. The members are the platforms the bot ships
    with; any other well-formed name is a platform added as a plug-in (``bot.platforms``),
    and ``Platform("name")`` gives its value without a change here."""

    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"

    @classmethod
    def _missing_(cls, value: object) -> Platform | None:
        if not isinstance(value, str) or not PLATFORM_NAME.fullmatch(value):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]


class RelationshipKind(StrEnum):
    """Customers are not the only relationships worth tending ("think three-dimensional")."""

    CUSTOMER = "customer"
    PARTNER = "partner"
    SUPPLIER = "supplier"
    REFERRER = "referrer"
    INTERNAL = "internal"


class NudgeReason(StrEnum):
    QUIET = "quiet"  # the account has not been touched within its cadence
    OWNER_QUIET = "owner_quiet"  # colleagues touched it, the owner has not in a while
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"  # years as a customer, from customer-since
    RENEWAL = "renewal"
    CUSTOM_DATE = "custom_date"
    OFFER = "offer"  # pitch a new offer to an existing customer before it goes public
    PARITY = "parity"  # a new-customer incentive: offer the best existing customers the same
    ABREAST = "abreast"  # a case study or win worth sharing with this customer
    LIFE_EVENT = "life_event"
    ESCALATION = "escalation"  # red for too long: the manager's concern


class NudgeState(StrEnum):
    OPEN = "open"
    DELIVERED = "delivered"
    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    EXPIRED = "expired"


class PitchState(StrEnum):
    PENDING = "pending"
    PITCHED = "pitched"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class OfferKind(StrEnum):
    PRODUCT = "product"  # a new product or service: existing customers hear of it first
    INCENTIVE = "incentive"  # a new-customer incentive: loyal customers deserve the same
    CASE_STUDY = "case_study"  # keep customers abreast of what we do
    WIN = "win"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # leased by a worker
    SENT = "sent"
    FAILED = "failed"  # retry budget spent; visible, never silently dropped
    UNREACHABLE = "unreachable"  # the recipient blocked or uninstalled the bot


class DeliveryKind(StrEnum):
    NUDGES = "nudges"  # the daily batched, ranked message
    DIGEST = "digest"  # a manager's team digest
    NOTICE = "notice"  # one message because of something that happened: a colleague left and
    # their customers need an owner, a manager's reminder, a customer handed over


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a relationship wants a touch: amber past ``ideal_days``, red past ``max_days``."""

    ideal_days: int
    max_days: int


@dataclass(frozen=True, slots=True)
class Workspace:
    id: int
    platform: Platform
    external_id: str  # Slack team id, Teams tenant id, or "console"
    name: str
    timezone: str
    holiday_country: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A user of the bot: salesperson, manager or admin (roles overlap)."""

    id: int
    workspace_id: int
    platform_user_id: str
    display_name: str
    timezone: str
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday == 0
    delivery_hour: int = 9
    holiday_country: str | None = None
    manager_id: int | None = None
    ooo_until: date | None = None  # out of office up to and including this day
    cover_id: int | None = None  # who receives nudges while out of office
    daily_cap: int | None = None  # None: the workspace default
    is_admin: bool = False
    unreachable: bool = False  # blocked or uninstalled the bot
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    workspace_id: int
    name: str
    owner_id: int
    tier: str
    kind: RelationshipKind = RelationshipKind.CUSTOMER
    cadence: Cadence | None = None  # overrides tier and kind cadence
    since: date | None = None  # customer-since: anniversaries, tenure, first quiet clock
    renewal_on: date | None = None
    annual_value: int = 0  # whole units of the workspace currency
    timezone: str | None = None
    country: str | None = None
    tags: frozenset[str] = frozenset()
    dnc_until: date | None = None  # do not contact up to and including this day
    dnc_reason: str | None = None
    min_gap_days: int | None = None  # None: the policy default
    archived: bool = False
    last_touch_at: datetime | None = None  # by anyone: "the account was touched"
    owner_last_touch_at: datetime | None = None
    next_due_at: datetime | None = None  # denormalized: earliest instant a nudge can be due
    added_at: datetime | None = None  # when the bot learned of it (onboarding counts from it)


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    customer_id: int
    name: str
    role: str | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    birth_year: int | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Touch:
    """A touchpoint: who touched which customer (and contact), how, and when."""

    id: int
    customer_id: int
    person_id: int | None  # None: logged by a colleague who has since been erased
    ritual: str
    at: datetime
    contact_id: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ImportantDate:
    """A custom date worth remembering (birthdays and anniversaries are derived, not stored)."""

    id: int
    customer_id: int
    label: str
    on: date
    yearly: bool = True
    lead_days: int | None = None  # None: the policy default
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class LifeEvent:
    id: int
    customer_id: int
    kind: str  # e.g. illness, bereavement, new_role, promotion, new_baby
    on: date
    contact_id: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    id: int
    workspace_id: int
    title: str
    kind: OfferKind
    existing_first_on: date  # existing customers hear of it from this day ...
    public_on: date  # ... until it goes public on this day
    quantity: int | None = None  # limited supply: only the best N customers are nudged first
    tiers: frozenset[str] = frozenset()  # empty: every tier
    kinds: frozenset[RelationshipKind] = frozenset()  # empty: every kind
    tags: frozenset[str] = frozenset()  # empty: no tag needed; else any one of them
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Pitch:
    offer_id: int
    customer_id: int
    state: PitchState
    at: datetime


@dataclass(frozen=True, slots=True)
class Nudge:
    """One reason to act, about one customer, for one recipient."""

    dedupe_key: str
    customer_id: int
    recipient_id: int
    reason: NudgeReason
    due_on: date  # the day it is about (birthday, checkpoint) or the day it became due
    priority: float
    ritual: str | None
    detail: str  # the human reason, e.g. "Quiet for 47 days (key: ideal 30, max 45)"
    state: NudgeState = NudgeState.OPEN
    snoozed_until: date | None = None
    id: int | None = None
    level: str | None = None  # "amber" / "red" for quiet nudges
    offer_id: int | None = None
    contact_id: int | None = None
    facts: tuple[tuple[str, str], ...] = field(default=())  # extra structured facts to render
    deliver_on: date | None = None  # dated nudges: the recipient-local day to deliver it on


@dataclass(frozen=True, slots=True)
class NudgeStatus:
    """What storage already holds under a dedupe key: enough for the engine to respect it."""

    state: NudgeState
    snoozed_until: date | None = None  # snoozed up to and including this day


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox message to one recipient on one platform: a batch of nudges or a digest."""

    id: int
    dedupe_key: str
    recipient_id: int
    platform: Platform
    kind: DeliveryKind
    slot_at: datetime
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime
    payload: str = "{}"
    message_ref: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who changed what, when. ``detail`` holds ids and field names, not personal data."""

    action: str
    subject_type: str
    at: datetime
    subject_id: int | None = None
    actor_id: int | None = None
    workspace_id: int | None = None
    detail: str = "{}"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """Per-customer aggregates for health scores and digests, cheap to compute in SQL."""

    customer: Customer
    touches_this_period: int = 0  # the digest period (``Policy.digest_period_days``)
    touches_previous_period: int = 0
    touches_last_90_days: int = 0
    touches_previous_90_days: int = 0  # the 90 days before those
    distinct_contacts_touched: int = 0  # ever
    recent_contacts_touched: int = 0  # in the last ``Policy.single_threaded_days``
    pitches_accepted: int = 0
    pitches_declined: int = 0
    live_offers_eligible: int = 0  # live offers (existing-first window) this customer fits
    live_offers_pitched: int = 0  # ... and has been pitched (any pitch state but pending)
    upcoming_dates: int = 0  # dates within ``Policy.digest_upcoming_days``
