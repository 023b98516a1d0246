"""Domain values to platform-neutral reply items (no markup: adapters escape and decorate)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.replies import SNOOZE_CHOICES, Action, Item, Verb
from nudges.model import Customer, Nudge, NudgeReason
from nudges.policy import Policy
from nudges.timing import local_time_hint

REASON_TITLES: Mapping[NudgeReason, str] = {
    NudgeReason.QUIET: "gone quiet",
    NudgeReason.OWNER_QUIET: "others are in touch, you are not",
    NudgeReason.BIRTHDAY: "birthday",
    NudgeReason.ANNIVERSARY: "anniversary",
    NudgeReason.RENEWAL: "renewal coming",
    NudgeReason.CUSTOM_DATE: "a date to remember",
    NudgeReason.OFFER: "pitch first",
    NudgeReason.PARITY: "loyalty parity",
    NudgeReason.ABREAST: "keep them abreast",
    NudgeReason.LIFE_EVENT: "life event",
    NudgeReason.ESCALATION: "escalation",
}


def ritual_label(name: str | None, policy: Policy) -> str | None:
    if name is None:
        return None
    for ritual in policy.playbook:
        if ritual.name == name:
            return ritual.label
    return name.replace("_", " ").capitalize()


def nudge_item(
    nudge: Nudge,
    customer: Customer | None,
    *,
    policy: Policy,
    now: datetime,
    health: int | None = None,
    with_actions: bool = True,
) -> Item:
    name = customer.name if customer else f"customer #{nudge.customer_id}"
    level = f" ({nudge.level})" if nudge.level else ""
    lines = [nudge.detail]
    suggestion = ritual_label(nudge.ritual, policy)
    if suggestion:
        lines.append(f"Suggested: {suggestion}")
    if customer is not None and customer.dnc_until is not None:
        lines.append(f"Do not contact until {customer.dnc_until.isoformat()}")
    fields: list[tuple[str, str]] = []
    if health is not None:
        fields.append(("Health", f"{health}/100"))
    hint = local_time_hint(customer.timezone if customer else None, now)
    if hint:
        fields.append(("Their time", hint))
    ref = f"nudge:{nudge.id}"
    actions: tuple[Action, ...] = ()
    if with_actions and nudge.id is not None:
        actions = nudge_actions(nudge.reason, ref)
    return Item(
        title=f"{name} — {REASON_TITLES.get(nudge.reason, nudge.reason.value)}{level}",
        lines=tuple(lines),
        fields=tuple(fields),
        actions=actions,
        ref=ref,
        state=None if nudge.state.value in ("open", "delivered") else nudge.state.value,
    )


def nudge_actions(reason: NudgeReason, ref: str) -> tuple[Action, ...]:
    """The buttons of a nudge: an escalation is the manager's to answer, and none of its
    answers logs a touch (nobody called the customer)."""
    if reason is NudgeReason.ESCALATION:
        return (
            Action(Verb.ACKNOWLEDGE, "Acknowledge", ref),
            Action(Verb.REMIND, "Remind owner", ref),
            Action(Verb.TAKE_OVER, "Take over", ref),
            Action(Verb.REASSIGN, "Reassign…", ref),
            Action(Verb.SNOOZE, "Snooze", ref, choices=SNOOZE_CHOICES),
        )
    return (
        Action(Verb.DONE, "Done", ref),
        Action(Verb.LOG, "Log…", ref),
        Action(Verb.SNOOZE, "Snooze", ref, choices=SNOOZE_CHOICES),
        Action(Verb.SKIP, "Skip", ref),
    )


def money(value: int) -> str:
    return f"{value:,}"
