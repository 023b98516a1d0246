"""An in-memory double of the bot's outbound platform port.

It records every message the bot hands over (recipient, payload, delivery id) and can be asked
what it already has (:meth:`FakePlatform.has`), so delivery tests can check exactly-once. It fails
on demand (:meth:`FakePlatform.fail_next`, :meth:`FakePlatform.go_down`).

The exceptions below are stand-ins: the bot's platform port defines the real result and error
types, and its adapters translate to them. The names match: ``RateLimited(retry_after)``,
``TransientError``, ``Unreachable``.

With ``record_path`` the sends go into a SQLite file instead of memory, so several worker
processes can share one fake; nothing there is UNIQUE, so a message sent twice shows up twice.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Hashable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PlatformError(Exception):
    """Base of the errors the fake raises."""


class RateLimited(PlatformError):
    """The platform asked us to wait ``retry_after`` seconds before trying again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


class TransientError(PlatformError):
    """A failure worth retrying (a 5xx, a timeout)."""


class Unreachable(PlatformError):
    """The platform cannot be reached at all (network down, DNS, connection refused)."""


KINDS = ("rate_limited", "transient", "unreachable", "down", "crash")


@dataclass(frozen=True)
class SentMessage:
    """One message the platform accepted."""

    seq: int
    recipient: str
    payload: Any
    delivery_id: str
    message_ref: str
    pid: int


@dataclass
class _Failure:
    kind: str
    retry_after: float
    after_delivery: bool
    operation: str | None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    message_ref TEXT,
    pid INTEGER NOT NULL
)
"""


class FakePlatform:
    """Records sends; fails on demand; answers ``has(delivery_id)``.

    Delivery ids are compared as strings (``has(7)`` finds a send made with ``"7"``).
    """

    def __init__(self, *, record_path: str | os.PathLike[str] | None = None) -> None:
        self.record_path = Path(record_path) if record_path is not None else None
        self._lock = threading.RLock()
        self._sent: list[SentMessage] = []
        self._failures: deque[_Failure] = deque()
        self._down: _Failure | None = None
        self._seq = itertools.count(1)
        #: Every attempt, in order: (operation, delivery id or message ref, outcome).
        self.attempts: list[tuple[str, str, str]] = []
        self.updates: list[tuple[str, Any]] = []
        if self.record_path is not None:
            with closing(self._connect()) as db:
                db.execute(_SCHEMA)

    # ----------------------------------------------------------------- the port

    async def send(self, recipient: str, payload: Any, *, delivery_id: Hashable) -> str:
        """Deliver ``payload`` to ``recipient``; returns the platform's message reference."""
        key = str(delivery_id)
        failure = self._take_failure("send")
        if failure is not None and not failure.after_delivery:
            self._note("send", key, failure.kind)
            self._raise(failure)
        ref = self._record(recipient, payload, key)
        if failure is not None:
            self._note("send", key, f"{failure.kind} after delivery")
            self._raise(failure)
        self._note("send", key, "sent")
        return ref

    async def update(self, message_ref: str, payload: Any) -> None:
        """Replace the content of a message sent before."""
        failure = self._take_failure("update")
        if failure is not None:
            self._note("update", message_ref, failure.kind)
            self._raise(failure)
        with self._lock:
            self.updates.append((message_ref, payload))
        self._note("update", message_ref, "updated")

    async def lookup(self, delivery_id: Hashable) -> str | None:
        """:meth:`has` as the bot would ask it (a platform call, so it can fail too)."""
        failure = self._take_failure("lookup")
        if failure is not None:
            self._note("lookup", str(delivery_id), failure.kind)
            self._raise(failure)
        return self.has(delivery_id)

    # ----------------------------------------------------------------- for tests

    def has(self, delivery_id: Hashable) -> str | None:
        """The message reference of the first send with this delivery id, or ``None``."""
        sends = self.sends_of(delivery_id)
        return sends[0].message_ref if sends else None

    @property
    def sent(self) -> list[SentMessage]:
        """Every accepted send, in order (from every process when ``record_path`` is set)."""
        if self.record_path is None:
            with self._lock:
                return list(self._sent)
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT seq, recipient, payload, delivery_id, message_ref, pid FROM sends"
                " ORDER BY seq"
            ).fetchall()
        return [
            SentMessage(seq, recipient, json.loads(payload), delivery_id, ref, pid)
            for seq, recipient, payload, delivery_id, ref, pid in rows
        ]

    def sends_of(self, delivery_id: Hashable) -> list[SentMessage]:
        key = str(delivery_id)
        return [s for s in self.sent if s.delivery_id == key]

    def sent_to(self, recipient: str) -> list[SentMessage]:
        return [s for s in self.sent if s.recipient == recipient]

    def duplicates(self) -> dict[str, int]:
        """Delivery ids sent more than once, with their counts (empty means exactly-once held)."""
        counts: dict[str, int] = {}
        for s in self.sent:
            counts[s.delivery_id] = counts.get(s.delivery_id, 0) + 1
        return {k: n for k, n in counts.items() if n > 1}

    def fail_next(
        self,
        kind: str = "transient",
        *,
        retry_after: float = 1.0,
        times: int = 1,
        after_delivery: bool = False,
        operation: str | None = "send",
    ) -> None:
        """Make the next ``times`` calls of ``operation`` fail (``None``: any operation).

        Kinds: ``"rate_limited"`` raises :class:`RateLimited` with ``retry_after``;
        ``"transient"`` raises :class:`TransientError`; ``"unreachable"`` and ``"down"`` raise
        :class:`Unreachable`; ``"crash"`` ends the process at once (``os._exit(70)``; only for a
        worker process in a crash test). With ``after_delivery=True`` the message is recorded
        first and the error comes afterwards: the platform has it, but the caller does not know.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; expected one of {KINDS}")
        with self._lock:
            for _ in range(times):
                self._failures.append(_Failure(kind, retry_after, after_delivery, operation))

    def go_down(self, kind: str = "down", *, retry_after: float = 1.0) -> None:
        """Fail every call (``Unreachable`` by default) until :meth:`recover`."""
        if kind not in KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; expected one of {KINDS}")
        with self._lock:
            self._down = _Failure(kind, retry_after, False, None)

    def recover(self) -> None:
        """End :meth:`go_down` and drop queued failures."""
        with self._lock:
            self._down = None
            self._failures.clear()

    @property
    def pending_failures(self) -> int:
        with self._lock:
            return len(self._failures)

    # ----------------------------------------------------------------- internals

    def _connect(self) -> sqlite3.Connection:
        assert self.record_path is not None
        db = sqlite3.connect(self.record_path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def _take_failure(self, operation: str) -> _Failure | None:
        with self._lock:
            if self._down is not None:
                return self._down
            for i, failure in enumerate(self._failures):
                if failure.operation in (None, operation):
                    del self._failures[i]
                    return failure
        return None

    @staticmethod
    def _raise(failure: _Failure) -> None:
        if failure.kind == "crash":
            os._exit(70)
        if failure.kind == "rate_limited":
            raise RateLimited(failure.retry_after)
        if failure.kind == "transient":
            raise TransientError("the platform failed; try again")
        raise Unreachable("the platform cannot be reached")

    def _note(self, operation: str, key: str, outcome: str) -> None:
        with self._lock:
            self.attempts.append((operation, key, outcome))

    def _record(self, recipient: str, payload: Any, delivery_id: str) -> str:
        pid = os.getpid()
        if self.record_path is None:
            with self._lock:
                seq = next(self._seq)
                ref = f"msg-{seq}"
                self._sent.append(SentMessage(seq, recipient, payload, delivery_id, ref, pid))
                return ref
        encoded = json.dumps(payload, sort_keys=True, default=str)
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            cursor = db.execute(
                "INSERT INTO sends (recipient, payload, delivery_id, pid) VALUES (?, ?, ?, ?)",
                (recipient, encoded, delivery_id, pid),
            )
            ref = f"msg-{cursor.lastrowid}"
            db.execute("UPDATE sends SET message_ref = ? WHERE seq = ?", (ref, cursor.lastrowid))
            db.execute("COMMIT")
        return ref
