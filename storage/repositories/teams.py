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

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.tables import TeamsConversationRow, teams_conversation_t


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
