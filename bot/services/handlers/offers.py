"""Offers: existing customers hear of them first, best customers first when supply is short."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.commands import AddOffer, ListOffers, RecordPitch, ShowOffer
from bot.replies import Action, Item, Reply, Section, Verb, info, ok
from bot.services.handlers.escalations import Answered
from bot.services.request import Request, ServiceError
from bot.services.wording import count, listing, long_date
from nudges.model import (
    Customer,
    Nudge,
    NudgeReason,
    NudgeState,
    Offer,
    OfferKind,
    Pitch,
    PitchState,
    RelationshipKind,
)
from nudges.offers import audience, eligible_kinds, is_live

OFFER_USAGE = (
    "offer add <title> kind=product|incentive|case_study|win from=<YYYY-MM-DD> "
    "public=<YYYY-MM-DD> [qty=N] [tiers=…] [kinds=…] [tags=…]"
)


def add_offer(req: Request, cmd: AddOffer) -> Reply:
    person = req.person
    if not (person.is_admin or req.uow.people.reports_of(person.id)):
        raise ServiceError("Only managers and admins add offers; ask yours to announce it.")
    if cmd.public_on <= cmd.existing_first_on:
        raise ServiceError(
            f"public={long_date(cmd.public_on)} must come after from="
            f"{long_date(cmd.existing_first_on)}: existing customers hear of it first.",
            usage=OFFER_USAGE,
        )
    unknown = sorted(cmd.tiers - set(req.deps.policy.tiers))
    if unknown:
        raise ServiceError(
            f"Unknown tier {unknown[0]!r}: tiers are {', '.join(req.deps.policy.tiers)}.",
            usage=OFFER_USAGE,
        )
    workspace_id = req.actor.workspace.id
    if req.uow.offers.by_title(workspace_id=workspace_id, title=cmd.title) is not None:
        raise ServiceError(f"An offer called {cmd.title!r} exists already: pick another title.")
    offer = req.uow.offers.add(
        Offer(
            id=0,
            workspace_id=workspace_id,
            title=cmd.title,
            kind=cmd.kind,
            existing_first_on=cmd.existing_first_on,
            public_on=cmd.public_on,
            quantity=cmd.quantity,
            tiers=cmd.tiers,
            kinds=cmd.kinds,
            tags=cmd.tags,
            description=cmd.description,
        ),
        now=req.now,
    )
    req.created("offer", id=offer.id)
    req.audit("offer.add", subject_type="offer", subject_id=offer.id, kind=offer.kind.value)
    req.commit(f"the new offer {offer.title}")
    return ok(f"Added {offer.title}: {_window(offer, today=req.today)}.")


def _window(offer: Offer, *, today: date | None = None) -> str:
    supply = f", {offer.quantity} available" if offer.quantity is not None else ""
    first = long_date(offer.existing_first_on, today=today)
    if offer.kind is OfferKind.INCENTIVE:
        return f"new-customer incentive from {first}{supply}"
    if offer.kind in (OfferKind.CASE_STUDY, OfferKind.WIN):
        return f"to share from {first}"
    public = long_date(offer.public_on, today=today)
    return f"existing customers from {first}, public on {public}{supply}"


def list_offers(req: Request, cmd: ListOffers) -> Reply:
    offers = req.uow.offers.in_workspace(req.actor.workspace.id)
    if not offers:
        return info("No offers yet. Managers add them with `offer add`.")
    items = [
        Item(
            title=f"{o.title} ({o.kind.value})" + (" — live" if is_live(o, req.today) else ""),
            lines=(_window(o, today=req.today),),
        )
        for o in offers
    ]
    return info(count(len(offers), "offer"), Section(items=tuple(items)))


SHOWN_AUDIENCE = 30
_STATE_WORDS = {
    None: "to pitch",
    PitchState.PENDING: "to pitch",
    PitchState.PITCHED: "pitched, answer to come",
    PitchState.ACCEPTED: "accepted",
    PitchState.DECLINED: "declined",
}


def show_offer(req: Request, cmd: ShowOffer) -> Reply:
    """The offer, and exactly who it reaches (is or will be nudged about), best first, with
    the quantity applied; each customer counted once, by where their pitch stands."""
    offer = req.offer(cmd.offer)
    ranked = req.uow.offers.ranked(offer)
    reached = audience(offer, ranked, req.deps.policy)
    pitch_of = dict(ranked)
    states = Counter(_STATE_WORDS[pitch_of[cid]] for cid in reached)
    done = len(reached) - states["to pitch"]
    fields = [
        ("Window", _window(offer, today=req.today)),
        ("For", _for_whom(offer)),
        ("Eligible", count(len(ranked), "customer")),
        ("Reaches", _reach(offer, len(reached), len(ranked))),
        ("Pitched", f"{done} of {len(reached)}"),
    ]
    fields += [
        (label.capitalize(), str(states[label]))
        for label in ("accepted", "declined", "pitched, answer to come", "to pitch")
        if states[label]
    ]
    sections = [
        Section(
            items=(
                Item(
                    title=offer.title,
                    lines=(offer.description,) if offer.description else (),
                    fields=tuple(fields),
                ),
            )
        )
    ]
    if reached:
        shown = reached[:SHOWN_AUDIENCE]
        customers = {c.id: c for c in req.uow.customers.get_many(shown)}
        owners = {
            p.id: p for p in req.uow.people.get_many({c.owner_id for c in customers.values()})
        }
        items = []
        for rank, cid in enumerate(shown, start=1):
            customer = customers[cid]
            owner = owners.get(customer.owner_id)
            whose = (
                "yours"
                if customer.owner_id == req.person.id
                else (owner.display_name if owner else "?")
            )
            items.append(
                Item(title=f"{rank}. {customer.name} ({whose}) — {_STATE_WORDS[pitch_of[cid]]}")
            )
        more = len(reached) - len(shown)
        sections.append(
            Section(
                "Reaches, best first",
                tuple(items),
                note=f"…and {more} more." if more > 0 else None,
            )
        )
    return info(offer.title, *sections)


def _for_whom(offer: Offer) -> str:
    kinds = eligible_kinds(offer)
    who = (
        "paying customers"
        if kinds == frozenset({RelationshipKind.CUSTOMER})
        else listing(sorted(f"{k.value}s" for k in kinds))
        if kinds
        else "every kind of relationship"
    )
    if offer.tiers:
        who += f", tier {listing(sorted(offer.tiers))}"
    if offer.tags:
        who += f", tagged {' or '.join(sorted(offer.tags))}"
    return who


def _reach(offer: Offer, reached: int, eligible: int) -> str:
    if offer.kind is OfferKind.INCENTIVE:
        return f"the best {count(reached, 'customer')}, to offer them the same"
    if offer.kind is OfferKind.PRODUCT and offer.quantity is not None:
        return (
            f"the best customers until {offer.quantity} have not declined: "
            f"{count(reached, 'customer')} so far"
        )
    return f"all {count(eligible, 'eligible customer')}"


PITCH_OUTCOMES: dict[str, PitchState] = {
    "accepted": PitchState.ACCEPTED,
    "declined": PitchState.DECLINED,
    "later": PitchState.PITCHED,
}
_DID = {NudgeReason.OFFER: "pitched", NudgeReason.PARITY: "offered", NudgeReason.ABREAST: "shared"}


def pitched_by_done(req: Request, nudge: Nudge, customer: Customer) -> tuple[str, Section] | None:
    """A nudge about an offer answered "done": the offer was pitched (offered, shared), so
    the pitch is recorded; returns what was done and, for a sale, the question how it went."""
    if nudge.offer_id is None:
        return None
    offer = req.uow.offers.get(nudge.offer_id)
    if offer is None:  # pragma: no cover - nudges cascade with their offer
        return None
    current = req.uow.pitches.get(offer_id=offer.id, customer_id=customer.id)
    if current is None or current.state is PitchState.PENDING:
        _record(req, offer, customer, PitchState.PITCHED)
    did = f"{_DID.get(nudge.reason, 'pitched')} {offer.title}"
    if nudge.reason is NudgeReason.ABREAST:
        return did, Section()
    ref = f"nudge:{nudge.id}"
    question = Item(
        title=f"How did {offer.title} go with {customer.name}?",
        actions=(
            Action(Verb.ACCEPTED, "Accepted", ref),
            Action(Verb.DECLINED, "Declined", ref),
            Action(Verb.LATER, "No answer yet", ref),
        ),
        ref=ref,
    )
    note = f'Or later: offer pitched "{offer.title}" {customer.name} accepted|declined'
    return did, Section(items=(question,), note=note)


def pitch_outcome(req: Request, nudge: Nudge, customer: Customer, *, verb: str) -> Answered:
    """How a pitch went (the buttons under "How did … go?"); it is no touch of its own."""
    offer = req.uow.offers.get(nudge.offer_id) if nudge.offer_id is not None else None
    if offer is None:
        raise ServiceError("That nudge is about no offer: nothing was pitched.")
    state = PITCH_OUTCOMES[verb]
    current = req.uow.pitches.get(offer_id=offer.id, customer_id=customer.id)
    if verb == "later" and current is not None and current.state is not PitchState.PENDING:
        state = current.state  # no answer yet: an answer already given stands
    _record(req, offer, customer, state)
    req.commit(f"the outcome of {offer.title} with {customer.name}")
    if state is PitchState.PITCHED:
        return Answered(
            "pitched, answer to come",
            f"{offer.title}: {customer.name} pitched; say how it went when you know.",
        )
    return Answered(state.value, f"{offer.title}: {customer.name} {state.value}.")


def _record(req: Request, offer: Offer, customer: Customer, state: PitchState) -> None:
    req.watch("pitch", "customer_id", customer.id)
    req.uow.pitches.record(
        Pitch(offer_id=offer.id, customer_id=customer.id, state=state, at=req.now),
        person_id=req.person.id,
    )
    req.audit(
        "offer.pitch",
        subject_type="customer",
        subject_id=customer.id,
        offer_id=offer.id,
        state=state.value,
    )
    req.uow.offers.set_next_due(offer.id, req.now)  # who is next in line may have changed
    if state is not PitchState.PENDING:
        req.watch("nudge", "customer_id", customer.id)
        # Pitched already: the nudge to pitch it is no longer a to-do, not even until the
        # next sweep decides the offer again.
        for nudge in req.uow.nudges.live_for_customer(customer.id):
            if nudge.offer_id == offer.id and nudge.id is not None:
                req.uow.nudges.set_state(nudge.id, NudgeState.EXPIRED, now=req.now)
    req.uow.customers.set_next_due(customer.id, req.now)  # its health: kept with a decision


def record_pitch(req: Request, cmd: RecordPitch) -> Reply:
    offer = req.offer(cmd.offer)
    customer = req.customer(cmd.customer)
    _record(req, offer, customer, cmd.state)
    req.commit(f"recording {offer.title} as {cmd.state.value} with {customer.name}")
    return ok(f"{offer.title}: {customer.name} {cmd.state.value}.")
