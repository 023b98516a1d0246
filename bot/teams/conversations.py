"""Conversation references in our database: a person's personal chat, kept on install and on
every message there, forgotten on uninstall; and the channels managers chose for their digest.
Synchronous (one short unit of work each); callers run them off the event loop."""

from __future__ import annotations

from typing import Any

from bot.services.context import Deps
from nudges.model import Platform
from storage import run_in_transaction
from storage.repositories.channels import DigestChannel
from storage.repositories.teams import TeamsConversation


def remember(
    deps: Deps, *, person_id: int, tenant_id: str | None, reference: dict[str, Any]
) -> bool:
    """Keep the person's personal-chat reference; True when this conversation is new for them
    (a first install, or a reinstall after the app was removed): the moment to greet them."""
    conversation = reference.get("conversation") or {}
    conversation_id = str(conversation.get("id") or "")
    with deps.uow() as uow:
        repo = uow.teams_conversations

        def save() -> bool:
            known = repo.get(person_id)
            repo.save(
                person_id=person_id,
                tenant_id=tenant_id,
                conversation_id=conversation_id,
                service_url=str(reference.get("serviceUrl") or ""),
                reference=reference,
                now=deps.clock.now(),
            )
            return known is None or known.conversation_id != conversation_id

        # Teams sends installationUpdate and conversationUpdate together: the other one may
        # have stored it a moment ago (and greets); running again finds it.
        return run_in_transaction(uow, save, commit=True, what="remembering a conversation")


def forget(deps: Deps, *, conversation_id: str) -> int:
    """Forget a conversation the app was removed from: a personal chat, or a team's channels."""
    with deps.uow() as uow:
        removed = uow.teams_conversations.remove_conversation(conversation_id)
        removed += uow.digest_channels.remove_channel(conversation_id)
        uow.commit()
    return removed


def lookup(deps: Deps, person_id: int) -> TeamsConversation | None:
    with deps.reader() as uow:
        return uow.teams_conversations.get(person_id)


def digest_channel(deps: Deps, person_id: int) -> DigestChannel | None:
    with deps.reader() as uow:
        found = uow.digest_channels.get(person_id)
    return found if found is not None and found.platform is Platform.TEAMS else None


def forget_digest_channel(deps: Deps, person_id: int) -> None:
    with deps.uow() as uow:
        uow.digest_channels.remove(person_id)
        uow.commit()
