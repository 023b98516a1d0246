"""A row the engine cannot decide must not stop the sweep for everyone else.

A batch that fails for a reason of its own (not a conflict, not the database being down) is
decided again one row at a time, each in a savepoint; a row that fails on its own is *set
aside*: logged with its id, audited (``sweep.set_aside``), counted in
``nudgebot_sweep_set_aside{kind}``, and not due again for :data:`SET_ASIDE` (any change to it
decides it again at once). The rest of the batch goes on. A person whose message cannot be
planned is set aside the same way (``bot.delivery.planning``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from bot.ops import metrics
from bot.services.decisions import Applied, refresh_customers, refresh_offer
from nudges.model import Offer
from nudges.policy import Policy
from storage import SqlUnitOfWork, is_retryable, is_unavailable

log = logging.getLogger("bot.delivery.sweep")

SET_ASIDE = timedelta(days=1)  # a row that cannot be decided is tried again after this

T = TypeVar("T")


def is_poison(exc: BaseException) -> bool:
    """An error of the row itself: neither a race another run resolves nor the database
    being unavailable (both of which fail the whole sweep, to be tried again)."""
    return isinstance(exc, Exception) and not (is_retryable(exc) or is_unavailable(exc))


def guarded(uow: SqlUnitOfWork, work: Callable[[], T]) -> T | BaseException:
    """``work()`` in a savepoint; a poison error is returned (the savepoint undone), any
    other is raised."""
    try:
        with uow.savepoint():
            return work()
    except Exception as exc:
        if not is_poison(exc):
            raise
        return exc


def decide_customers(
    uow: SqlUnitOfWork, ids: Sequence[int], *, now: datetime, policy: Policy
) -> Applied:
    """The batch decided at once; if one of them cannot be, each on its own."""
    whole = guarded(uow, lambda: refresh_customers(uow, ids, now=now, policy=policy))
    if not isinstance(whole, BaseException):
        return whole
    decided = nudges = expired = 0
    for customer_id in ids:
        one = guarded(
            uow,
            lambda cid=customer_id: refresh_customers(  # type: ignore[misc]
                uow, [cid], now=now, policy=policy
            ),
        )
        if isinstance(one, BaseException):
            set_aside_customer(uow, customer_id, one, now=now)
            continue
        decided, nudges, expired = (
            decided + one.decided,
            nudges + one.nudges,
            expired + one.expired,
        )
    return Applied(decided, nudges, expired)


def decide_offer(uow: SqlUnitOfWork, offer: Offer, *, now: datetime, policy: Policy) -> Applied:
    """One offer decided, or set aside."""
    one = guarded(uow, lambda: refresh_offer(uow, offer, now=now, policy=policy))
    if isinstance(one, BaseException):
        set_aside(uow, "offer", offer.id, offer.workspace_id, one, now=now)
        uow.offers.set_next_due(offer.id, now + SET_ASIDE)
        return Applied(0, 0, 0)
    return one


def set_aside_customer(
    uow: SqlUnitOfWork, customer_id: int, error: BaseException, *, now: datetime
) -> None:
    customer = uow.customers.get(customer_id)
    set_aside(
        uow, "customer", customer_id, customer.workspace_id if customer else None, error, now=now
    )
    uow.customers.set_next_due(customer_id, now + SET_ASIDE)


def set_aside(
    uow: SqlUnitOfWork,
    kind: str,
    subject_id: int,
    workspace_id: int | None,
    error: BaseException,
    *,
    now: datetime,
) -> None:
    """``kind`` (customer, offer, or person: whose message could not be planned)
    ``subject_id`` set aside: logged, audited and counted."""
    # The error's class only: its message may hold a customer's data.
    log.warning(
        "sweep: %s %s could not be decided or planned (%s); set aside until %s, the rest goes on",
        kind,
        subject_id,
        type(error).__name__,
        (now + SET_ASIDE).isoformat(),
    )
    log.debug("sweep: %s %s could not be decided", kind, subject_id, exc_info=error)
    uow.audit.record(
        "sweep.set_aside",
        subject_type=kind,
        subject_id=subject_id,
        actor_id=None,
        workspace_id=workspace_id,
        at=now,
        error=type(error).__name__,
        until=(now + SET_ASIDE).isoformat(),
    )
    metrics.set_aside(kind)
