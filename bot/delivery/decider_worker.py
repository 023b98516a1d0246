"""What a sweep's worker process runs (``bot.delivery.deciders``). It imports only what
deciding needs: a worker starts with a fresh interpreter, and every module it imports is
memory it holds besides the bot's."""

from __future__ import annotations

import gc
import logging
import signal
from collections import Counter as Tally
from collections.abc import Callable
from datetime import datetime
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bot.delivery.isolation import decide_customers
from bot.ops import metrics
from bot.services.decisions import Applied, Prepared, decide_batch, prepare
from nudges.policy import Policy
from storage import (
    SqlUnitOfWork,
    is_sqlite,
    make_engine,
    make_session_factory,
    run_in_transaction,
)

if TYPE_CHECKING:
    from bot.config import LoggingSettings


def _mapping_proxy(
    proxy: MappingProxyType[Any, Any],
) -> tuple[Callable[[dict[Any, Any]], MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


# The policy's read-only mappings, handed to the workers as they start (rebuilt by a
# function of this module, so a worker imports nothing more to read them).
ForkingPickler.register(MappingProxyType, _mapping_proxy)


#: SQLite: the page cache of a worker's connection, and of the connection the sweep's process
#: writes on, while a sweep decides in workers. SQLite's own is 2 MB: at 1M customers nearly
#: every page the sweep read or wrote went through the kernel again (9 s of the writing
#: process's 26.5 s of CPU were the kernel's). A cache on every connection would hold too
#: much memory at once (docs/performance.md, "Deciding a quarter cheaper").
CACHE_KIB = 32 * 1024


#: While deciding, the garbage collector looks at new objects once this many have been made
#: (700 by default): deciding a page of 1,000 customers makes hundreds of thousands, nearly
#: none of them garbage in a cycle, and collecting every 700 took about a sixth of deciding.
YOUNG_OBJECTS = 50_000


def collect_less() -> tuple[int, int, int]:
    """Collect as above, and leave what the process holds already out of the collector's
    passes (``gc.freeze``); the thresholds before, to put back once deciding is done."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(YOUNG_OBJECTS, before[0]), before[1], before[2])
    return before


_units: Callable[[], SqlUnitOfWork] | None = None
_policy: Policy | None = None


def start(url: str, policy: Policy, logged: tuple[LoggingSettings, int] | None) -> None:
    """A worker's start: its own engine, and logging as the bot's. Stopping is the sweep's to
    decide (it stops handing out pages): an interrupt meant for the bot does not kill a worker
    mid-page."""
    global _units, _policy
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if logged is not None:
        from bot.ops import logs  # only when the bot set its logging up

        settings, level = logged
        logs.configure(settings)
        logging.getLogger().setLevel(level)
    engine = make_engine(url, pool_size=1, sqlite_cache_kib=CACHE_KIB)
    # SQLite: the worker only reads, never taking the write lock.
    sessions = make_session_factory(engine, read_only=is_sqlite(url))
    _units = lambda: SqlUnitOfWork(sessions, read_only=is_sqlite(url))  # noqa: E731
    _policy = policy
    collect_less()  # a worker only decides


def decide(ids: list[int], now: datetime) -> Prepared:
    """SQLite: the page read and decided, as the rows the sweep's process writes."""
    units, policy = _started()
    with units() as uow:
        return prepare(decide_batch(uow, ids, now=now, policy=policy), now=now)


def decide_and_write(ids: list[int], now: datetime) -> tuple[Applied, Tally[tuple[str, str]]]:
    """PostgreSQL: the page's customers still due locked, decided and written, as the sweep
    decides a batch (a conflict with another transaction: run again); with what the page
    added to the sweep's counters."""
    units, policy = _started()
    before = metrics.worker_counts()
    applied = decide_page(units, ids, now=now, policy=policy)
    return applied, metrics.worker_counts() - before


def decide_page(
    units: Callable[[], SqlUnitOfWork], ids: list[int], *, now: datetime, policy: Policy
) -> Applied:
    """PostgreSQL: a page decided in its own transaction, wherever it runs: its customers
    still due locked (those another transaction holds left out), decided and written as the
    sweep decides a batch (a conflict with another transaction: run again)."""
    with units() as uow:

        def page() -> Applied:
            due = uow.customers.lock_due(ids, now=now)
            return decide_customers(uow, due, now=now, policy=policy)

        return run_in_transaction(uow, page, commit=True, what="sweep page")


def _started() -> tuple[Callable[[], SqlUnitOfWork], Policy]:
    if _units is None or _policy is None:  # pragma: no cover - started by start()
        raise RuntimeError("a worker used before it was started")
    return _units, _policy
