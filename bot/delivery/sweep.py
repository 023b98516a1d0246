"""The sweep: decide what has come due, then write each recipient's batched message to the
outbox at their delivery slot. Idempotent: two sweeps (or two replicas) write one delivery per
recipient per slot, thanks to the delivery's unique dedupe key. The weekly digests are planned
by their own job (``bot.delivery.digests``), so a Monday does not hold up the morning's nudges.

Catch-up: a recipient's next slot is searched from the later of their last delivery and a short
grace period ago (a sweep a few minutes late still makes today's slot), so after downtime the
nudges due meanwhile go out once, at the next slot, not once per missed run. A slot missed
earlier the same local working day still goes out, marked late, until ``late_until_hour``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from bot.delivery.compose import daily_message
from bot.delivery.isolation import decide_customers, decide_offer
from bot.ops import lifecycle, metrics
from bot.services.context import Deps
from bot.services.cover import cover_note
from bot.services.decisions import Applied
from nudges.calendar import local_date
from nudges.delivery import (
    DeliveryPlan,
    may_deliver_by,
    owed_by,
    plan_delivery,
    route_nudges,
)
from nudges.model import DeliveryKind, Nudge, NudgeState, Person, Workspace
from nudges.timing import missed_slot
from storage import SqlUnitOfWork, is_duplicate, is_retryable, is_sqlite, run_in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Customers decided (or recipients planned) per transaction: the per-statement costs
#: amortised. SQLite has one writer: a batch that holds its lock from the start (planning
#: messages, or deciding while others write) stays short, so a request waiting for the lock
#: waits out one short batch, never the busy timeout.
BATCH = 2000
SQLITE_BATCH = 500
SLOT_GRACE = timedelta(hours=1)
#: On SQLite, a pause between batches: a request waiting for the one write lock gets it (its
#: busy handler polls every few tens of ms; without the pause the next batch would take the
#: lock again first, and a request could wait out several batches).
SQLITE_YIELD_SECONDS = 0.1
#: On SQLite, after a batch met another writer: how many batches then hold the lock from
#: their start and pause after themselves, before the sweep reads without it again.
CONTENDED_BATCHES = 10


@dataclass
class SweepResult:
    customers: int = 0
    offers: int = 0
    nudges: int = 0
    expired: int = 0
    deliveries: list[tuple[int, datetime, int, int]] = field(default_factory=list)
    digests: list[tuple[int, datetime]] = field(default_factory=list)
    #: Seconds each part took: "decide" (customers), "offers", "plan" (messages).
    seconds: dict[str, float] = field(default_factory=dict)


@metrics.SWEEP_DURATION.time()
def sweep(deps: Deps, *, now: datetime, lookahead: timedelta | None = None) -> SweepResult:
    """One full sweep at ``now``. ``lookahead``: write deliveries whose slot falls before the
    next sweep (default: the configured sweep interval)."""
    if lookahead is None:
        lookahead = timedelta(minutes=deps.settings.scheduler.sweep_minutes)
    result = SweepResult()
    started = time.perf_counter()
    decide_due(deps, now=now, result=result)
    decided = time.perf_counter()
    decide_offers(deps, now=now, result=result)
    offered = time.perf_counter()
    plan_messages(deps, now=now, horizon=now + lookahead, result=result)
    planned = time.perf_counter()
    result.seconds = {
        "decide": decided - started,
        "offers": offered - decided,
        "plan": planned - offered,
    }
    return result


def decide_due(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every customer whose ``next_due_at`` has come, a batch per transaction. Each decision
    moves ``next_due_at`` past ``now`` (one that cannot be decided is set aside, which moves
    it too), so the loop ends; a guard stops a runaway anyway."""
    seen: set[int] = set()
    turns = _Turns(deps)
    while not lifecycle.requested():  # stopping: the rest stays due for the next sweep
        with deps.uow() as uow:

            def batch(holding: bool, uow: SqlUnitOfWork = uow) -> tuple[list[int], Applied]:
                # Locked for this batch's transaction; customers another transaction holds
                # (a replica's batch, a touch being logged, which decides its customer
                # itself) are skipped, not waited for.
                size = SQLITE_BATCH if holding else BATCH
                due = uow.customers.due_ids(now=now, limit=size, skip_locked=True)
                ids = [i for i in due if i not in seen]
                if not ids:
                    return ids, Applied(0, 0, 0)
                return ids, decide_customers(uow, ids, now=now, policy=deps.policy)

            ids, applied = turns.run(uow, batch, what="sweep batch")
        if not ids:
            return
        seen.update(ids)
        turns.pause()  # another batch may follow
        metrics.customers_decided(applied.decided)
        result.customers += applied.decided
        result.nudges += applied.nudges
        result.expired += applied.expired


class _Turns:
    """How the sweep's transactions share the database with requests and replicas.

    On PostgreSQL each runs at once, locking the rows it works on; one that conflicts with
    another transaction runs again (``run_in_transaction``).

    SQLite has one write lock for the whole file. A transaction first reads and works out
    what to write without it and takes it only to write
    (:meth:`SqlUnitOfWork.lock_at_first_write`): a ``/touch`` arriving meanwhile is written
    at once. If another connection wrote in between, the work runs again holding the lock
    from its start, and so do the next ``CONTENDED_BATCHES``, each short and followed by a
    pause (``SQLITE_YIELD_SECONDS``) in which a request waiting for the lock gets it.
    """

    def __init__(self, deps: Deps) -> None:
        self.sqlite = is_sqlite(deps.settings.database_url)
        self.contended = 0  # batches left to run holding the lock from their start

    def run(self, uow: SqlUnitOfWork, work: Callable[[bool], T], *, what: str) -> T:
        """``work(holding)`` committed in ``uow``; ``holding``: the transaction holds SQLite's
        lock from its start (so it should be short)."""
        if self.sqlite and not self.contended:
            done = _optimistic(uow, partial(work, False), what=what)
            if done is not None:
                return done
            self.contended = CONTENDED_BATCHES
        # Another replica or request wrote a row of this work a moment ago, or the database
        # broke a deadlock with one: it is read and worked out again.
        done = run_in_transaction(uow, partial(work, self.sqlite), commit=True, what=what)
        self.contended = max(0, self.contended - 1)
        return done

    def pause(self) -> None:
        """Between two transactions: while others are writing to SQLite, let them first."""
        if self.contended:
            time.sleep(SQLITE_YIELD_SECONDS)


def _optimistic(uow: SqlUnitOfWork, work: Callable[[], T], *, what: str) -> T | None:
    """``work()`` committed in a transaction that takes SQLite's write lock only at its first
    write; None (rolled back) if another connection wrote first, or on any other conflict
    that running the work again resolves (``is_retryable``)."""
    uow.lock_at_first_write()
    try:
        done = work()
        uow.commit()
    except Exception as exc:
        uow.rollback()
        if not is_retryable(exc):
            raise
        log.info("%s met another writer; running it again holding the lock", what)
        return None
    return done


def decide_offers(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every offer that is due, each on its own (one that cannot be decided is set aside)."""
    with deps.uow() as uow:

        def offers(_holding: bool, uow: SqlUnitOfWork = uow) -> list[Applied]:
            due = uow.offers.due(now=now)
            return [decide_offer(uow, offer, now=now, policy=deps.policy) for offer in due]

        applied = _Turns(deps).run(uow, offers, what="sweep offers")
    result.offers = sum(a.decided for a in applied)
    result.nudges += sum(a.nudges for a in applied)
    result.expired += sum(a.expired for a in applied)


def plan_messages(deps: Deps, *, now: datetime, horizon: datetime, result: SweepResult) -> None:
    """Each recipient's next message, for those whose slot falls before ``horizon``: a batch
    of recipients per transaction."""
    with deps.uow() as uow:
        recipients = uow.nudges.recipients_with_open()
    turns = _Turns(deps)
    size = SQLITE_BATCH if turns.sqlite else BATCH  # a message written per person: short
    for start in range(0, len(recipients), size):
        if lifecycle.requested():  # stopping: the next sweep plans the rest
            return
        if start:
            turns.pause()
        batch = recipients[start : start + size]
        with deps.uow() as uow:
            planned = turns.run(
                uow,
                lambda _holding, uow=uow, batch=batch: _plan_batch(  # type: ignore[misc]
                    uow, deps, batch, now=now, horizon=horizon
                ),
                what="planning messages",
            )
        for delivery_id, person_id, slot, count, waiting in planned:
            result.deliveries.append((person_id, slot, count, waiting))
            log.info(
                "delivery %s planned for person %s at %s (%s nudges, %s waiting)",
                delivery_id,
                person_id,
                slot.isoformat(),
                count,
                waiting,
            )


def _plan_batch(
    uow: SqlUnitOfWork,
    deps: Deps,
    recipient_ids: list[int],
    *,
    now: datetime,
    horizon: datetime,
) -> list[tuple[int, int, datetime, int, int]]:
    """Plan (in ``uow``, uncommitted) the messages of these recipients that fall before
    ``horizon``: (delivery id, person id, slot, nudges, waiting) for each."""
    planned: list[tuple[int, int, datetime, int, int]] = []
    people = {p.id: p for p in uow.people.get_many(recipient_ids)}
    reachable = [i for i in recipient_ids if (p := people.get(i)) and not p.unreachable]
    last_slots = uow.deliveries.last_slots(reachable, kind=DeliveryKind.NUDGES)
    # Most recipients' next slot is hours away, or today's message went out already: their
    # nudges are planned by a later sweep. (Someone with a cover may be away: their nudges
    # may go to the cover now.)
    earliest = now - _late_window(deps)
    recipient_ids = [
        i
        for i in reachable
        if people[i].cover_id is not None
        or may_deliver_by(people[i], after=_after(earliest, last_slots.get(i)), horizon=horizon)
    ]
    if not recipient_ids:
        return planned
    covers = {p.cover_id for p in people.values() if p.cover_id is not None}
    people.update({p.id: p for p in uow.people.get_many(covers - set(people))})
    by_recipient = uow.nudges.open_for_recipients(recipient_ids)
    nudges = [n for pid in recipient_ids for n in by_recipient.get(pid, ())]
    routed = route_nudges(nudges, now=now, people=people)
    missing = set(routed) - set(people)
    people.update({p.id: p for p in uow.people.get_many(missing)})
    last_slots.update(
        uow.deliveries.last_slots(sorted(set(routed) - set(reachable)), kind=DeliveryKind.NUDGES)
    )
    workspaces: dict[int, Workspace | None] = {}
    # Each person's next message worked out first; the slots written already (by another
    # replica, or an earlier sweep) are then found in one query.
    messages: list[tuple[Person, Workspace, DeliveryPlan, str]] = []
    for recipient_id, mine in sorted(routed.items()):
        person = people.get(recipient_id)
        if person is None or person.unreachable:
            continue
        if person.workspace_id not in workspaces:
            workspaces[person.workspace_id] = uow.workspaces.get(person.workspace_id)
        workspace = workspaces[person.workspace_id]
        if workspace is None:  # pragma: no cover - a foreign key
            continue
        plan = _next_message(deps, person, mine, last=last_slots.get(person.id), now=now)
        if plan.nudges and plan.slot <= horizon:
            messages.append(
                (person, workspace, plan, f"nudges:{person.id}:{plan.slot.isoformat()}")
            )
    written = uow.deliveries.existing_keys([key for *_, key in messages])
    for person, workspace, plan, key in messages:
        if key in written:
            continue
        ids = [n.id for n in plan.nudges if n.id is not None]
        covering = _covering(plan.nudges, person, people, now=now)
        # Each person's message in a savepoint: a conflict undoes that message only, and the
        # batch commits once.
        try:  # the insert is flushed at once: a duplicate slot fails here, not at the commit
            with uow.savepoint():
                delivery = uow.deliveries.add(
                    dedupe_key=key,
                    recipient_id=person.id,
                    platform=workspace.platform,
                    kind=DeliveryKind.NUDGES,
                    slot_at=plan.slot,
                    payload=daily_message(
                        person,
                        waiting=plan.waiting,
                        waiting_first=plan.waiting_first,
                        covering=covering,
                        late=plan.slot < now - SLOT_GRACE,
                    ).to_json(),
                    nudge_ids=ids,
                    now=now,
                )
                uow.nudges.set_states(
                    ids, NudgeState.DELIVERED, now=now, only_from=(NudgeState.OPEN,)
                )
        except Exception as exc:
            # Another replica wrote this slot a moment ago: this person is planned already.
            if not is_duplicate(exc):
                raise
            continue
        planned.append((delivery.id, person.id, plan.slot, len(ids), plan.waiting))
    return planned


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
