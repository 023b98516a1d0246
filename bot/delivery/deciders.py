"""Deciding a big sweep on every core.

When thousands of customers are due at once (the first sweep of an imported or generated
book, a bot back after a long stop), deciding them is most of the sweep, and it is Python
work: one process uses one core. Here the sweep's process pages through what is due, hands
pages out to worker processes (one fewer than the cores: the sweep's process is the last
one), and decides a page itself whenever the oldest page handed out is not ready yet (so it is
never idle, and decides while the workers start):

- PostgreSQL: the worker decides the page as the sweep itself would, in its own transaction
  (``bot.delivery.isolation.decide_customers``): it locks the page's rows that are still due
  (``FOR UPDATE SKIP LOCKED``, leaving those another transaction holds), reads, decides and
  writes them, a customer it cannot decide set aside; as a replica's sweep would.
- SQLite has one writer. The worker reads and decides the page
  (``bot.services.decisions.decide_batch``, writing nothing) and works out the rows it
  writes (``prepare``); the sweep's process writes them (``apply_prepared``), on one
  connection (``storage.one_writer``) that took a stamp of the other connections' commits
  before the worker began reading. Inside the write, holding the one write lock, the stamp
  must be the same: if anyone else wrote meanwhile (a ``/touch``, a replica), the page is not
  written and stays due.

The pages the sweep's process decides itself are decided as its usual loop decides a batch
(on SQLite on the writer's connection, reading without the write lock and taking it at the
first write, which fails if anyone else wrote meanwhile; its own commits leave the workers'
stamps as they are).

Whatever is not decided here (a stale page, a worker's error, a stop) stays due, and the
sweep's usual loop decides it next, each customer it cannot decide set aside as always.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import LoggingSettings
from bot.delivery import decider_worker as worker
from bot.delivery.isolation import decide_customers
from bot.ops import lifecycle, logs, metrics
from bot.services.context import Deps
from bot.services.decisions import Applied, Prepared, apply_prepared
from storage import in_memory, is_retryable, is_sqlite
from storage.one_writer import OneWriter

if TYPE_CHECKING:
    from bot.delivery.sweep import SweepResult

log = logging.getLogger(__name__)

#: Below this many due customers deciding in process is quicker than starting workers
#: (each takes about a second to start).
PARALLEL_FROM = 6000
#: Customers a page: what a worker reads, decides and (PostgreSQL) writes at once. Smaller
#: than the sweep's own batch: each worker holds a page in memory besides the bot's.
PAGE = 1000
#: Pages in flight per worker: a worker always has the next page to read while the sweep's
#: process writes, or decides a page itself.
AHEAD = 4


def deciders_for(deps: Deps) -> int:
    """How many processes may decide a big sweep, the sweep's own included:
    ``scheduler.decide_workers``, or one per core this process may run on (0). 1 (or a
    database only this process can see, SQLite in memory) decides in process."""
    configured = deps.settings.scheduler.decide_workers
    if configured == 0:
        configured = _cores()
    return 1 if in_memory(deps.settings.database_url) else configured


def decide_in_workers(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Decide what is due at ``now`` in this process and worker processes, if there is enough
    of it (see the module's docstring); anything left is for the sweep's usual loop."""
    deciders = deciders_for(deps)
    if deciders < 2:
        return
    with deps.reader() as reader:
        due = reader.customers.due_count(now=now, up_to=max(PARALLEL_FROM, deciders * PAGE))
    if due < PARALLEL_FROM:
        return
    workers = min(deciders, -(-due // PAGE)) - 1
    # A fresh interpreter for each worker: forking a process that runs threads (the
    # scheduler's, the server's) can copy a lock some thread holds.
    spawned = multiprocessing.get_context("spawn")
    log.info("sweep: deciding %s or more due customers with %s worker processes", due, workers)
    with ExitStack() as stack:
        # What this process holds already (the bot, its caches) is left out of the garbage
        # collector's full passes while it decides (at 100k they took 0.4 s of 8), and new
        # objects are looked at less often (``worker.collect_less``).
        before = worker.collect_less()
        stack.callback(gc.unfreeze)
        stack.callback(gc.set_threshold, *before)
        pool = stack.enter_context(
            ProcessPoolExecutor(
                max_workers=workers,
                mp_context=spawned,
                initializer=worker.start,
                initargs=(deps.settings.database_url, deps.policy, _logging(deps)),
            )
        )
        stack.callback(pool.shutdown, wait=True, cancel_futures=True)
        _Sweep(deps, pool, stack, now=now, result=result, ahead=workers * AHEAD).run()


@dataclass
class _Batch:
    ids: list[int]
    #: SQLite: what the worker decided (``Prepared``); PostgreSQL: what it wrote
    #: (``Applied``) and what that added to the sweep's counters.
    done: Future[Any]
    stamp: int = 0  # SQLite: the writer's stamp, taken before the worker began reading


class _Sweep:
    def __init__(
        self,
        deps: Deps,
        pool: ProcessPoolExecutor,
        stack: ExitStack,
        *,
        now: datetime,
        result: SweepResult,
        ahead: int,
    ) -> None:
        self.deps, self.pool, self.now, self.result = deps, pool, now, result
        self.ahead = ahead
        self.after: tuple[datetime, int] | None = None
        self.done = False  # every due customer handed out
        self.batches: deque[_Batch] = deque()
        self.writer: OneWriter | None = None
        if is_sqlite(deps.settings.database_url):
            self.writer = stack.enter_context(OneWriter.of(deps.uow, cache_kib=worker.CACHE_KIB))

    def run(self) -> None:
        """Pages handed out ahead to the workers; their outcomes taken in order; while the
        oldest is not ready, a page decided here (so this process is never idle, and decides
        while the workers start); once every page is handed out, the newest no worker has
        started is taken back and decided here, rather than waited for."""
        try:
            while not lifecycle.requested():
                while not self.done and len(self.batches) < self.ahead:
                    self._hand_out()
                if self.batches and self.batches[0].done.done():
                    self._write(self.batches.popleft())
                elif not self.done:
                    self._decide_here()
                elif self.batches and self.batches[-1].done.cancel():
                    self._decide(self.batches.pop().ids)
                elif self.batches:
                    self._write(self.batches.popleft())  # waits for its worker
                else:
                    return
        finally:
            # Stopping, or an error: the pages not started stay due. On PostgreSQL a page a
            # worker has started is written whatever happens here: it is waited for and
            # counted. (On SQLite nothing a worker did is written but here.)
            for batch in self.batches:
                if not batch.done.cancel() and self.writer is None:
                    self._write(batch)

    def _page(self) -> list[int]:
        """The next page of due customers ([] once every one is handed out)."""
        with self.deps.reader() as reader:
            page = reader.customers.due_page(now=self.now, after=self.after, limit=PAGE)
        if not page:
            self.done = True
            return []
        self.after = (page[-1][1], page[-1][0])
        return [customer_id for customer_id, _ in page]

    def _hand_out(self) -> None:
        """The next page of due customers, to a worker."""
        ids = self._page()
        if not ids:
            return
        if self.writer is None:
            written = self.pool.submit(worker.decide_and_write, ids, self.now)
            self.batches.append(_Batch(ids, written))
        else:
            stamp = self.writer.stamp()
            self.batches.append(_Batch(ids, self.pool.submit(worker.decide, ids, self.now), stamp))

    def _decide_here(self) -> None:
        """The next page decided and written in this process, as the sweep's usual loop does
        (SQLite: on the writer's connection, whose own commits leave the workers' stamps as
        they are; read without the write lock, taken at the first write, which fails if anyone
        else wrote meanwhile: the page then stays due)."""
        ids = self._page()
        if ids:
            self._decide(ids)

    def _decide(self, ids: list[int]) -> None:
        """``ids`` decided and written here (``_decide_here``)."""
        policy = self.deps.policy
        try:
            if self.writer is None:
                applied = worker.decide_page(self.deps.uow, ids, now=self.now, policy=policy)
            else:
                with self.writer.uow(lock_at_first_write=True) as uow:
                    applied = decide_customers(uow, ids, now=self.now, policy=policy)
                    uow.commit()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            log.info("sweep: a page of %s customers met another writer; decided later", len(ids))
            return
        self._count(applied, in_worker=False)

    def _write(self, batch: _Batch) -> None:
        """The page's outcome: written by its worker (PostgreSQL) or here (SQLite)."""
        try:
            if self.writer is None:
                applied, counts = batch.done.result()
                metrics.add_worker_counts(counts)
            else:
                applied = self._write_sqlite(batch, batch.done.result())
        except Exception as exc:  # the worker's error, a conflict: the page stays due
            # The error's class only: its message may hold a customer's data.
            log.warning(
                "sweep: a page of %s customers could not be decided in a worker (%s); "
                "they are decided in this process",
                len(batch.ids),
                type(exc).__name__,
            )
            return
        if applied is None:
            return
        self._count(applied, in_worker=True)

    def _count(self, applied: Applied, *, in_worker: bool) -> None:
        metrics.customers_decided(applied.decided)
        self.result.customers += applied.decided
        self.result.in_workers += applied.decided if in_worker else 0
        self.result.nudges += applied.nudges
        self.result.expired += applied.expired

    def _write_sqlite(self, batch: _Batch, prepared: Prepared) -> Applied | None:
        writer = self.writer
        assert writer is not None
        with writer.uow() as uow:
            if not writer.unchanged_since(uow, batch.stamp):
                log.info(
                    "sweep: the database changed while a worker decided %s customers; "
                    "they are decided again in this process",
                    len(batch.ids),
                )
                return None
            applied = apply_prepared(uow, prepared, now=self.now)
            uow.commit()
        return applied


def _logging(deps: Deps) -> tuple[LoggingSettings, int] | None:
    """How this process logs, for its workers: the ``[logging]`` settings and the root level
    (``-v``), if the bot set its logging up."""
    if not logs.installed():
        return None
    return deps.settings.logging, logging.getLogger().level


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
