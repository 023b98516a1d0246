"""SQLModel tables for the whole domain. These classes never leave ``storage/``.

Indexes are chosen for the questions the bot asks most:
- the sweep: "which customers can be due now" is a range scan of ``customer.next_due_at``
  (kept current on every change that moves it);
- the outbox: "which deliveries may be sent now" is a range scan of
  ``delivery (state, next_attempt_at)``;
- a person's book: ``customer (owner_id, ...)``; a name: ``customer (workspace_id, name_key)``.
Dedupe keys are unique, so a sweep run twice (or by two replicas) writes a nudge once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.columns import fk as _fk
from storage.columns import instant as _instant
from storage.columns import key_type as _key_type
from storage.tables_books import Imported
from storage.tables_books import download_link_t as download_link_t
from storage.tables_digests import customer_indexes, touchpoint_indexes
from storage.tables_platforms import DigestChannelRow as DigestChannelRow
from storage.tables_platforms import ProcessedEventRow as ProcessedEventRow
from storage.tables_platforms import SlackInstallationRow as SlackInstallationRow
from storage.tables_platforms import SlackOAuthStateRow as SlackOAuthStateRow
from storage.tables_platforms import TeamsCardRow as TeamsCardRow
from storage.tables_platforms import TeamsConversationRow as TeamsConversationRow
from storage.tables_platforms import digest_channel_t as digest_channel_t
from storage.tables_platforms import processed_event_t as processed_event_t
from storage.tables_platforms import slack_installation_t as slack_installation_t
from storage.tables_platforms import slack_oauth_state_t as slack_oauth_state_t
from storage.tables_platforms import teams_card_t as teams_card_t
from storage.tables_platforms import teams_conversation_t as teams_conversation_t
from storage.types import BigId

metadata = SQLModel.metadata


class WorkspaceRow(SQLModel, table=True):
    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    holiday_country: str | None = Field(default=None, max_length=8)
    export_key: str | None = Field(default=None, max_length=16)  # names its records in exports
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform_user_id"),
        Index("ix_person_calendar_token", "calendar_token", unique=True),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    platform_user_id: str = Field(max_length=128)
    display_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)  # casefolded display name, for @name
    email: str | None = Field(default=None, max_length=320)
    timezone: str = Field(max_length=64)
    working_days: int = 0b0011111  # bit d set: weekday d (Monday == 0) is a working day
    delivery_hour: int = 9
    holiday_country: str | None = Field(default=None, max_length=8)
    manager_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, ondelete="SET NULL")
    )
    ooo_until: date | None = None
    cover_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, ondelete="SET NULL")
    )
    daily_cap: int | None = None
    is_admin: bool = False
    unreachable: bool = False
    calendar_token: str | None = Field(default=None, max_length=64)  # feed secret
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class CustomerRow(Imported, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key"),
        Index(
            "ix_customer_workspace_id_source_external_id",
            "workspace_id",
            "source",
            "external_id",
            unique=True,
        ),
        # The sweep pages through due customers in this order (storage migration 0009).
        Index("ix_customer_next_due_at_id", "next_due_at", "id"),
        Index("ix_customer_owner_id_name_key", "owner_id", "name_key"),
        Index("ix_customer_workspace_id_annual_value", "workspace_id", "annual_value"),
        *customer_indexes(),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=200)
    name_key: str = Field(sa_type=_key_type())  # nudges.names.name_key(name)
    owner_id: int = Field(sa_column=_fk("person.id", ondelete="RESTRICT"))
    tier: str = Field(max_length=32)
    kind: str = Field(default="customer", max_length=16)
    cadence_ideal_days: int | None = None
    cadence_max_days: int | None = None
    since: date | None = None
    renewal_on: date | None = None
    annual_value: int = 0
    timezone: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, max_length=8)
    dnc_until: date | None = None
    dnc_reason: str | None = Field(default=None, sa_type=Text)
    min_gap_days: int | None = None
    archived: bool = False
    last_touch_at: datetime | None = Field(default=None, sa_column=_instant())
    owner_last_touch_at: datetime | None = Field(default=None, sa_column=_instant())
    # Earliest instant a nudge about this customer can be due; NULL when archived (never due).
    next_due_at: datetime | None = Field(default=None, sa_column=_instant())
    created_at: datetime = Field(sa_column=_instant(nullable=False))  # when the bot learned of it
    # Kept facts, written with every decision (nudges.facts): digests and Home add them up
    # in the database instead of reading the whole book. ``facts_at`` NULL: not decided yet.
    quiet_since: datetime | None = Field(default=None, sa_column=_instant())
    amber_at: datetime | None = Field(default=None, sa_column=_instant())
    red_at: datetime | None = Field(default=None, sa_column=_instant())
    escalation_at: datetime | None = Field(default=None, sa_column=_instant())
    health: int | None = None
    upcoming_dates: int | None = None
    threads: int | None = None  # distinct contacts touched in the last 180 days
    facts_at: datetime | None = Field(default=None, sa_column=_instant())


class CustomerTagRow(SQLModel, table=True):
    __tablename__ = "customer_tag"
    __table_args__ = (Index("ix_customer_tag_tag", "tag"),)

    customer_id: int = Field(
        sa_column=Column(BigId, ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    )
    tag: str = Field(sa_column=Column(String(64), primary_key=True))


class ContactRow(Imported, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_customer_id", "customer_id"),
        Index("ix_contact_source_external_id", "source", "external_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    customer_id: int = Field(sa_column=_fk("customer.id"))
    name: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    birthday_month: int | None = None
    birthday_day: int | None = None
    birth_year: int | None = None
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class TouchpointRow(Imported, table=True):
    __tablename__ = "touchpoint"
    __table_args__ = (
        Index("ix_touchpoint_customer_id_at", "customer_id", "at"),
        Index("ix_touchpoint_person_id_at", "person_id", "at"),
        *touchpoint_indexes(),
        Index("ix_touchpoint_source_external_id", "source", "external_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    customer_id: int = Field(sa_column=_fk("customer.id"))
    # NULL once the colleague who logged it was erased: the history stays, their name goes.
    person_id: int | None = Field(sa_column=_fk("person.id", nullable=True, ondelete="SET NULL"))
    contact_id: int | None = Field(
        default=None, sa_column=_fk("contact.id", nullable=True, ondelete="SET NULL")
    )
    ritual: str = Field(max_length=32)
    note: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(sa_column=_instant(nullable=False))


class ImportantDateRow(Imported, table=True):
    __tablename__ = "important_date"
    __table_args__ = (Index("ix_important_date_customer_id", "customer_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    customer_id: int = Field(sa_column=_fk("customer.id"))
    contact_id: int | None = Field(
        default=None, sa_column=_fk("contact.id", nullable=True, ondelete="CASCADE")
    )
    label: str = Field(max_length=200)
    on: date
    yearly: bool = True
    lead_days: int | None = None


class LifeEventRow(Imported, table=True):
    __tablename__ = "life_event"
    __table_args__ = (Index("ix_life_event_customer_id_on", "customer_id", "on"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    customer_id: int = Field(sa_column=_fk("customer.id"))
    contact_id: int | None = Field(
        default=None, sa_column=_fk("contact.id", nullable=True, ondelete="CASCADE")
    )
    kind: str = Field(max_length=32)
    on: date
    note: str | None = Field(default=None, sa_type=Text)


class OfferRow(SQLModel, table=True):
    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("workspace_id", "title_key"),
        Index("ix_offer_workspace_id_public_on", "workspace_id", "public_on"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    title: str = Field(max_length=200)
    title_key: str = Field(sa_type=_key_type())
    kind: str = Field(max_length=16)
    existing_first_on: date
    public_on: date
    quantity: int | None = None
    tiers: str = Field(default="", max_length=500)  # comma-separated; empty: every tier
    kinds: str = Field(default="", max_length=200)
    tags: str = Field(default="", max_length=1000)
    description: str | None = Field(default=None, sa_type=Text)
    # When the offer must be decided again (window opening, pitches changed, daily refresh).
    next_due_at: datetime | None = Field(default=None, sa_column=_instant(index=True))
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class PitchRow(SQLModel, table=True):
    __tablename__ = "pitch"
    __table_args__ = (Index("ix_pitch_customer_id", "customer_id"),)

    offer_id: int = Field(
        sa_column=Column(BigId, ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True)
    )
    customer_id: int = Field(
        sa_column=Column(BigId, ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    )
    state: str = Field(max_length=16)
    at: datetime = Field(sa_column=_instant(nullable=False))
    person_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, ondelete="SET NULL")
    )


class NudgeRow(SQLModel, table=True):
    __tablename__ = "nudge"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_nudge_recipient_id_state", "recipient_id", "state"),
        Index("ix_nudge_customer_id_state", "customer_id", "state"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    dedupe_key: str = Field(max_length=200)
    customer_id: int = Field(sa_column=_fk("customer.id"))
    recipient_id: int = Field(sa_column=_fk("person.id"))
    reason: str = Field(max_length=16)
    level: str | None = Field(default=None, max_length=8)
    due_on: date
    deliver_on: date | None = None  # dated nudges: the recipient-local day to deliver on
    priority: float
    ritual: str | None = Field(default=None, max_length=32)
    detail: str = Field(sa_type=Text)
    facts: str = Field(default="[]", sa_type=Text)  # JSON list of [label, value] pairs
    state: str = Field(max_length=16)
    snoozed_until: date | None = None
    state_reason: str | None = Field(default=None, sa_type=Text)
    offer_id: int | None = Field(
        default=None, sa_column=_fk("offer.id", nullable=True, ondelete="CASCADE")
    )
    contact_id: int | None = Field(
        default=None, sa_column=_fk("contact.id", nullable=True, ondelete="SET NULL")
    )
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    updated_at: datetime = Field(sa_column=_instant(nullable=False))


class DeliveryRow(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_delivery_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_delivery_recipient_id_slot_at", "recipient_id", "slot_at"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    dedupe_key: str = Field(max_length=200)  # e.g. nudges:<person>:<slot>; digest:<person>:<day>
    recipient_id: int = Field(sa_column=_fk("person.id"))
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    slot_at: datetime = Field(sa_column=_instant(nullable=False))
    payload: str = Field(default="{}", sa_type=Text)  # JSON: the rendered-to-be reply
    state: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_instant(nullable=False))
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_column=_instant())
    message_ref: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_instant())


class DeliveryItemRow(SQLModel, table=True):
    """Which nudges one delivery carries, in the order shown."""

    __tablename__ = "delivery_item"
    __table_args__ = (Index("ix_delivery_item_nudge_id", "nudge_id"),)

    delivery_id: int = Field(
        sa_column=Column(BigId, ForeignKey("delivery.id", ondelete="CASCADE"), primary_key=True)
    )
    nudge_id: int = Field(
        sa_column=Column(BigId, ForeignKey("nudge.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int


class AuditLogRow(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_workspace_id_at", "workspace_id", "at"),
        Index("ix_audit_log_subject", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    workspace_id: int | None = Field(
        default=None, sa_column=_fk("workspace.id", nullable=True, ondelete="SET NULL")
    )
    actor_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, ondelete="SET NULL")
    )
    action: str = Field(max_length=64)  # e.g. customer.add, touch.log, nudge.snooze
    subject_type: str = Field(max_length=32)
    subject_id: int | None = Field(default=None, sa_type=BigId)
    detail: str = Field(default="{}", sa_type=Text)  # JSON: what changed (ids, not personal data)
    at: datetime = Field(sa_column=_instant(nullable=False))


class ChangeLogRow(SQLModel, table=True):
    """A person's recent changes, with the rows as they were before and after, so ``undo``
    can put them back. Kept for a day, then pruned (it holds users' data, unlike the audit
    log)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_person_id_at", "person_id", "at"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    person_id: int = Field(sa_column=_fk("person.id"))
    at: datetime = Field(sa_column=_instant(nullable=False))
    summary: str = Field(sa_type=Text)  # what the change did, in the words the person read
    images: str = Field(default="[]", sa_type=Text)  # JSON: the changed rows, before and after
    undone_at: datetime | None = Field(default=None, sa_column=_instant())


class ShownListRow(SQLModel, table=True):
    """The last numbered list a person was shown (a daily message, `nudges`), so "done 2"
    means what they saw, on any replica and after a restart."""

    __tablename__ = "shown_list"

    person_id: int = Field(
        sa_column=Column(BigId, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    refs: str = Field(default="[]", sa_type=Text)  # JSON: the items' refs, e.g. "nudge:42"
    shown_at: datetime = Field(sa_column=_instant(nullable=False))


# Core views of the same tables, for set-based queries: typed columns, no ORM overhead.
workspace_t = metadata.tables["workspace"]
person_t = metadata.tables["person"]
customer_t = metadata.tables["customer"]
customer_tag_t = metadata.tables["customer_tag"]
contact_t = metadata.tables["contact"]
touchpoint_t = metadata.tables["touchpoint"]
important_date_t = metadata.tables["important_date"]
life_event_t = metadata.tables["life_event"]
offer_t = metadata.tables["offer"]
pitch_t = metadata.tables["pitch"]
nudge_t = metadata.tables["nudge"]
delivery_t = metadata.tables["delivery"]
delivery_item_t = metadata.tables["delivery_item"]
audit_log_t = metadata.tables["audit_log"]
change_log_t = metadata.tables["change_log"]
shown_list_t = metadata.tables["shown_list"]
