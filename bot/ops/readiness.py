"""Readiness: a small registry of named checks behind ``/readyz``.

A check is an async function that returns ``None`` when all is well, or a short reason when
not (raising counts as failing, reported by the exception's class only: its message may hold a
URL or a host). Anyone who owns a part of the bot adds its check where that part is built::

    container.readiness.add("sweep", sweep_health.check)

Checks run concurrently, each within :attr:`Readiness.timeout` seconds. The report names every
check with ``ok`` and, when failing, ``reason``; it never holds a secret or an address.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str | None]]


@dataclass
class Readiness:
    timeout: float = 2.0
    _checks: dict[str, Check] = field(default_factory=dict)

    def add(self, name: str, check: Check) -> None:
        """Register (or replace) the check called ``name``."""
        self._checks[name] = check

    def add_blocking(self, name: str, check: Callable[[], str | None]) -> None:
        """A check that blocks (database work): it runs in a thread."""

        async def in_thread() -> str | None:
            return await asyncio.to_thread(check)

        self.add(name, in_thread)

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)

    @property
    def names(self) -> list[str]:
        return sorted(self._checks)

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """(ready, body): body is ``{"ready": bool, "checks": {name: {"ok": ..., ...}}}``."""
        names = self.names
        reasons = await asyncio.gather(*(self._run(name) for name in names))
        checks: dict[str, dict[str, Any]] = {}
        for name, reason in zip(names, reasons, strict=True):
            checks[name] = {"ok": True} if reason is None else {"ok": False, "reason": reason}
        ready = all(entry["ok"] for entry in checks.values())
        return ready, {"ready": ready, "checks": checks}

    async def _run(self, name: str) -> str | None:
        try:
            return await asyncio.wait_for(self._checks[name](), timeout=self.timeout)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except Exception as exc:
            log.debug("readiness check %s failed", name, exc_info=True)
            return f"failed ({type(exc).__name__})"
