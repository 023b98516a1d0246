"""Planning each recipient's next message: which of their open nudges go, at which slot, written
to the outbox a batch of recipients per transaction.

Catch-up: a recipient's next slot is searched from the later of their last delivery and a short
grace period ago (a sweep a few minutes late still makes today's slot), so after downtime the
nudges due meanwhile go out once, at the next slot, not once per missed run. A slot missed
earlier the same local working day still goes out, marked late, until ``late_until_hour``.

Covers: the nudges of someone away go to their cover, in the cover's one message with the
cover's own, whichever batch each of them is planned in.

Between sweeps a running process remembers, per person, "nothing to send before slot S" and
exactly what it was worked out from (``bot.delivery.plan_memory``); until S, or until any of
that changes, the person is not planned again. Every five minutes that saves re-reading and
re-planning the people whose slot passed today with nothing owed.

A person whose message cannot be planned (a bug, a row no check foresaw) is set aside for a
day, logged, audited and counted, as a customer the engine cannot decide is; everyone else's
messages go on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial

from bot.delivery import turns as turns_module
from bot.delivery.compose import daily_message
from bot.delivery.plan_memory import NothingBefore, PersonGuard, PlanMemory, memory_of
from bot.delivery.turns import Turns
from bot.ops import lifecycle
from bot.services.context import Deps
from bot.services.cover import cover_note
from nudges.calendar import local_date
from nudges.delivery import DeliveryPlan, owed_by, plan_delivery
from nudges.model import DeliveryKind, Nudge, NudgeState, Person, Workspace
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
        # Who has a cover named (read again in a batch that plans their cover's message).
        covers = uow.people.covers()
    memory = memory_of(deps)
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
                    uow, deps, batch, now=now, horizon=horizon, memory=memory, covers=covers
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


def _plan_batch(
    uow: SqlUnitOfWork,
    deps: Deps,
    recipient_ids: list[int],
    *,
    now: datetime,
    horizon: datetime,
    memory: PlanMemory,
    covers: Mapping[int, int],
) -> list[Planned]:
    """Plan (in ``uow``, uncommitted) the messages of these recipients that fall before
    ``horizon``."""
    people = {p.id: p for p in uow.people.get_many(recipient_ids)}
    reachable = [
        i
        for i in recipient_ids
        if (p := people.get(i)) and not p.unreachable and not memory.left_out(i, now=now)
    ]
    last_slots = uow.deliveries.last_slots(reachable, kind=DeliveryKind.NUDGES)
    # Most recipients' next slot is hours away, or today's message went out already: their
    # nudges are planned by a later sweep. (Someone with a cover may be away: their nudges
    # may go to the cover now.)
    earliest = now - _late_window(deps)
    guard = PersonGuard(uow, memory, now=now)

    def soon(person: Person) -> bool:
        after = _after(earliest, last_slots.get(person.id))
        return memory.earliest_slot(person, after=after) <= horizon

    candidates = [
        i
        for i in reachable
        if people[i].cover_id is not None or guard(people[i], partial(soon, people[i]))
    ]
    if not candidates:
        return []
    routes = _routes(uow, candidates, people, covers, guard, now=now)
    targets = {routes[i] for i in candidates if i in routes}
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
    by_source = uow.nudges.open_for_recipients(sorted(sources), signatures=signatures, signed=alone)
    routed: dict[int, list[Nudge]] = {}
    for source, target in sorted(sources.items()):
        routed.setdefault(target, []).extend(by_source.get(source, ()))
    workspaces: dict[int, Workspace | None] = {}
    # Each person's next message worked out first; the slots written already (by another
    # replica, or an earlier sweep) are then found in one query.
    messages: list[tuple[NewDelivery, int]] = []
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
        planned = guard(
            person,
            partial(_message, deps, person, mine, people, last=last, now=now, horizon=horizon),
        )
        if planned is None:
            continue
        plan, payload = planned
        if payload is not None:
            memory.nothing.pop(person.id, None)
            key = f"nudges:{person.id}:{plan.slot.isoformat()}"
            message = NewDelivery(
                dedupe_key=key,
                recipient_id=person.id,
                platform=workspace.platform,
                kind=DeliveryKind.NUDGES,
                slot_at=plan.slot,
                payload=payload,
                nudge_ids=tuple(n.id for n in plan.nudges if n.id is not None),
            )
            messages.append((message, plan.waiting))
        elif person.id in alone:
            memory.nothing[person.id] = NothingBefore(
                person,
                last,
                signatures[person.id],
                at=now,
                until=_nothing_until(deps, person, mine, plan, horizon=horizon, now=now),
            )
    return _write(uow, messages, now=now)


def _message(
    deps: Deps,
    person: Person,
    mine: list[Nudge],
    people: Mapping[int, Person],
    *,
    last: datetime | None,
    now: datetime,
    horizon: datetime,
) -> tuple[DeliveryPlan, str | None]:
    """``person``'s next message, and its payload if it goes by ``horizon``."""
    plan = _next_message(deps, person, mine, last=last, now=now)
    if not plan.nudges or plan.slot > horizon:
        return plan, None
    return plan, daily_message(
        person,
        waiting=plan.waiting,
        waiting_first=plan.waiting_first,
        covering=_covering(plan.nudges, person, people, now=now),
        late=plan.slot < now - SLOT_GRACE,
    ).to_json()


def _routes(
    uow: SqlUnitOfWork,
    candidates: list[int],
    people: dict[int, Person],
    named: Mapping[int, int],
    guard: PersonGuard,
    *,
    now: datetime,
) -> dict[int, int]:
    """Whose nudges go to whom at ``now``, for the candidates, their covers, and the
    colleagues who named one of those as their cover (``named``: cover by person; each read
    again here, loaded into ``people``): a cover's message carries the nudges of every
    colleague away they cover, whichever batch each is in."""
    covers = {c for i in candidates if (c := people[i].cover_id) is not None}
    people.update({p.id: p for p in uow.people.get_many(covers - set(people))})
    receiving = set(candidates) | covers
    colleagues = {i for i, cover in named.items() if cover in receiving}
    people.update({p.id: p for p in uow.people.get_many(colleagues - set(people))})
    covering = {
        i: people[i]
        for i in colleagues
        if i in people and people[i].cover_id in receiving and not people[i].unreachable
    }
    routes: dict[int, int] = {}
    for i in sorted(set(candidates) | covers | set(covering)):
        if i in people and not guard.memory.left_out(i, now=now):
            to = guard(people[i], partial(route_recipient, people[i], now=now, people=people))
            if to is not None:
                routes[i] = to
    return routes


def _write(
    uow: SqlUnitOfWork, messages: list[tuple[NewDelivery, int]], *, now: datetime
) -> list[Planned]:
    """The messages (each with how many customers wait) not written yet, with their nudges
    marked delivered, in a few statements. A slot another replica wrote a moment ago is left
    out: that person is planned already."""
    written = uow.deliveries.existing_keys([m.dedupe_key for m, _ in messages])
    todo = [(m, waiting) for m, waiting in messages if m.dedupe_key not in written]
    added = uow.deliveries.add_many([m for m, _ in todo], now=now)
    done = [(m, waiting) for m, waiting in todo if m.dedupe_key in added]
    uow.nudges.set_states(
        [i for m, _ in done for i in m.nudge_ids],
        NudgeState.DELIVERED,
        now=now,
        only_from=(NudgeState.OPEN,),
    )
    return [
        (added[m.dedupe_key], m.recipient_id, m.slot_at, len(m.nudge_ids), waiting)
        for m, waiting in done
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
