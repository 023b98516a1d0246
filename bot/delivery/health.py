"""Whether the sweep works: a sweep that fails now and then (a restart of the database, a
deploy) is passing trouble; :data:`FAILING_AFTER` failures in a row make ``/readyz`` fail,
naming the sweep, so an operator hears of it. Every failure is counted in
``nudgebot_sweep_failures``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ops import metrics

FAILING_AFTER = 3


@dataclass
class SweepHealth:
    failures: int = 0  # in a row
    last_error: str | None = None

    def succeeded(self) -> None:
        self.failures, self.last_error = 0, None

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = type(error).__name__  # the class only: a message may hold data
        metrics.SWEEP_FAILURES.inc()

    async def check(self) -> str | None:
        """The readiness check: None while the sweep works."""
        if self.failures < FAILING_AFTER:
            return None
        return f"{self.failures} sweeps in a row failed (last: {self.last_error})"
