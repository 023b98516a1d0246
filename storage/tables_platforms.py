"""Tables the chat platforms keep: Slack installations, OAuth states and events seen; Teams
conversation references and cards sent; the channels managers chose for their digests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Text
from sqlmodel import Field, SQLModel

from storage.columns import fk as _fk
from storage.columns import instant as _instant
from storage.columns import metadata
from storage.types import BigId


class SlackInstallationRow(SQLModel, table=True):
    """A Slack app installation (or its bot) from the OAuth flow, as slack_sdk describes it
    (``data``: the installation's JSON), keyed for bolt's lookups."""

    __tablename__ = "slack_installation"
    __table_args__ = (
        Index("ix_slack_installation_lookup", "client_id", "enterprise_id", "team_id", "kind"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    client_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # "installation" or "bot"
    enterprise_id: str | None = Field(default=None, max_length=32)
    team_id: str | None = Field(default=None, max_length=32)
    user_id: str | None = Field(default=None, max_length=32)
    is_enterprise_install: bool = False
    data: str = Field(sa_type=Text)
    installed_at: datetime = Field(sa_column=_instant(nullable=False))


class SlackOAuthStateRow(SQLModel, table=True):
    __tablename__ = "slack_oauth_state"

    state: str = Field(sa_column=Column(String(200), primary_key=True))
    expires_at: datetime = Field(sa_column=_instant(nullable=False))


class ProcessedEventRow(SQLModel, table=True):
    """Events already handled (Slack retries unacknowledged ones), so a retry does nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (Index("ix_processed_event_received_at", "received_at"),)

    source: str = Field(sa_column=Column(String(16), primary_key=True))
    event_id: str = Field(sa_column=Column(String(200), primary_key=True))
    received_at: datetime = Field(sa_column=_instant(nullable=False))


class TeamsConversationRow(SQLModel, table=True):
    """Where to reach a person in Teams: their 1:1 conversation reference (``data``: JSON)."""

    __tablename__ = "teams_conversation"

    person_id: int = Field(
        sa_column=Column(BigId, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    tenant_id: str | None = Field(default=None, max_length=64)
    conversation_id: str = Field(max_length=300)
    service_url: str = Field(max_length=500)
    data: str = Field(sa_type=Text)
    updated_at: datetime = Field(sa_column=_instant(nullable=False))


class TeamsCardRow(SQLModel, table=True):
    """A card the bot sent in Teams, one part of a reply: what its buttons redraw, and, for a
    delivery, the progress of a message sent in several parts (``activity_id`` once sent)."""

    __tablename__ = "teams_card"
    __table_args__ = (
        Index("ix_teams_card_delivery_id_conversation_id", "delivery_id", "conversation_id"),
        Index("ix_teams_card_created_at", "created_at"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    person_id: int = Field(sa_column=_fk("person.id"))
    delivery_id: int | None = Field(default=None, sa_column=_fk("delivery.id", nullable=True))
    conversation_id: str = Field(max_length=300)
    part: int
    reply: str = Field(sa_type=Text)  # the part's Reply (JSON)
    activity_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_instant())


class DigestChannelRow(SQLModel, table=True):
    """A channel where a manager's weekly digest is posted too, chosen there with
    ``digest channel`` (``data``: how the platform reaches it, JSON)."""

    __tablename__ = "digest_channel"

    person_id: int = Field(
        sa_column=Column(BigId, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=300)
    name: str | None = Field(default=None, max_length=200)
    data: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_column=_instant(nullable=False))


slack_installation_t = metadata.tables["slack_installation"]
slack_oauth_state_t = metadata.tables["slack_oauth_state"]
processed_event_t = metadata.tables["processed_event"]
teams_conversation_t = metadata.tables["teams_conversation"]
teams_card_t = metadata.tables["teams_card"]
digest_channel_t = metadata.tables["digest_channel"]
