"""The one place that reads the wall clock; everything else is handed ``now``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told otherwise (the console's ``:time``, tests)."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at.isoformat()}: give a time zone, e.g. ...Z")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at
