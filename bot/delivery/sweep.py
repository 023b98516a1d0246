"""The sweep: decide what has come due, then write each recipient's batched message to the
outbox at their delivery slot (``bot.delivery.planning``). Idempotent: two sweeps (or two
replicas) write one delivery per recipient per slot, thanks to the delivery's unique dedupe key.
The weekly digests are planned by their own job (``bot.delivery.digests``), so a Monday does not
hold up the morning's nudges. How the sweep's transactions share the database with requests is
``bot.delivery.turns``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery import turns as turns_module
from bot.delivery.deciders import decide_in_workers
from bot.delivery.isolation import decide_customers, decide_offer
from bot.delivery.planning import plan_messages
from bot.delivery.turns import Turns
from bot.ops import lifecycle, metrics
from bot.services.context import Deps
from bot.services.decisions import Applied
from storage import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    customers: int = 0
    in_workers: int = 0  # of ``customers``: decided in worker processes
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
    for _, person_id, slot, count, waiting in plan_messages(deps, now=now, horizon=now + lookahead):
        result.deliveries.append((person_id, slot, count, waiting))
    planned = time.perf_counter()
    result.seconds = {
        "decide": decided - started,
        "offers": offered - decided,
        "plan": planned - offered,
    }
    return result


def decide_due(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every customer whose ``next_due_at`` has come, a batch per transaction: many of them
    first in worker processes (``bot.delivery.deciders``), then whatever is left here. Each
    decision moves ``next_due_at`` past ``now`` (one that cannot be decided is set aside, which
    moves it too), so the loop ends; a guard stops a runaway anyway."""
    try:
        decide_in_workers(deps, now=now, result=result)
    except Exception as exc:  # the workers could not start, say: deciding goes on here
        log.warning("sweep: deciding in workers failed (%s); deciding here", type(exc).__name__)
        log.debug("sweep: deciding in workers failed", exc_info=exc)
    seen: set[int] = set()
    turns = Turns(deps)
    while not lifecycle.requested():  # stopping: the rest stays due for the next sweep
        with deps.uow() as uow:

            def batch(holding: bool, uow: SqlUnitOfWork = uow) -> tuple[list[int], Applied]:
                # Locked for this batch's transaction; customers another transaction holds
                # (a replica's batch, a touch being logged, which decides its customer
                # itself) are skipped, not waited for.
                size = turns_module.SQLITE_BATCH if holding else turns_module.BATCH
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


def decide_offers(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Every offer that is due, each on its own (one that cannot be decided is set aside)."""
    with deps.uow() as uow:

        def offers(_holding: bool, uow: SqlUnitOfWork = uow) -> list[Applied]:
            due = uow.offers.due(now=now)
            return [decide_offer(uow, offer, now=now, policy=deps.policy) for offer in due]

        applied = Turns(deps).run(uow, offers, what="sweep offers")
    result.offers = sum(a.decided for a in applied)
    result.nudges += sum(a.nudges for a in applied)
    result.expired += sum(a.expired for a in applied)
