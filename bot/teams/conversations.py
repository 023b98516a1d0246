"""Conversation references in our database: kept on install and on every message, forgotten
on uninstall. Synchronous (one short unit of work each); callers run them off the event loop."""

from __future__ import annotations

from typing import Any

from bot.services.context import Deps
from storage.repositories.teams import TeamsConversation, TeamsConversationRepository


def remember(
    deps: Deps, *, person_id: int, tenant_id: str | None, reference: dict[str, Any]
) -> TeamsConversation:
    conversation = reference.get("conversation") or {}
    with deps.uow() as uow:
        saved = TeamsConversationRepository(uow.session).save(
            person_id=person_id,
            tenant_id=tenant_id,
            conversation_id=str(conversation.get("id") or ""),
            service_url=str(reference.get("serviceUrl") or ""),
            reference=reference,
            now=deps.clock.now(),
        )
        uow.commit()
    return saved


def forget(deps: Deps, *, conversation_id: str) -> int:
    with deps.uow() as uow:
        removed = TeamsConversationRepository(uow.session).remove_conversation(conversation_id)
        uow.commit()
    return removed


def lookup(deps: Deps, person_id: int) -> TeamsConversation | None:
    with deps.uow() as uow:
        return TeamsConversationRepository(uow.session).get(person_id)
