"""Planning each recipient's next message: which of their open nudges go, at which slot, written
to the outbox a batch of recipients per transaction.

Catch-up: a recipient's next slot is searched from the later of their last delivery and a short
grace period ago (a sweep a few minutes late still makes today's slot), so after downtime the
nudges due meanwhile go out once, at the next slot, not once per missed run. A slot missed
earlier the same local working day still goes out, marked late, until ``late_until_hour``.

Covers: the nudges of someone away go to their cover, in the cover's one message with the
cover's own, whichever batch each of them is planned in.

Between sweeps a running process remembers, per person, "nothing to send before slot S" and
exactly what it was worked out from (the person, their last message, their open nudges); until
S, or until any of that changes, the person is not planned again. Every five minutes that
saves re-reading and re-planning the people whose slot passed today with nothing owed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery import turns as turns_module
from bot.delivery.compose import daily_message
from bot.delivery.turns import Turns
from bot.ops import lifecycle
from bot.services.context import Deps
from bot.services.cover import cover_note
from nudges.calendar import local_date
from nudges.delivery import DeliveryPlan, earliest_slot, owed_by, plan_delivery
from nudges.model import DeliveryKind, Nudge, NudgeState, Person, Workspace
from nudges.policy import Policy
from nudges.suppress import route_recipient
from nudges.timing import missed_slot
from storage import SqlUnitOfWork
from storage.repositories.nudges import Signature
from storage.repositories.outbox import NewDelivery

log = logging.getLogger(__name__)

SLOT_GRACE = timedelta(hours=1)

#: (delivery id, recipient id, slot, nudges, waiting) of each message planned.
Planned = tuple[int, int, datetime, int, int]


def plan_messages(deps: Deps, *, now: datetime, horizon: datetime) -> list[Planned]:
    """Each recipient's next message, for those whose slot falls before ``horizon``: a batch
    of recipients per transaction."""
    with deps.uow() as uow:
        recipients = uow.nudges.recipients_with_open()
    memory = _memory(deps)
    turns = Turns(deps)
    # a message written per person: short batches
    size = turns_module.SQLITE_BATCH if turns.sqlite else turns_module.BATCH
    planned: list[Planned] = []
    for start in range(0, len(recipients), size):
        if lifecycle.requested():  # stopping: the next sweep plans the rest
            break
        if start:
            turns.pause()
        batch = recipients[start : start + size]
        with deps.uow() as uow:
            done = turns.run(
                uow,
                lambda _holding, uow=uow, batch=batch: _plan_batch(  # type: ignore[misc]
                    uow, deps, batch, now=now, horizon=horizon, memory=memory
                ),
                what="planning messages",
            )
        for delivery_id, person_id, slot, count, waiting in done:
            log.info(
                "delivery %s planned for person %s at %s (%s nudges, %s waiting)",
                delivery_id,
                person_id,
                slot.isoformat(),
                count,
                waiting,
            )
        planned.extend(done)
    return planned


@dataclass(frozen=True, slots=True)
class _NothingBefore:
    """``person``'s next message falls at ``until`` at the earliest (after the sweep's
    horizon), as worked out at ``at`` from exactly these: their last slot and open nudges."""

    person: Person
    last_slot: datetime | None
    nudges: Signature
    at: datetime
    until: datetime


@dataclass
class PlanMemory:
    """Per process, what planning found for people with nothing to send yet. An entry is used
    only while everything it was worked out from is unchanged, so replicas (each with its own)
    and requests that change a person or their nudges never meet a stale one."""

    policy: Policy | None = None
    nothing: dict[int, _NothingBefore] = field(default_factory=dict)
    #: Per person: (the person, searched from, found) of their last ``earliest_slot``.
    slots: dict[int, tuple[Person, datetime, datetime]] = field(default_factory=dict)

    def earliest_slot(self, person: Person, *, after: datetime) -> datetime:
        """``nudges.delivery.earliest_slot``, worked out again only when the person changed
        or ``after`` has passed the slot found last time."""
        known = self.slots.get(person.id)
        if known is None or known[0] != person or not known[1] <= after <= known[2]:
            known = self.slots[person.id] = (person, after, earliest_slot(person, after=after))
        return known[2]

    def unchanged(
        self, person: Person, *, last_slot: datetime | None, now: datetime, horizon: datetime
    ) -> _NothingBefore | None:
        """The entry for ``person`` if, apart from their open nudges (which the caller
        compares), it still holds at ``now`` for a sweep up to ``horizon``."""
        entry = self.nothing.get(person.id)
        if (
            entry is None
            or entry.person != person
            or entry.last_slot != last_slot
            or not entry.at <= now  # a clock set back: worked out again
            or not horizon < entry.until
        ):
            return None
        return entry


def _memory(deps: Deps) -> PlanMemory:
    memory = deps.memory.get("planning")
    if not isinstance(memory, PlanMemory) or memory.policy is not deps.policy:
        memory = deps.memory["planning"] = PlanMemory(policy=deps.policy)
    return memory


def _plan_batch(
    uow: SqlUnitOfWork,
    deps: Deps,
    recipient_ids: list[int],
    *,
    now: datetime,
    horizon: datetime,
    memory: PlanMemory,
) -> list[Planned]:
    """Plan (in ``uow``, uncommitted) the messages of these recipients that fall before
    ``horizon``."""
    people = {p.id: p for p in uow.people.get_many(recipient_ids)}
    reachable = [i for i in recipient_ids if (p := people.get(i)) and not p.unreachable]
    last_slots = uow.deliveries.last_slots(reachable, kind=DeliveryKind.NUDGES)
    # Most recipients' next slot is hours away, or today's message went out already: their
    # nudges are planned by a later sweep. (Someone with a cover may be away: their nudges
    # may go to the cover now.)
    earliest = now - _late_window(deps)
    candidates = [
        i
        for i in reachable
        if people[i].cover_id is not None
        or memory.earliest_slot(people[i], after=_after(earliest, last_slots.get(i))) <= horizon
    ]
    if not candidates:
        return []
    routes = _routes(uow, candidates, people, now=now)
    targets = {routes[i] for i in candidates}
    sources = {source: target for source, target in routes.items() if target in targets}
    unknown = sorted(targets - set(last_slots))
    last_slots.update(uow.deliveries.last_slots(unknown, kind=DeliveryKind.NUDGES))
    # A person receiving only their own nudges, with nothing to send when last planned, is
    # planned again only if what that was worked out from has changed.
    senders = Counter(sources.values())
    alone = {t for t in targets if senders[t] == 1 and sources.get(t) == t}
    remembered = {
        t: entry
        for t in sorted(alone)
        if (
            entry := memory.unchanged(
                people[t], last_slot=last_slots.get(t), now=now, horizon=horizon
            )
        )
    }
    if remembered:
        current = uow.nudges.open_signatures(sorted(remembered))
        settled = {t for t, entry in remembered.items() if current[t] == entry.nudges}
        sources = {s: t for s, t in sources.items() if t not in settled}
    if not sources:
        return []
    signatures: dict[int, Signature] = {}
    by_source = uow.nudges.open_for_recipients(sorted(sources), signatures=signatures)
    routed: dict[int, list[Nudge]] = {}
    for source, target in sorted(sources.items()):
        routed.setdefault(target, []).extend(by_source.get(source, ()))
    workspaces: dict[int, Workspace | None] = {}
    # Each person's next message worked out first; the slots written already (by another
    # replica, or an earlier sweep) are then found in one query.
    messages: list[tuple[Person, Workspace, DeliveryPlan, str]] = []
    for recipient_id, mine in sorted(routed.items()):
        person = people[recipient_id]
        if person.unreachable:
            continue
        if person.workspace_id not in workspaces:
            workspaces[person.workspace_id] = uow.workspaces.get(person.workspace_id)
        workspace = workspaces[person.workspace_id]
        if workspace is None:  # pragma: no cover - a foreign key
            continue
        last = last_slots.get(person.id)
        plan = _next_message(deps, person, mine, last=last, now=now)
        if plan.nudges and plan.slot <= horizon:
            memory.nothing.pop(person.id, None)
            messages.append(
                (person, workspace, plan, f"nudges:{person.id}:{plan.slot.isoformat()}")
            )
        elif person.id in alone:
            memory.nothing[person.id] = _NothingBefore(
                person,
                last,
                signatures[person.id],
                at=now,
                until=_nothing_until(deps, person, mine, plan, horizon=horizon, now=now),
            )
    return _write(uow, messages, people, now=now)


def _routes(
    uow: SqlUnitOfWork, candidates: list[int], people: dict[int, Person], *, now: datetime
) -> dict[int, int]:
    """Whose nudges go to whom at ``now``, for the candidates, their covers, and everyone
    those may be covering for (loaded into ``people``): a cover's message carries the nudges of
    every colleague away they cover, whichever batch each is in."""
    covers = {c for i in candidates if (c := people[i].cover_id) is not None}
    people.update({p.id: p for p in uow.people.get_many(covers - set(people))})
    covering = {
        p.id: p for p in uow.people.covered_by(set(candidates) | covers) if not p.unreachable
    }
    people.update({i: p for i, p in covering.items() if i not in people})
    return {
        i: route_recipient(people[i], now=now, people=people)
        for i in sorted(set(candidates) | covers | set(covering))
        if i in people
    }


def _write(
    uow: SqlUnitOfWork,
    messages: list[tuple[Person, Workspace, DeliveryPlan, str]],
    people: Mapping[int, Person],
    *,
    now: datetime,
) -> list[Planned]:
    """The messages not written yet, with their nudges marked delivered, in a few
    statements. A slot another replica wrote a moment ago is left out: that person is
    planned already."""
    written = uow.deliveries.existing_keys([key for *_, key in messages])
    todo = [m for m in messages if m[3] not in written]
    added = uow.deliveries.add_many(
        [
            NewDelivery(
                dedupe_key=key,
                recipient_id=person.id,
                platform=workspace.platform,
                kind=DeliveryKind.NUDGES,
                slot_at=plan.slot,
                payload=daily_message(
                    person,
                    waiting=plan.waiting,
                    waiting_first=plan.waiting_first,
                    covering=_covering(plan.nudges, person, people, now=now),
                    late=plan.slot < now - SLOT_GRACE,
                ).to_json(),
                nudge_ids=tuple(n.id for n in plan.nudges if n.id is not None),
            )
            for person, workspace, plan, key in todo
        ],
        now=now,
    )
    carried = [n.id for _, _, plan, key in todo if key in added for n in plan.nudges]
    uow.nudges.set_states(
        [i for i in carried if i is not None],
        NudgeState.DELIVERED,
        now=now,
        only_from=(NudgeState.OPEN,),
    )
    return [
        (added[key], person.id, plan.slot, len(plan.nudges), plan.waiting)
        for person, _, plan, key in todo
        if key in added
    ]


def _next_message(
    deps: Deps, person: Person, mine: list[Nudge], *, last: datetime | None, now: datetime
) -> DeliveryPlan:
    """``person``'s next message of ``mine`` (their nudges, and those they cover for): today's,
    late, if its slot passed without one (what it owed goes now); else the next slot's."""
    since = now - SLOT_GRACE
    if last is not None:
        since = max(since, last + timedelta(seconds=1))
    holidays = deps.holidays(person, now=now)
    missed = missed_slot(
        person,
        now=now,
        last_slot=last,
        holidays=holidays,
        late_until_hour=deps.policy.late_until_hour,
    )
    if missed is not None:  # today's message never went out: what it owed goes now, late
        owed = [n for n in mine if owed_by(n, missed, tz_name=person.timezone)]
        plan = plan_delivery(person, owed, now=missed, policy=deps.policy, holidays=holidays)
        if plan.nudges and plan.slot == missed:
            return plan
    return plan_delivery(person, mine, now=since, policy=deps.policy, holidays=holidays)


def _nothing_until(
    deps: Deps,
    person: Person,
    mine: list[Nudge],
    plan: DeliveryPlan,
    *,
    horizon: datetime,
    now: datetime,
) -> datetime:
    """The first slot at which ``person``'s next message may go, given that ``plan`` (their
    next message worked out at ``now``) sends nothing by ``horizon``: its slot, or, if that
    slot carries nothing and is not later than ``horizon`` (it may even have passed: today's,
    searched from a grace period ago), the slot after it."""
    if plan.slot > horizon:
        return plan.slot
    after = plan_delivery(
        person,
        mine,
        now=plan.slot + timedelta(seconds=1),
        policy=deps.policy,
        holidays=deps.holidays(person, now=now),
    )
    return after.slot


def _after(earliest: datetime, last_slot: datetime | None) -> datetime:
    """Where a recipient's next slot is searched from: the earliest a missed slot of today may
    lie, or just after their last message if that is later (a slot is never used twice)."""
    return earliest if last_slot is None else max(earliest, last_slot + timedelta(seconds=1))


def _late_window(deps: Deps) -> timedelta:
    """How far back a missed slot of today may lie and still be delivered (see
    ``nudges.timing.missed_slot``)."""
    return max(SLOT_GRACE, timedelta(hours=max(0, deps.policy.late_until_hour)))


def _covering(
    nudges: Iterable[Nudge], cover: Person, people: Mapping[int, Person], *, now: datetime
) -> dict[int, str]:
    """For the nudges of colleagues away with ``cover`` covering: whose they are, and why."""
    today = local_date(now, cover.timezone)
    return {
        n.recipient_id: cover_note(people[n.recipient_id], today=today)
        for n in nudges
        if n.recipient_id != cover.id and n.recipient_id in people
    }
