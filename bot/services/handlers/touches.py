"""Logging touches, and answering nudges: done, snooze, skip; do-not-contact."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.commands import Done, DoNotContact, LogTouch, Skip, Snooze, UserRef
from bot.replies import Reply, Section, Tone, ok
from bot.services.access import (
    in_scope,
    may_answer,
    require_customer_access,
    require_nudge_access,
)
from bot.services.handlers.contacts import find_contact
from bot.services.handlers.escalations import Answered, answer_escalation
from bot.services.handlers.offers import PITCH_OUTCOMES, pitch_outcome, pitched_by_done
from bot.services.handlers.positions import customer_named_or_at
from bot.services.request import Request, ServiceError
from bot.services.wording import count, long_date
from nudges.calendar import EARLIEST_DAY, in_range, local_date
from nudges.model import Customer, Nudge, NudgeReason, NudgeState, Touch
from nudges.quiet import cadence_for
from nudges.ranking import rank
from nudges.rituals import shared_ritual

_RITUAL = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
DEFAULT_RITUAL = "check-in"


def log_touch(req: Request, cmd: LogTouch) -> Reply:
    # Anyone may log a touch on any customer: the account was touched, whoever touched it.
    customer = req.customer(cmd.customer, for_change=False)
    ritual = (cmd.ritual or DEFAULT_RITUAL).lower()
    if not _RITUAL.match(ritual):
        raise ServiceError(
            f"{cmd.ritual!r} is not a ritual name: use one word such as "
            + ", ".join(r.name for r in req.deps.policy.playbook[:6]),
            usage="touch <customer> [<ritual>] [-- <note>]",
            field="ritual",
        )
    at = _touch_instant(req, cmd.on)
    contact_id = _contact_id(req, customer, cmd.contact)
    touch = record_touch(req, customer, ritual=ritual, at=at, note=cmd.note, contact_id=contact_id)
    cadence = cadence_for(customer, req.deps.policy)  # a touch changes no tier or cadence
    when = "today" if cmd.on is None or cmd.on == req.today else long_date(cmd.on, today=req.today)
    owner = (
        "" if customer.owner_id == req.person.id else f" ({req.person_name(customer.owner_id)}'s)"
    )
    return Reply(
        text=f"Logged {ritual} with {customer.name}{owner}, {when}.",
        tone=Tone.SUCCESS,
        footer=f"Next check-in within {cadence.ideal_days} days ({customer.tier}).",
        fields={"touch_id": str(touch.id), "customer_id": str(customer.id)},
    )


def record_touch(
    req: Request,
    customer: Customer,
    *,
    ritual: str,
    at: datetime,
    note: str | None = None,
    contact_id: int | None = None,
) -> Touch:
    req.watch("customer", "id", customer.id)
    req.watch("nudge", "customer_id", customer.id)
    touch = req.uow.touches.add(
        Touch(
            id=0,
            customer_id=customer.id,
            person_id=req.person.id,
            ritual=ritual,
            at=at,
            contact_id=contact_id,
            note=note,
        ),
        owner_id=customer.owner_id,
    )
    req.created("touchpoint", id=touch.id)
    req.audit(
        "touch.log",
        subject_type="customer",
        subject_id=customer.id,
        touch_id=touch.id,
        ritual=ritual,
    )
    req.refresh(customer.id)
    day = long_date(local_date(at, req.person.timezone), today=req.today)
    req.commit(f"your touch: {ritual.replace('_', ' ')} with {customer.name} on {day}")
    return touch


def _touch_instant(req: Request, on: date | None) -> datetime:
    if on is None:
        return req.now
    if on > req.today:
        raise ServiceError(
            f"{long_date(on, today=req.today)} is in the future: log a touch when it has happened.",
            usage="touch <customer> [<ritual>] [on=YYYY-MM-DD] [-- <note>]",
            field="on",
        )
    if on == req.today:
        return req.now
    if not in_range(on):  # a form's date picker reaches further back than anyone could mean
        raise ServiceError(
            f"{long_date(on)} is out of range: give a day between "
            f"{EARLIEST_DAY.isoformat()} and today.",
            field="on",
        )
    # A day in the past: count it at noon, the actor's time, on that day.
    return datetime.combine(on, time(12), tzinfo=ZoneInfo(req.person.timezone)).astimezone(UTC)


def _contact_id(req: Request, customer: Customer, name: str | None) -> int | None:
    if name is None:
        return None
    return find_contact(req, customer, name).id


def _live_nudges(req: Request, customer: Customer) -> list[Nudge]:
    """The actor's own live nudges about the customer; failing those, the ones they may answer
    for someone else (a report's, or an absent colleague's they cover for)."""
    live = req.uow.nudges.live_for_customer(customer.id)
    addressed = [n for n in live if n.recipient_id == req.person.id]
    return addressed or [n for n in live if may_answer(req.uow, req.person, n, now=req.now)]


def answer_nudge(
    req: Request,
    nudge: Nudge,
    *,
    verb: str,
    until: date | None = None,
    reason: str | None = None,
    to: UserRef | None = None,
    whole_entry: bool = False,
    ritual: str | None = None,
) -> Answered:
    """Apply an answer to one nudge (done, snooze, skip; a manager's answers to an escalation)
    and commit it; returns the item's new state and what to say. ``whole_entry``: a button on
    a message's entry, which shows every reason the customer is due for: done, snooze and skip
    answer them all (one touch is logged)."""
    customer = req.uow.customers.get(nudge.customer_id)
    if customer is None:  # pragma: no cover - nudges cascade with their customer
        raise ServiceError("That customer no longer exists.")
    if customer.workspace_id != req.actor.workspace.id:
        raise ServiceError("That nudge no longer exists.")
    require_nudge_access(req.uow, req.person, nudge, customer, now=req.now)
    req.watch("nudge", "customer_id", customer.id)
    if verb in PITCH_OUTCOMES:  # asked after "done": the nudge itself is done already
        return pitch_outcome(req, nudge, customer, verb=verb)
    if nudge.state.value not in ("open", "delivered", "snoozed"):
        raise ServiceError(f"That nudge about {customer.name} is already {nudge.state.value}.")
    nid = nudge.id or 0
    if nudge.reason is NudgeReason.ESCALATION and verb not in ("snooze", "skip"):
        answered = answer_escalation(req, nudge, customer, verb=verb, to=to)
        req.commit(f"your answer to the escalation about {customer.name}: {answered.state}")
        return answered
    if verb in ESCALATION_ONLY:
        raise ServiceError(f"Only an escalation can be answered with {verb.replace('_', ' ')}.")
    others = _entry_companions(req, nudge) if whole_entry else []
    if verb == "done":
        req.uow.nudges.set_state(nid, NudgeState.DONE, now=req.now)
        req.audit("nudge.done", subject_type="nudge", subject_id=nid)
        for other in others:
            req.uow.nudges.set_state(other.id or 0, NudgeState.DONE, now=req.now)
            req.audit("nudge.done", subject_type="nudge", subject_id=other.id)
            pitched_by_done(req, other, customer)
        # One touch for the entry, with the ritual it suggested (one that fits every reason).
        ritual = ritual or entry_ritual(req, customer, [nudge, *others]) or DEFAULT_RITUAL
        pitched = pitched_by_done(req, nudge, customer)
        record_touch(req, customer, ritual=ritual, at=req.now)
        if pitched is None:
            return _said(f"done: {ritual} logged")
        did, question = pitched
        state = f"{did} ({ritual} logged)"
        return Answered(state, f"{state[0].upper()}{state[1:]}.", _asked(question))
    if verb == "snooze":
        if until is None or until <= req.today:
            raise ServiceError(
                "Snooze until a day after today, e.g. 3d, 1w, 1m or 2027-01-15.",
                usage="snooze <customer> <3d|1w|1m|YYYY-MM-DD> [-- reason]",
            )
        for target in (nid, *(o.id or 0 for o in others)):
            req.uow.nudges.set_state(
                target, NudgeState.SNOOZED, now=req.now, snoozed_until=until, reason=reason
            )
        req.audit("nudge.snooze", subject_type="nudge", subject_id=nid, until=until.isoformat())
        req.refresh(customer.id)
        req.commit(f"snoozing your nudge about {customer.name} until {long_date(until)}")
        return _said(f"snoozed until {long_date(until, today=req.today)}")
    if verb == "skip":
        for target in (nid, *(o.id or 0 for o in others)):
            req.uow.nudges.set_state(target, NudgeState.SKIPPED, now=req.now, reason=reason)
        req.audit("nudge.skip", subject_type="nudge", subject_id=nid, reason=bool(reason))
        req.refresh(customer.id)
        req.commit(f"skipping your nudge about {customer.name}")
        return _said("skipped" + (f": {reason}" if reason else ""))
    raise ServiceError(f"Unknown answer {verb!r}: expected done, snooze or skip.")


def entry_ritual(req: Request, customer: Customer, entry: list[Nudge]) -> str | None:
    """The ritual an entry of these nudges suggested (see ``present.entry_item``)."""
    if len(entry) == 1:
        return entry[0].ritual
    entry = rank(entry)
    return shared_ritual(
        (n.ritual for n in entry),
        tier=customer.tier,
        reasons=(n.reason for n in entry),
        policy=req.deps.policy,
    )


def _entry_companions(req: Request, nudge: Nudge) -> list[Nudge]:
    """The other reasons shown in the same entry: the recipient's live nudges about the same
    customer (an escalation is the manager's, answered on its own)."""
    if nudge.reason is NudgeReason.ESCALATION:
        return []
    return [
        n
        for n in req.uow.nudges.live_for_customer(nudge.customer_id)
        if n.id != nudge.id
        and n.recipient_id == nudge.recipient_id
        and n.reason is not NudgeReason.ESCALATION
        and n.state in (NudgeState.OPEN, NudgeState.DELIVERED)
    ]


ESCALATION_ONLY = frozenset({"acknowledge", "remind", "take_over", "reassign"})


def _said(state: str) -> Answered:
    return Answered(state, f"{state[0].upper()}{state[1:]}.")


def _asked(question: Section) -> tuple[Section, ...]:
    return (question,) if question.items else ()


def close_answered_nudge(req: Request, nudge_id: int, *, customer: str) -> None:
    """A touch logged from a nudge's "Log…" form answers that nudge (and the others of its
    entry): done, if it is about the customer touched and the actor may answer it (a forged or
    stale id changes nothing).
    The caller commits it with the touch."""
    nudge = req.uow.nudges.get(nudge_id)
    touched = req.uow.customers.by_name(workspace_id=req.actor.workspace.id, name=customer)
    if (
        nudge is None
        or touched is None
        or nudge.customer_id != touched.id
        or nudge.state.value not in ("open", "delivered", "snoozed")
        or not may_answer(req.uow, req.person, nudge, now=req.now)
    ):
        return
    req.watch("nudge", "customer_id", touched.id)
    # The form came from an entry showing every reason the customer is due for: the touch
    # answers them all.
    for answered in (nudge, *_entry_companions(req, nudge)):
        req.uow.nudges.set_state(answered.id or 0, NudgeState.DONE, now=req.now)
        req.audit("nudge.done", subject_type="nudge", subject_id=answered.id)
        pitched_by_done(req, answered, touched)


def _answer_all(
    req: Request,
    customer: Customer,
    *,
    verb: str,
    until: date | None = None,
    reason: str | None = None,
) -> Reply:
    """Every live nudge about the customer answered alike, in one transaction."""
    return req.as_one(lambda: _answer_each(req, customer, verb=verb, until=until, reason=reason))


def _answer_each(
    req: Request,
    customer: Customer,
    *,
    verb: str,
    until: date | None = None,
    reason: str | None = None,
) -> Reply:
    nudges = _live_nudges(req, customer)
    if not nudges:
        if not in_scope(req.uow, req.person, customer.owner_id):
            require_customer_access(req.uow, req.person, customer)  # say whose it is
        raise ServiceError(
            f"No open nudge about {customer.name} for you. `nudges` lists yours; "
            f"`touch {customer.name}` logs a touch anyway."
        )
    if verb == "done":
        # An escalation is acknowledged (nobody called the customer); the rest are answered by
        # one touch, logged once with the most important nudge's ritual.
        said = [
            answer_nudge(req, n, verb="acknowledge").message
            for n in nudges
            if n.reason is NudgeReason.ESCALATION
        ]
        rest = [n for n in nudges if n.reason is not NudgeReason.ESCALATION]
        questions: list[Section] = []
        if rest:
            for other in rest[1:]:
                req.uow.nudges.set_state(other.id or 0, NudgeState.DONE, now=req.now)
                req.audit("nudge.done", subject_type="nudge", subject_id=other.id)
                pitched = pitched_by_done(req, other, customer)
                if pitched is not None:
                    questions += _asked(pitched[1])
            top = answer_nudge(req, rest[0], verb="done", ritual=entry_ritual(req, customer, rest))
            questions = [*top.sections, *questions]
            said.insert(0, f"{customer.name}: {top.state}.")
        return ok(" ".join(said), *questions)
    states = [answer_nudge(req, n, verb=verb, until=until, reason=reason).state for n in nudges]
    return ok(f"{customer.name}: {count(len(nudges), 'nudge')} {states[-1]}.")


def done(req: Request, cmd: Done) -> Reply:
    customer = customer_named_or_at(req, cmd.customer, cmd.position)
    return _answer_all(req, customer, verb="done")


def snooze(req: Request, cmd: Snooze) -> Reply:
    customer = customer_named_or_at(req, cmd.customer, cmd.position)
    return _answer_all(req, customer, verb="snooze", until=cmd.until, reason=cmd.reason)


def skip(req: Request, cmd: Skip) -> Reply:
    customer = customer_named_or_at(req, cmd.customer, cmd.position)
    return _answer_all(req, customer, verb="skip", reason=cmd.reason)


def do_not_contact(req: Request, cmd: DoNotContact) -> Reply:
    customer = req.customer(cmd.customer)
    if cmd.until is not None and cmd.until < req.today:
        raise ServiceError(
            f"{long_date(cmd.until, today=req.today)} has passed: give a day from today on, "
            "or `off`.",
            usage="dnc <customer> until=<YYYY-MM-DD> [-- reason] | dnc <customer> off",
        )
    updated = replace(customer, dnc_until=cmd.until, dnc_reason=cmd.reason if cmd.until else None)
    req.uow.customers.update(updated)
    if customer.dnc_until is not None:
        # Nudges held by the previous do-not-contact were snoozed to its last day: open them,
        # and the decision below holds them again for as long as the new one asks.
        for nudge in req.uow.nudges.live_for_customer(customer.id):
            if nudge.state is NudgeState.SNOOZED and nudge.snoozed_until == customer.dnc_until:
                req.uow.nudges.set_state(nudge.id or 0, NudgeState.OPEN, now=req.now)
    req.audit(
        "customer.dnc",
        subject_type="customer",
        subject_id=customer.id,
        until=cmd.until.isoformat() if cmd.until else None,
    )
    req.refresh(customer.id)
    if cmd.until is None:
        req.commit(f"lifting do-not-contact on {customer.name}")
    else:
        req.commit(f"do-not-contact on {customer.name} until {long_date(cmd.until)}")
    if cmd.until is None:
        return ok(f"{customer.name} can be contacted again.")
    why = f" ({cmd.reason})" if cmd.reason else ""
    return ok(
        f"No nudges about {customer.name} until {long_date(cmd.until, today=req.today)}{why}."
    )
