"""Offers: existing customers hear of them first, best customers first when supply is short."""

from __future__ import annotations

from bot.commands import AddOffer, ListOffers, RecordPitch, ShowOffer
from bot.replies import Item, Reply, Section, info, ok
from bot.services.request import Request, ServiceError
from nudges.model import Offer, OfferKind, Pitch, PitchState
from nudges.offers import is_eligible, is_live

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
            f"public={cmd.public_on.isoformat()} must come after from="
            f"{cmd.existing_first_on.isoformat()}: existing customers hear of it first.",
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
    req.audit("offer.add", subject_type="offer", subject_id=offer.id, kind=offer.kind.value)
    req.uow.commit()
    return ok(f"Added {offer.title}: {_window(offer)}.")


def _window(offer: Offer) -> str:
    supply = f", {offer.quantity} available" if offer.quantity is not None else ""
    if offer.kind is OfferKind.INCENTIVE:
        return f"new-customer incentive from {offer.existing_first_on.isoformat()}{supply}"
    if offer.kind in (OfferKind.CASE_STUDY, OfferKind.WIN):
        return f"to share from {offer.existing_first_on.isoformat()}"
    return (
        f"existing customers from {offer.existing_first_on.isoformat()}, "
        f"public on {offer.public_on.isoformat()}{supply}"
    )


def list_offers(req: Request, cmd: ListOffers) -> Reply:
    offers = req.uow.offers.in_workspace(req.actor.workspace.id)
    if not offers:
        return info("No offers yet. Managers add them with `offer add`.")
    items = [
        Item(
            title=f"{o.title} ({o.kind.value})" + (" — live" if is_live(o, req.today) else ""),
            lines=(_window(o),),
        )
        for o in offers
    ]
    return info(f"{len(offers)} offers", Section(items=tuple(items)))


def show_offer(req: Request, cmd: ShowOffer) -> Reply:
    offer = req.offer(cmd.offer)
    pitches = req.uow.pitches.of_offer(offer.id)
    counts: dict[PitchState, int] = {}
    for pitch in pitches:
        counts[pitch.state] = counts.get(pitch.state, 0) + 1
    eligible = [c for c in req.uow.offers.candidates(offer) if is_eligible(offer, c)]
    mine = [c for c in eligible if c.owner_id == req.person.id]
    pitched = {p.customer_id for p in pitches if p.state is not PitchState.PENDING}
    fields = [
        ("Window", _window(offer)),
        ("Eligible customers", str(len(eligible))),
        ("Pitched", f"{len(pitched & {c.id for c in eligible})} of {len(eligible)}"),
    ]
    fields += [(state.value.capitalize(), str(n)) for state, n in sorted(counts.items())]
    items = [
        Item(
            title=offer.title,
            lines=(offer.description,) if offer.description else (),
            fields=tuple(fields),
        )
    ]
    todo = [c for c in mine if c.id not in pitched]
    sections = [Section(items=tuple(items))]
    if todo:
        sections.append(
            Section(
                "Yours still to pitch, best first",
                tuple(Item(title=c.name) for c in todo[:20]),
            )
        )
    return info(offer.title, *sections)


def record_pitch(req: Request, cmd: RecordPitch) -> Reply:
    offer = req.offer(cmd.offer)
    customer = req.customer(cmd.customer)
    req.uow.pitches.record(
        Pitch(offer_id=offer.id, customer_id=customer.id, state=cmd.state, at=req.now),
        person_id=req.person.id,
    )
    req.audit(
        "offer.pitch",
        subject_type="customer",
        subject_id=customer.id,
        offer_id=offer.id,
        state=cmd.state.value,
    )
    req.uow.offers.set_next_due(offer.id, req.now)  # who is next in line may have changed
    req.uow.commit()
    return ok(f"{offer.title}: {customer.name} {cmd.state.value}.")
