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
from nudges.delivery import may_deliver_by, owed_by, plan_delivery, route_nudges
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


@metrics.SWEEP_DURATION.time()
def sweep(deps: Deps, *, now: datetime, lookahead: timedelta | None = None) -> SweepResult:
    """One full sweep at ``now``. ``lookahead``: write deliveries whose slot falls before the
    next sweep (default: the configured sweep interval)."""
    if lookahead is None:
        lookahead = timedelta(minutes=deps.settings.scheduler.sweep_minutes)
    result = SweepResult()
    decide_due(deps, now=now, result=result)
    decide_offers(deps, now=now, result=result)
    plan_messages(deps, now=now, horizon=now + lookahead, result=result)
    return result


def decide_due(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every customer whose ``next_due_at`` has come, a batch per transaction. Each decision
    moves ``next_due_at`` past ``now`` (one that cannot be decided is set aside, which moves
    it too), so the loop ends; a guard stops a runaway anyway.

    On SQLite (one writer for the whole file) a batch first reads and decides without the
    write lock and takes it only to write (:meth:`SqlUnitOfWork.lock_at_first_write`): a
    ``/touch`` arriving meanwhile is written at once. If another connection wrote in between,
    the batch is decided again holding the lock from its start, and while others keep writing
    the sweep pauses after each batch so that they get the lock (``SQLITE_YIELD_SECONDS``).
    """
    seen: set[int] = set()
    sqlite = is_sqlite(deps.settings.database_url)
    contended = 0  # batches left to run holding the lock, after another writer was seen
    while not lifecycle.requested():  # stopping: the rest stays due for the next sweep
        with deps.uow() as uow:

            def batch(size: int, uow: SqlUnitOfWork = uow) -> tuple[list[int], Applied]:
                # Locked for this batch's transaction; customers another transaction holds
                # (a replica's batch, a touch being logged, which decides its customer
                # itself) are skipped, not waited for.
                due = uow.customers.due_ids(now=now, limit=size, skip_locked=True)
                ids = [i for i in due if i not in seen]
                if not ids:
                    return ids, Applied(0, 0, 0)
                return ids, decide_customers(uow, ids, now=now, policy=deps.policy)

            size = BATCH
            outcome = None
            if sqlite and not contended:
                outcome = _optimistic(uow, partial(batch, BATCH))
                if outcome is None:  # another connection wrote meanwhile
                    contended = CONTENDED_BATCHES
            if outcome is None:
                if sqlite:  # holding SQLite's one lock from the start: a short batch
                    size, contended = SQLITE_BATCH, contended - 1
                # Another replica or request wrote a nudge of this batch a moment ago, or the
                # database broke a deadlock with one: the batch is read and decided again.
                outcome = run_in_transaction(
                    uow, partial(batch, size), commit=True, what="sweep batch"
                )
        ids, applied = outcome
        if not ids:
            return
        seen.update(ids)
        if contended and len(ids) == size:  # another batch may follow: others write first
            time.sleep(SQLITE_YIELD_SECONDS)
        metrics.customers_decided(applied.decided)
        result.customers += applied.decided
        result.nudges += applied.nudges
        result.expired += applied.expired


def _optimistic(uow: SqlUnitOfWork, work: Callable[[], T]) -> T | None:
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
        log.info("sweep met another writer; deciding again holding the lock")
        return None
    return done


def decide_offers(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every offer that is due, each on its own (one that cannot be decided is set aside)."""
    with deps.uow() as uow:

        def offers(uow: SqlUnitOfWork = uow) -> list[Applied]:
            due = uow.offers.due(now=now)
            return [decide_offer(uow, offer, now=now, policy=deps.policy) for offer in due]

        # On SQLite, read and decide without the write lock first (see ``decide_due``).
        done = _optimistic(uow, offers) if is_sqlite(deps.settings.database_url) else None
        # Another replica decided these offers a moment ago: decided again on fresh data.
        applied = (
            done
            if done is not None
            else run_in_transaction(uow, offers, commit=True, what="sweep offers")
        )
    result.offers = sum(a.decided for a in applied)
    result.nudges += sum(a.nudges for a in applied)
    result.expired += sum(a.expired for a in applied)


def _batch_size(deps: Deps) -> int:
    return SQLITE_BATCH if is_sqlite(deps.settings.database_url) else BATCH


def _let_others_write(deps: Deps) -> None:
    if is_sqlite(deps.settings.database_url):
        time.sleep(SQLITE_YIELD_SECONDS)


def plan_messages(deps: Deps, *, now: datetime, horizon: datetime, result: SweepResult) -> None:
    """Each recipient's next message, for those whose slot falls before ``horizon``: a batch
    of recipients per transaction."""
    with deps.uow() as uow:
        recipients = uow.nudges.recipients_with_open()
    size = _batch_size(deps)
    for start in range(0, len(recipients), size):
        if lifecycle.requested():  # stopping: the next sweep plans the rest
            return
        batch = recipients[start : start + size]
        with deps.uow() as uow:
            # A request answering one of these nudges deadlocked with us: the batch is
            # planned again on fresh data.
            planned = run_in_transaction(
                uow,
                lambda uow=uow, batch=batch: _plan_batch(  # type: ignore[misc]
                    uow, deps, batch, now=now, horizon=horizon
                ),
                commit=True,
                what="planning messages",
            )
        if start + size < len(recipients):  # another batch follows
            _let_others_write(deps)
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
    for recipient_id, mine in sorted(routed.items()):
        person = people.get(recipient_id)
        if person is None or person.unreachable:
            continue
        if person.workspace_id not in workspaces:
            workspaces[person.workspace_id] = uow.workspaces.get(person.workspace_id)
        workspace = workspaces[person.workspace_id]
        if workspace is None:  # pragma: no cover - a foreign key
            continue
        last = last_slots.get(person.id)
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
        plan = None
        if missed is not None:  # today's message never went out: what it owed goes now, late
            owed = [n for n in mine if owed_by(n, missed, tz_name=person.timezone)]
            plan = plan_delivery(person, owed, now=missed, policy=deps.policy, holidays=holidays)
            if not plan.nudges or plan.slot != missed:
                plan = None
        if plan is None:
            plan = plan_delivery(person, mine, now=since, policy=deps.policy, holidays=holidays)
        if not plan.nudges or plan.slot > horizon:
            continue
        key = f"nudges:{person.id}:{plan.slot.isoformat()}"
        if uow.deliveries.by_key(key) is not None:
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
