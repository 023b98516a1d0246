"""Prometheus metrics (prometheus-client). Counters and histograms count what happens in this
process, where it happens (one call from the sweep, the outbox, command dispatch, a platform's
rate-limit handling); the outbox gauges are read from the database at scrape time, so every
replica reports the same backlog while each reports its own counters.

The families are created once, unregistered; :func:`registry` gathers them with the database
collector and the process collectors for one ``/metrics`` endpoint."""

from __future__ import annotations

import re
import time
from collections import Counter as Tally
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from nudges.model import Nudge, NudgeReason, Platform
from storage import SqlUnitOfWork

__all__ = ["CONTENT_TYPE", "exposition", "registry"]

#: The classic text format: every Prometheus (2.x and 3.x) and agent reads it; the names here
#: need none of the newer format's escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# No "_created" sample beside each counter and histogram: Prometheus does not need it.
disable_created_metrics()  # type: ignore[no-untyped-call]

#: The outcomes a delivery attempt is counted under.
OUTCOMES = ("sent", "retried", "failed", "rate_limited", "unreachable")

SWEEP_DURATION = Histogram(
    "nudgebot_sweep_duration_seconds",
    "How long a sweep took (deciding due customers and offers, planning messages).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
    registry=None,
)
CUSTOMERS_DECIDED = Counter(
    "nudgebot_customers_decided",
    "Customers whose nudges a sweep decided again.",
    registry=None,
)
SWEEP_SET_ASIDE = Counter(
    "nudgebot_sweep_set_aside",
    "Customers or offers a sweep could not decide, or people whose message it could not plan: "
    "logged with their id, audited, and not tried again for a day (a customer or offer: or "
    "until it changes), while the rest of the sweep went on.",
    ["kind"],
    registry=None,
)
SWEEP_FAILURES = Counter(
    "nudgebot_sweep_failures",
    "Sweeps that failed as a whole (several in a row also fail readiness).",
    registry=None,
)
NUDGES_CREATED = Counter(
    "nudgebot_nudges_created",
    "Nudges created, by reason (committed only).",
    ["reason"],
    registry=None,
)
DELIVERIES = Counter(
    "nudgebot_deliveries",
    "Delivery attempts by outcome: sent, retried (a transient failure), failed (gave up), "
    "rate_limited (the platform said slow down; not counted as an attempt), unreachable.",
    ["platform", "outcome"],
    registry=None,
)
COMMAND_DURATION = Histogram(
    "nudgebot_command_duration_seconds",
    "How long a command (typed, a button, a form) took to answer, by platform and command.",
    ["platform", "command"],
    registry=None,
)
RATE_LIMITED_SECONDS = Counter(
    "nudgebot_platform_rate_limited_seconds",
    "Seconds a platform asked us to wait (Retry-After), by platform.",
    ["platform"],
    registry=None,
)
FAMILIES: tuple[Collector, ...] = (
    SWEEP_DURATION,
    CUSTOMERS_DECIDED,
    SWEEP_SET_ASIDE,
    SWEEP_FAILURES,
    NUDGES_CREATED,
    DELIVERIES,
    COMMAND_DURATION,
    RATE_LIMITED_SECONDS,
)

# Every label value known in advance is there from the start, at zero: a rate over a series
# that appears only with its first event misses that event.
for _platform in Platform:
    RATE_LIMITED_SECONDS.labels(platform=_platform.value)
    for _outcome in OUTCOMES:
        DELIVERIES.labels(platform=_platform.value, outcome=_outcome)
for _kind in ("customer", "offer"):
    SWEEP_SET_ASIDE.labels(kind=_kind)
for _reason in NudgeReason:
    NUDGES_CREATED.labels(reason=_reason.value)


# -- where things happen ----------------------------------------------------------------------


def delivery(platform: Platform | str, outcome: str) -> None:
    """One delivery attempt ended with ``outcome`` (one of :data:`OUTCOMES`)."""
    DELIVERIES.labels(platform=str(platform), outcome=outcome).inc()


def rate_limited(platform: Platform | str, seconds: float) -> None:
    """The platform asked us to wait ``seconds`` (its Retry-After)."""
    RATE_LIMITED_SECONDS.labels(platform=str(platform)).inc(max(seconds, 0.0))


def set_aside(kind: str) -> None:
    """The sweep set one customer, offer or person aside (``kind``)."""
    SWEEP_SET_ASIDE.labels(kind=kind).inc()


#: The counters a sweep's worker process moves (``bot.delivery.deciders``), by their label.
_WORKER_COUNTERS = ((NUDGES_CREATED, "reason"), (SWEEP_SET_ASIDE, "kind"))


def worker_counts() -> Tally[tuple[str, str]]:
    """What this process's sweep counters hold: a worker hands what a page added to them to
    the sweep's process (``add_worker_counts``), whose counters are the ones scraped."""
    counts: Tally[tuple[str, str]] = Tally()
    for counter, label in _WORKER_COUNTERS:
        for metric in counter.collect():
            for sample in metric.samples:
                if sample.name.endswith("_total"):
                    counts[(metric.name, sample.labels[label])] += int(sample.value)
    return counts


def add_worker_counts(counts: Tally[tuple[str, str]]) -> None:
    for counter, label in _WORKER_COUNTERS:
        (metric,) = counter.collect()
        for (name, value), count in counts.items():
            if name == metric.name and count > 0:
                counter.labels(**{label: value}).inc(count)


def customers_decided(count: int) -> None:
    CUSTOMERS_DECIDED.inc(count)


_PENDING = "nudgebot_nudges_created"


def nudges_created_on_commit(
    uow: SqlUnitOfWork, nudges: Iterable[Nudge], *, existing: Container[str]
) -> None:
    """Count the nudges among ``nudges`` whose dedupe key is not in ``existing`` (they are
    being created) when, and if, the unit of work commits: a batch rolled back after a
    conflict and decided again is counted once."""
    reasons_created_on_commit(uow, [n.reason.value for n in nudges if n.dedupe_key not in existing])


def reasons_created_on_commit(uow: SqlUnitOfWork, reasons: Iterable[str]) -> None:
    """``nudges_created_on_commit`` of nudges being created, by their reasons."""
    uow.tally_until_commit(_PENDING, _count_committed).update(reasons)


def _count_committed(tally: Tally[str]) -> None:
    for reason, count in tally.items():
        NUDGES_CREATED.labels(reason=reason).inc(count)


def command_name(command: object) -> str:
    """``LogTouch`` -> ``log_touch``: a bounded set of label values (one per command type)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__).lower()


@contextmanager
def timed_command(platform: Platform | str, command: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        COMMAND_DURATION.labels(platform=str(platform), command=command).observe(
            time.perf_counter() - started
        )


# -- exposition ---------------------------------------------------------------------------------


class OutboxCollector:
    """``nudgebot_outbox_pending{platform}`` and ``nudgebot_outbox_oldest_pending_seconds``,
    read from the database when scraped (the same on every replica)."""

    def __init__(
        self,
        reader: Callable[[], SqlUnitOfWork],
        now: Callable[[], datetime],
        *,
        rate_limited_after: timedelta = timedelta(hours=2),
    ) -> None:
        self.reader = reader
        self.now = now
        self.rate_limited_after = rate_limited_after

    def describe(self) -> Iterable[Any]:
        # no database read at registration
        return [self._pending(), self._oldest(), self._rate_limited()]

    def collect(self) -> Iterable[Any]:
        now = self.now()
        with self.reader() as uow:
            backlog = uow.backlog.outbox(now=now)
            held = uow.deliveries.rate_limited_since(now - self.rate_limited_after)
        pending = self._pending()
        for platform in Platform:
            pending.add_metric([platform.value], backlog.waiting.get(platform, 0))
        oldest = self._oldest()
        late = 0.0
        if backlog.oldest_due_slot is not None:
            late = max((now - backlog.oldest_due_slot).total_seconds(), 0.0)
        oldest.add_metric([], late)
        rate_limited = self._rate_limited()
        rate_limited.add_metric([], held)
        return [pending, oldest, rate_limited]

    @staticmethod
    def _pending() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "nudgebot_outbox_pending",
            "Deliveries not sent yet (pending or being sent), by platform.",
            labels=["platform"],
        )

    @staticmethod
    def _rate_limited() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "nudgebot_outbox_rate_limited",
            "Deliveries still held back by a platform's rate limits long after their slot "
            "([delivery] rate_limited_alert_minutes).",
        )

    @staticmethod
    def _oldest() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "nudgebot_outbox_oldest_pending_seconds",
            "How long past its slot the oldest delivery that is due has waited (0: none).",
        )


def registry(
    reader: Callable[[], SqlUnitOfWork],
    now: Callable[[], datetime],
    *,
    rate_limited_after: timedelta = timedelta(hours=2),
) -> CollectorRegistry:
    """Everything one ``/metrics`` endpoint shows: this process's counters and histograms,
    the outbox read from the database, and the process's own CPU, memory and GC."""
    collected = CollectorRegistry(auto_describe=True)
    for family in FAMILIES:
        collected.register(family)
    collected.register(OutboxCollector(reader, now, rate_limited_after=rate_limited_after))
    ProcessCollector(registry=collected)
    PlatformCollector(registry=collected)
    GCCollector(registry=collected)
    return collected


def exposition(collected: CollectorRegistry) -> bytes:
    """The Prometheus text format (reads the database: call it off the event loop)."""
    return generate_latest(collected)
