"""Domain values to platform-neutral reply items (no markup: adapters escape and decorate)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.replies import SNOOZE_CHOICES, Action, Item, Verb
from bot.services.nudge_text import (
    ReadContext,
    contact_line,
    current_detail,
    do_not_contact,
    last_touch_line,
    title,
)
from nudges.calendar import local_date
from nudges.model import Customer, Nudge, NudgeReason
from nudges.policy import Policy
from nudges.rituals import shared_ritual
from nudges.timing import local_time_hint


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
    context: ReadContext | None = None,
) -> Item:
    """One nudge as an item, its wording worked out at ``now`` (see ``nudge_text``)."""
    context = context or ReadContext()
    name = customer.name if customer else f"customer #{nudge.customer_id}"
    today = local_date(now, context.timezone)
    contacts = context.contacts.get(nudge.customer_id, [])
    lines = [
        current_detail(
            nudge, customer, now=now, policy=policy, timezone=context.timezone, contacts=contacts
        )
    ]
    suggestion = ritual_label(nudge.ritual, policy)
    if suggestion:
        lines.append(f"Suggested: {suggestion}")
    hold = do_not_contact(customer, today=today)
    if hold:
        lines.append(hold)
    if context.gathered:
        who = contact_line(nudge, customer, context)
        if who:
            lines.append(who)
        lines.append(last_touch_line(customer, context, today=today))
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
        title=f"{name} — {title(nudge, today=today)}",
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


def entry_item(
    entry: list[Nudge],
    customer: Customer | None,
    *,
    policy: Policy,
    now: datetime,
    health: int | None = None,
    context: ReadContext | None = None,
) -> Item:
    """A customer due for several reasons, as one item: every reason, one ritual that fits
    them all, and the most important nudge's buttons (which answer the whole entry)."""
    top = entry[0]
    if len(entry) == 1 or customer is None:
        return nudge_item(top, customer, policy=policy, now=now, health=health, context=context)
    ritual = shared_ritual(
        (n.ritual for n in entry),
        tier=customer.tier,
        reasons=(n.reason for n in entry),
        policy=policy,
    )
    items = [
        nudge_item(replace(n, ritual=None), customer, policy=policy, now=now, context=context)
        for n in entry
    ]
    # The contact to reach: the one a reason is about (the birthday person), if any.
    about = next((n.contact_id for n in entry if n.contact_id is not None), None)
    whole = nudge_item(
        replace(top, ritual=ritual, contact_id=about),
        customer,
        policy=policy,
        now=now,
        health=health,
        context=context,
    )
    today = local_date(now, (context or ReadContext()).timezone)
    reasons = " · ".join(title(n, today=today) for n in entry)
    details = [item.lines[0] for item in items]
    return replace(
        whole,
        title=f"{customer.name} — {reasons}",
        lines=(*details, *whole.lines[1:]),
    )
