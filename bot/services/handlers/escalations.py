"""A manager's answers to an escalation (a customer red for too long): acknowledge it, remind
the owner, take the customer over, or hand it to someone else in the team. None of them is a
touch — nobody called the customer — so the customer's quiet clock keeps running."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.commands import AnswerEscalation, UserRef
from bot.replies import Reply, Section, ok
from bot.services.access import may_answer, require_person_access
from bot.services.handlers.positions import customer_named_or_at
from bot.services.notices import send_notice
from bot.services.nudge_text import read_context
from bot.services.present import nudge_item
from bot.services.request import Request, ServiceError
from bot.services.wording import long_date
from nudges.model import Customer, Nudge, NudgeReason, NudgeState, Person
from nudges.suppress import is_out_of_office

NO_TOUCH = "No touch was logged."


@dataclass(frozen=True, slots=True)
class Answered:
    state: str  # the item's new state, shown where the button was
    message: str  # the reply to whoever answered
    sections: tuple[Section, ...] = ()  # a follow-up question, e.g. how a pitch went


def answer_escalation(
    req: Request, nudge: Nudge, customer: Customer, *, verb: str, to: UserRef | None = None
) -> Answered:
    """Apply one answer to an escalation (access already checked)."""
    req.watch_customer(customer.id)
    owner = req.uow.people.get(customer.owner_id)
    owner_name = owner.display_name if owner else "its owner"
    if verb in ("acknowledge", "done"):
        _close(req, nudge, "acknowledged")
        return Answered(
            "acknowledged: no touch logged",
            f"Acknowledged the escalation about {customer.name}: it stays with {owner_name}, "
            "and no touch was logged.",
        )
    if verb == "remind":
        if owner is None:  # pragma: no cover - an owner is a foreign key
            raise ServiceError(f"{customer.name} has no owner to remind.")
        _remind(req, nudge, customer, owner)
        _close(req, nudge, f"reminded {owner_name}")
        away = ""
        if is_out_of_office(owner, now=req.now) and owner.ooo_until is not None:
            away = (
                f" {owner_name} is out of office until "
                f"{long_date(owner.ooo_until, today=req.today, weekday=False)}: taking it over "
                "or reassigning it may be quicker."
            )
        return Answered(
            "owner reminded", f"Reminded {owner_name} about {customer.name}. {NO_TOUCH}{away}"
        )
    if verb == "take_over":
        if customer.owner_id == req.person.id:
            raise ServiceError(f"{customer.name} is yours already.")
        hand_over(req, customer, req.person)
        _close(req, nudge, "taken over")
        return Answered(
            "taken over",
            f"{customer.name} is yours now (it was {owner_name}'s). No touch was logged: it is "
            "still red, so reach out soon.",
        )
    if verb == "reassign":
        if to is None:
            raise ServiceError(
                "Say to whom, e.g. escalation reassign acme @sue.",
                usage="escalation reassign <customer|number> @user",
            )
        new_owner = req.person_ref(to)
        require_person_access(req.uow, req.person, new_owner)
        if new_owner.id == customer.owner_id:
            raise ServiceError(f"{customer.name} is {new_owner.display_name}'s already.")
        hand_over(req, customer, new_owner)
        if new_owner.id != req.person.id:
            _tell_new_owner(req, customer, new_owner, previous=owner_name)
        _close(req, nudge, f"reassigned to {new_owner.display_name}")
        told = f"; {new_owner.display_name} is told" if new_owner.id != req.person.id else ""
        return Answered(
            f"reassigned to {new_owner.display_name}",
            f"{customer.name} is {new_owner.display_name}'s now (it was {owner_name}'s){told}. "
            f"{NO_TOUCH}",
        )
    raise ServiceError(
        f"Unknown answer {verb!r} to an escalation: acknowledge, remind, takeover or reassign."
    )


def hand_over(req: Request, customer: Customer, new_owner: Person) -> Customer:
    """Make ``new_owner`` the owner. Their own clock starts now: they are not told the next
    morning that they have neglected an account they were given an hour ago."""
    own = customer.owner_last_touch_at
    updated = replace(
        customer,
        owner_id=new_owner.id,
        owner_last_touch_at=req.now if own is None or own < req.now else own,
    )
    req.uow.customers.update(updated)
    req.audit(
        "customer.assign",
        subject_type="customer",
        subject_id=customer.id,
        owner_id=new_owner.id,
        previous_owner_id=customer.owner_id,
    )
    req.refresh(customer.id)
    return updated


def _close(req: Request, nudge: Nudge, how: str) -> None:
    nid = nudge.id or 0
    req.uow.nudges.set_state(nid, NudgeState.DONE, now=req.now, reason=how)
    req.audit("escalation.answer", subject_type="nudge", subject_id=nid, answer=how.split()[0])


def _remind(req: Request, escalation: Nudge, customer: Customer, owner: Person) -> None:
    own = [
        n
        for n in req.uow.nudges.live_for_customer(customer.id)
        if n.recipient_id == owner.id and n.reason is NudgeReason.QUIET
    ]
    policy = req.deps.policy
    context = read_context(req.uow, timezone=owner.timezone, customer_ids=[customer.id])
    items = tuple(
        nudge_item(n, customer, policy=policy, now=req.now, context=context) for n in own[:1]
    )
    message = Reply(
        text=f"{req.person.display_name} asks you to get in touch with {customer.name}: it has "
        "been red for too long.",
        sections=(Section(items=items),) if items else (),
    )
    send_notice(req, owner, message, key=f"remind:{escalation.id}")


def _tell_new_owner(req: Request, customer: Customer, new_owner: Person, *, previous: str) -> None:
    message = Reply(
        text=f"{req.person.display_name} has handed {customer.name} to you (it was "
        f"{previous}'s). It has been quiet for a while: a call soon would be good.",
        footer=f"`customer show {customer.name}` and `history {customer.name}` show where it "
        "stands.",
    )
    send_notice(
        req, new_owner, message, key=f"handover:{customer.id}:{new_owner.id}:{req.now.isoformat()}"
    )


def escalation_command(req: Request, cmd: AnswerEscalation) -> Reply:
    """``escalation acknowledge|remind|takeover|reassign <customer|number> [@user]``."""
    customer = customer_named_or_at(req, cmd.customer, cmd.position)
    live = [
        n
        for n in req.uow.nudges.live_for_customer(customer.id)
        if n.reason is NudgeReason.ESCALATION and may_answer(req.uow, req.person, n, now=req.now)
    ]
    if not live:
        raise ServiceError(
            f"No open escalation about {customer.name} for you. `nudges` lists yours."
        )
    nudge = next((n for n in live if n.recipient_id == req.person.id), live[0])
    answered = answer_escalation(req, nudge, customer, verb=cmd.verb, to=cmd.to)
    req.commit(f"your answer to the escalation about {customer.name}: {answered.state}")
    return ok(answered.message)
