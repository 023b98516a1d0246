"""`deliveries`: the messages sent to me in the last seven days (when, where, how many items),
what is waiting to be sent, and what failed and why; `all` for an admin's whole workspace."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.commands import ShowDeliveries
from bot.replies import Item, Reply, Section, info
from bot.services.request import Request, ServiceError
from bot.services.wording import count, long_date
from nudges.calendar import local_date
from nudges.model import Delivery, DeliveryKind, DeliveryState
from storage.repositories.outbox import RATE_LIMITED

SENT_DAYS = 7
WAITING = (DeliveryState.PENDING, DeliveryState.SENDING)
FAILED = (DeliveryState.FAILED, DeliveryState.UNREACHABLE)


def show_deliveries(req: Request, cmd: ShowDeliveries) -> Reply:
    if cmd.everyone and not req.person.is_admin:
        raise ServiceError("Only admins see everyone's deliveries; `deliveries` shows yours.")
    recipient = None if cmd.everyone else req.person.id
    failed = _here(req, req.uow.deliveries.in_states(list(FAILED), recipient_id=recipient))
    waiting: list[Delivery] = []
    sent: list[Delivery] = []
    if not cmd.failed_only:
        waiting = _here(req, req.uow.deliveries.in_states(list(WAITING), recipient_id=recipient))
        since = req.now - timedelta(days=SENT_DAYS)
        sent = _here(
            req,
            req.uow.deliveries.sent_since(since=since, recipient_id=recipient),
        )
    if not (failed or waiting or sent):
        what = "failed deliveries" if cmd.failed_only else "messages in the last 7 days"
        return info(f"No {what}: nothing is waiting or failed.")
    items = req.uow.deliveries.item_counts([d.id for d in sent + waiting + failed])
    sections = []
    if sent:
        sections.append(
            Section(
                f"Sent in the last {SENT_DAYS} days",
                tuple(_sent(req, d, items, everyone=cmd.everyone) for d in sent),
            )
        )
    if waiting:
        sections.append(
            Section(
                "Waiting",
                tuple(_pending(req, d, items, everyone=cmd.everyone) for d in waiting),
            )
        )
    if failed:
        sections.append(Section("Failed", tuple(_failed(req, d, items) for d in failed)))
    whose = "Everyone's messages" if cmd.everyone else "Your messages"
    parts = [f"{len(failed)} failed"]
    if not cmd.failed_only:
        parts = [
            f"{len(sent)} sent in the last {SENT_DAYS} days",
            f"{len(waiting)} waiting",
            *parts,
        ]
    return info(f"{whose}: {', '.join(parts)}", *sections)


def _here(req: Request, rows: list[Delivery]) -> list[Delivery]:
    """Only this workspace's (an admin's rights end there)."""
    here = {p.id for p in req.uow.people.in_workspace(req.actor.workspace.id)}
    return [d for d in rows if d.recipient_id in here]


def _when(req: Request, at: datetime) -> str:
    zone = req.person.timezone
    return f"{long_date(local_date(at, zone), today=req.today)}, {_clock(at, zone)}"


def _clock(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def _what(d: Delivery, items: dict[int, int]) -> str:
    if d.kind is DeliveryKind.NUDGES:
        return count(items.get(d.id, 0), "item")
    if d.kind is DeliveryKind.DIGEST:
        return "team digest"
    return "message"


def _sent(req: Request, d: Delivery, items: dict[int, int], *, everyone: bool) -> Item:
    to = f" to {req.person_name(d.recipient_id)}" if everyone else ""
    when = _when(req, d.sent_at or d.slot_at)
    return Item(title=f"{when}{to} on {d.platform.value}: {_what(d, items)}")


def _pending(req: Request, d: Delivery, items: dict[int, int], *, everyone: bool) -> Item:
    to = f" to {req.person_name(d.recipient_id)}" if everyone else ""
    lines = [_what(d, items)]
    if d.attempts:
        lines.append(f"tried {count(d.attempts, 'time')}; next at {_when(req, d.next_attempt_at)}")
    if d.last_error:
        lines.append(f"last error: {d.last_error}")
    alert = timedelta(minutes=req.deps.settings.delivery.rate_limited_alert_minutes)
    if (d.last_error or "").startswith(RATE_LIMITED) and d.slot_at < req.now - alert:
        hours = (req.now - d.slot_at).total_seconds() / 3600
        lines.append(
            f"held back by {d.platform.value}'s rate limits for {hours:.0f} hours: "
            "it keeps asking to slow down"
        )
    return Item(
        title=f"{_when(req, d.slot_at)}{to} on {d.platform.value}: {d.state.value}",
        lines=tuple(lines),
    )


def _failed(req: Request, d: Delivery, items: dict[int, int]) -> Item:
    attempts = count(d.attempts, "attempt")
    lines = [f"due {_when(req, d.slot_at)}, {_what(d, items)}"]
    if d.last_error:
        lines.append(f"last error: {d.last_error}")
    return Item(
        title=f"#{d.id} to {req.person_name(d.recipient_id)} on {d.platform.value}: "
        f"{d.state.value} after {attempts}",
        lines=tuple(lines),
    )
