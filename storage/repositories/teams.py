"""Where each person is reached in Microsoft Teams: their 1:1 conversation reference.

Teams lets a bot message only people who have the app installed, through the conversation
Teams created for them; the reference (service URL, conversation id, tenant, bot id) arrives
with the install event and with every message, and is kept here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.tables import (
    TeamsCardRow,
    TeamsConversationRow,
    teams_card_t,
    teams_conversation_t,
)


@dataclass(frozen=True, slots=True)
class TeamsConversation:
    person_id: int
    tenant_id: str | None
    conversation_id: str
    service_url: str
    reference: dict[str, Any]  # the conversation reference as Teams sent it (JSON object)
    updated_at: datetime

    @property
    def bot_id(self) -> str | None:
        bot = self.reference.get("bot") or self.reference.get("agent") or {}
        value = bot.get("id") if isinstance(bot, dict) else None
        return str(value) if value else None

    @property
    def user_id(self) -> str | None:
        user = self.reference.get("user") or {}
        value = user.get("id") if isinstance(user, dict) else None
        return str(value) if value else None


def _value(row: TeamsConversationRow) -> TeamsConversation:
    data = json.loads(row.data) if row.data else {}
    return TeamsConversation(
        person_id=row.person_id,
        tenant_id=row.tenant_id,
        conversation_id=row.conversation_id,
        service_url=row.service_url,
        reference=data if isinstance(data, dict) else {},
        updated_at=row.updated_at,
    )


@dataclass
class TeamsConversationRepository:
    session: Session

    def save(
        self,
        *,
        person_id: int,
        tenant_id: str | None,
        conversation_id: str,
        service_url: str,
        reference: dict[str, Any],
        now: datetime,
    ) -> TeamsConversation:
        """Insert or refresh the person's reference (one per person)."""
        row = self.session.get(TeamsConversationRow, person_id)
        data = json.dumps(reference, sort_keys=True)
        if row is None:
            row = TeamsConversationRow(
                person_id=person_id,
                tenant_id=tenant_id,
                conversation_id=conversation_id,
                service_url=service_url,
                data=data,
                updated_at=now,
            )
            self.session.add(row)
        else:
            row.tenant_id = tenant_id
            row.conversation_id = conversation_id
            row.service_url = service_url
            row.data = data
            row.updated_at = now
        self.session.flush()
        return _value(row)

    def get(self, person_id: int) -> TeamsConversation | None:
        row = self.session.get(TeamsConversationRow, person_id)
        return _value(row) if row is not None else None

    def by_conversation(self, conversation_id: str) -> list[TeamsConversation]:
        rows = self.session.scalars(
            select(TeamsConversationRow).where(
                teams_conversation_t.c.conversation_id == conversation_id
            )
        ).all()
        return [_value(r) for r in rows]

    def remove_conversation(self, conversation_id: str) -> int:
        """Forget every reference to a conversation (the app was uninstalled there)."""
        result = self.session.execute(
            delete(teams_conversation_t).where(
                teams_conversation_t.c.conversation_id == conversation_id
            )
        )
        self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)

    def remove(self, person_id: int) -> None:
        self.session.execute(
            delete(teams_conversation_t).where(teams_conversation_t.c.person_id == person_id)
        )
        self.session.flush()


@dataclass(frozen=True, slots=True)
class TeamsCard:
    """A card sent (or being sent) in Teams: one part of a reply."""

    id: int
    person_id: int
    delivery_id: int | None
    conversation_id: str
    part: int
    reply: str  # the part's Reply as JSON (see bot.replies.Reply.to_json)
    activity_id: str | None
    created_at: datetime
    sent_at: datetime | None


def _card(row: TeamsCardRow) -> TeamsCard:
    assert row.id is not None
    return TeamsCard(
        id=row.id,
        person_id=row.person_id,
        delivery_id=row.delivery_id,
        conversation_id=row.conversation_id,
        part=row.part,
        reply=row.reply,
        activity_id=row.activity_id,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


@dataclass
class TeamsCardRepository:
    session: Session

    def add(
        self,
        *,
        person_id: int,
        delivery_id: int | None,
        conversation_id: str,
        part: int,
        reply: str,
        now: datetime,
    ) -> TeamsCard:
        row = TeamsCardRow(
            person_id=person_id,
            delivery_id=delivery_id,
            conversation_id=conversation_id,
            part=part,
            reply=reply,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _card(row)

    def get(self, card_id: int) -> TeamsCard | None:
        row = self.session.get(TeamsCardRow, card_id)
        return _card(row) if row is not None else None

    def sent(self, card_id: int, *, activity_id: str | None, now: datetime) -> None:
        self.session.execute(
            update(teams_card_t)
            .where(teams_card_t.c.id == card_id)
            .values(activity_id=activity_id, sent_at=now)
        )

    def redrawn(self, card_id: int, *, reply: str) -> None:
        self.session.execute(
            update(teams_card_t).where(teams_card_t.c.id == card_id).values(reply=reply)
        )

    def remove(self, card_id: int) -> None:
        self.session.execute(delete(teams_card_t).where(teams_card_t.c.id == card_id))

    def of_delivery(self, delivery_id: int, conversation_id: str) -> list[TeamsCard]:
        """The parts of a delivery in one conversation, sent or not, in order."""
        rows = self.session.scalars(
            select(TeamsCardRow)
            .where(
                teams_card_t.c.delivery_id == delivery_id,
                teams_card_t.c.conversation_id == conversation_id,
            )
            .order_by(teams_card_t.c.part, teams_card_t.c.id)
        ).all()
        return [_card(r) for r in rows]

    def prune(self, *, before: datetime) -> int:
        """Forget cards older than ``before`` (their buttons answer "no longer exists")."""
        result = self.session.execute(
            delete(teams_card_t).where(teams_card_t.c.created_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
