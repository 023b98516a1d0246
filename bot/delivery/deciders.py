"""Deciding a big sweep on every core.

When thousands of customers are due at once (the first sweep of an imported or generated
book, a bot back after a long stop), deciding them is most of the sweep, and it is Python
work: one process uses one core. Here worker processes each read a batch of due customers
and decide it (``bot.services.decisions.decide_batch``, writing nothing), while the sweep's
own process pages through what is due and writes what the workers worked out
(``apply_outcome``), one transaction a batch, in the order the batches were handed out.

A batch is written only if nothing it was decided from can have changed since its worker read
it:

- PostgreSQL: the sweep's process locks the batch's rows (``FOR UPDATE SKIP LOCKED``, as every
  sweep does) before the worker reads them, and writes in that same transaction: whoever
  changes one of those customers meanwhile waits for it, as with a sweep deciding in process.
- SQLite: before the worker reads, the writing connection takes a stamp of the other
  connections' commits (``storage.one_writer``); inside the write, holding the one write lock,
  the stamp must be the same. If anyone else wrote meanwhile (a ``/touch``, a replica), the
  batch is not written: it is still due, and the sweep decides it in process afterwards.

Whatever is not written here (a stale batch, a worker's error, a stop) stays due, and the
sweep's usual loop decides it next, each customer it cannot decide set aside as always.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.delivery import turns
from bot.ops import lifecycle, metrics
from bot.services.context import Deps
from bot.services.decisions import Applied, Outcome, apply_outcome, decide_batch
from nudges.policy import Policy
from storage import SqlUnitOfWork, is_sqlite, make_engine, make_session_factory
from storage.one_writer import OneWriter

if TYPE_CHECKING:
    from bot.delivery.sweep import SweepResult

log = logging.getLogger(__name__)

#: Below this many due customers deciding in process is quicker than starting workers
#: (each takes about a second to start).
PARALLEL_FROM = 6000
#: Batches handed out ahead of the one being written, per worker: a worker always has the
#: next batch to read while the sweep's process writes.
AHEAD = 2


def _mapping_proxy(
    proxy: MappingProxyType[Any, Any],
) -> tuple[Callable[[dict[Any, Any]], MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


# The policy's read-only mappings, handed to the workers as they start.
ForkingPickler.register(MappingProxyType, _mapping_proxy)


def workers_for(deps: Deps) -> int:
    """How many worker processes a sweep may use: ``scheduler.decide_workers``, or one per
    core this process may run on (0); fewer than 2 means deciding in process. A database
    only this process can see (SQLite in memory) is decided in process."""
    configured = deps.settings.scheduler.decide_workers
    if configured == 0:
        configured = _cores()
    url = deps.settings.database_url
    if is_sqlite(url) and make_url(url).database in (None, "", ":memory:"):
        return 1
    return configured


def decide_in_workers(deps: Deps, *, now: datetime, result: SweepResult) -> None:
    """Decide what is due at ``now`` in worker processes, if there is enough of it (see the
    module's docstring); anything left is for the sweep's usual loop."""
    workers = workers_for(deps)
    if workers < 2:
        return
    with deps.reader() as reader:
        due = reader.customers.due_count(now=now, up_to=max(PARALLEL_FROM, workers * turns.BATCH))
    if due < PARALLEL_FROM:
        return
    workers = min(workers, -(-due // turns.BATCH))
    started = multiprocessing.get_context("spawn")
    log.info("sweep: deciding %s or more due customers in %s worker processes", due, workers)
    with ExitStack() as stack:
        pool = stack.enter_context(
            ProcessPoolExecutor(
                max_workers=workers,
                mp_context=started,
                initializer=_start_worker,
                initargs=(deps.settings.database_url, deps.policy),
            )
        )
        stack.callback(pool.shutdown, wait=True, cancel_futures=True)
        _Sweep(deps, pool, stack, now=now, result=result, ahead=workers * AHEAD).run()


@dataclass
class _Batch:
    ids: list[int]
    decided: Future[Outcome]
    #: PostgreSQL: the transaction holding the batch's rows, written in; SQLite: the stamp.
    uow: SqlUnitOfWork | None = None
    stamp: int = 0


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
        self.deps, self.pool, self.stack, self.now, self.result = deps, pool, stack, now, result
        self.ahead = ahead
        self.after: tuple[datetime, int] | None = None
        self.done = False  # every due customer handed out
        self.batches: deque[_Batch] = deque()
        self.writer: OneWriter | None = None
        if is_sqlite(deps.settings.database_url):
            with deps.uow() as probe:
                engine = probe.session.get_bind()
            if not isinstance(engine, Engine):  # pragma: no cover - units of work of the engine
                raise RuntimeError("deciding in workers needs the engine's own units of work")
            self.writer = stack.enter_context(OneWriter(engine))

    def run(self) -> None:
        try:
            while not lifecycle.requested():
                while not self.done and len(self.batches) < self.ahead:
                    self._hand_out()
                if not self.batches:
                    return
                self._write(self.batches.popleft())
        finally:
            for batch in self.batches:  # stopping, or an error: these stay due
                batch.decided.cancel()
                if batch.uow is not None:
                    batch.uow.__exit__(None, None, None)

    def _hand_out(self) -> None:
        """The next page of due customers, to a worker."""
        uow: SqlUnitOfWork | None = None
        stamp = 0
        if self.writer is None:
            uow = self.deps.uow().__enter__()
            page = uow.customers.due_page(
                now=self.now, after=self.after, limit=turns.BATCH, skip_locked=True
            )
        else:
            with self.deps.reader() as reader:
                page = reader.customers.due_page(now=self.now, after=self.after, limit=turns.BATCH)
            stamp = self.writer.stamp()
        if not page:
            self.done = True
            if uow is not None:
                uow.__exit__(None, None, None)
            return
        self.after = (page[-1][1], page[-1][0])
        ids = [customer_id for customer_id, _ in page]
        decided = self.pool.submit(_decide, ids, self.now)
        self.batches.append(_Batch(ids, decided, uow, stamp))

    def _write(self, batch: _Batch) -> None:
        try:
            outcome = batch.decided.result()
        except Exception as exc:  # the worker's error: the batch stays due
            # The error's class only: its message may hold a customer's data.
            log.warning(
                "sweep: a worker could not decide a batch of %s customers (%s); "
                "they are decided in this process",
                len(batch.ids),
                type(exc).__name__,
            )
            if batch.uow is not None:
                batch.uow.__exit__(None, None, None)
            return
        try:
            if batch.uow is not None:
                applied: Applied | None = self._write_locked(batch.uow, outcome)
            else:
                applied = self._write_sqlite(batch, outcome)
        except Exception as exc:  # a conflict, the database gone: the batch stays due
            log.warning(
                "sweep: a batch of %s customers decided by a worker could not be written (%s); "
                "they are decided in this process",
                len(batch.ids),
                type(exc).__name__,
            )
            return
        if applied is None:
            return
        metrics.customers_decided(applied.decided)
        self.result.customers += applied.decided
        self.result.in_workers += applied.decided
        self.result.nudges += applied.nudges
        self.result.expired += applied.expired

    def _write_locked(self, uow: SqlUnitOfWork, outcome: Outcome) -> Applied:
        """PostgreSQL: in the transaction that has held the batch's rows since it was handed
        out."""
        try:
            applied = apply_outcome(uow, outcome, now=self.now)
            uow.commit()
        finally:
            uow.__exit__(None, None, None)
        return applied

    def _write_sqlite(self, batch: _Batch, outcome: Outcome) -> Applied | None:
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
            applied = apply_outcome(uow, outcome, now=self.now)
            uow.commit()
        return applied


# -- in the worker processes ----------------------------------------------------------------

_reader: Callable[[], SqlUnitOfWork] | None = None
_policy: Policy | None = None


def _start_worker(url: str, policy: Policy) -> None:
    """A worker's start: its own engine, which only reads. Stopping is the sweep's to decide
    (it stops handing out batches): an interrupt meant for the bot does not kill a worker
    mid-batch."""
    global _reader, _policy
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    engine = make_engine(url, pool_size=1)
    readers = make_session_factory(engine, read_only=True)
    _reader = lambda: SqlUnitOfWork(readers, read_only=True)  # noqa: E731
    _policy = policy


def _decide(ids: list[int], now: datetime) -> Outcome:
    if _reader is None or _policy is None:  # pragma: no cover - started by _start_worker
        raise RuntimeError("a decider used before it was started")
    with _reader() as uow:
        return decide_batch(uow, ids, now=now, policy=_policy)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
