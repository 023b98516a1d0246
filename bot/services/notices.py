"""A message to one person because of what a colleague did (a manager's reminder, a handover),
sent through the outbox like every other message: durable, retried, listed in `deliveries`."""

from __future__ import annotations

from bot.replies import Reply
from bot.services.request import Request
from nudges.model import DeliveryKind, Person


def send_notice(req: Request, recipient: Person, reply: Reply, *, key: str) -> bool:
    """Queue ``reply`` for ``recipient`` now; False when the same notice was queued already."""
    dedupe_key = f"notice:{key}"
    if req.uow.deliveries.by_key(dedupe_key) is not None:
        return False
    delivery = req.uow.deliveries.add(
        dedupe_key=dedupe_key,
        recipient_id=recipient.id,
        platform=req.actor.workspace.platform,
        kind=DeliveryKind.NOTICE,
        slot_at=req.now,
        payload=Reply(
            text=reply.text,
            sections=reply.sections,
            tone=reply.tone,
            footer=reply.footer,
            kind=DeliveryKind.NOTICE.value,
        ).to_json(),
        now=req.now,
    )
    req.created("delivery", id=delivery.id)
    return True
