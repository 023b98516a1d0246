"""A double of the bot's outbound platform port (:class:`bot.delivery.ports.Platform`).

It records every message the bot hands over (recipient, reply, delivery id) and can be asked
what it already has (:meth:`FakePlatform.has`; the port's own :meth:`FakePlatform.find` answers
the same question for the outbox worker after a crash), so delivery tests can check
exactly-once. It fails on demand (:meth:`FakePlatform.fail_next`, :meth:`FakePlatform.go_down`)
with the port's own errors: ``RateLimited(retry_after)``, ``TransientError``, ``Unreachable``.

With ``record_path`` the sends go into a SQLite file instead of memory, so several worker
processes can share one fake (and a restarted worker finds what a killed one sent); nothing
there is UNIQUE, so a message sent twice shows up twice.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from bot.delivery.ports import DeliveryError, RateLimited, TransientError, Unreachable
from bot.replies import Reply
from nudges.model import Person

PlatformError = DeliveryError  # the base of every error the fake raises

__all__ = [
    "KINDS",
    "FakePlatform",
    "PlatformError",
    "RateLimited",
    "SentMessage",
    "TransientError",
    "Unreachable",
]

#: ``rate_limited``: a 429 with Retry-After; ``transient``: a 5xx or a timeout; ``down``: the
#: whole platform is out (transient, but for every call); ``unreachable``: the recipient blocked
#: or uninstalled the bot; ``crash``: the process ends at once; ``hang``: the call never returns
#: (a worker process waiting to be killed).
KINDS = ("rate_limited", "transient", "down", "unreachable", "crash", "hang")
OPERATIONS = ("send", "find")


@dataclass(frozen=True)
class SentMessage:
    """One message the platform accepted."""

    seq: int
    recipient: str  # the platform user id
    person_id: int
    reply: Reply
    delivery_id: int
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
    person_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    delivery_id INTEGER NOT NULL,
    message_ref TEXT,
    pid INTEGER NOT NULL
)
"""


class FakePlatform:
    """Records sends; fails on demand; answers ``has(delivery_id)`` and ``find``.

    ``delay`` seconds pass after the platform has accepted a message and before ``send``
    returns: the window in which a crash leaves a message sent but not recorded as sent.
    """

    def __init__(
        self, *, record_path: str | os.PathLike[str] | None = None, delay: float = 0.0
    ) -> None:
        self.record_path = Path(record_path) if record_path is not None else None
        self.delay = delay
        self._lock = threading.RLock()
        self._sent: list[SentMessage] = []
        self._failures: deque[_Failure] = deque()
        self._down: _Failure | None = None
        self._seq = itertools.count(1)
        #: Every call, in order: (operation, delivery id, outcome).
        self.attempts: list[tuple[str, int, str]] = []
        self._db: sqlite3.Connection | None = None
        if self.record_path is not None:
            db = self._connection()
            db.execute("PRAGMA journal_mode = WAL")  # writers do not block readers
            db.execute(_SCHEMA)

    # ----------------------------------------------------------------- the port

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        """Deliver ``reply`` to ``recipient``; returns the platform's message reference."""
        failure = self._take_failure("send")
        if failure is not None and not failure.after_delivery:
            self._note("send", delivery_id, failure.kind)
            await self._raise(failure)
        ref = self._record(recipient, reply, delivery_id)
        if self.delay:
            await asyncio.sleep(self.delay)
        if failure is not None:
            self._note("send", delivery_id, f"{failure.kind} after delivery")
            await self._raise(failure)
        self._note("send", delivery_id, "sent")
        return ref

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        """The reference of a message this recipient already got for ``delivery_id`` (as a
        platform that carries the delivery id in message metadata can tell), else None."""
        failure = self._take_failure("find")
        if failure is not None:
            self._note("find", delivery_id, failure.kind)
            await self._raise(failure)
        found = [s for s in self.sends_of(delivery_id) if s.person_id == recipient.id]
        self._note("find", delivery_id, "found" if found else "not found")
        return found[0].message_ref if found else None

    # ----------------------------------------------------------------- for tests

    def has(self, delivery_id: int) -> str | None:
        """The message reference of the first send with this delivery id, or ``None``."""
        sends = self.sends_of(delivery_id)
        return sends[0].message_ref if sends else None

    @property
    def sent(self) -> list[SentMessage]:
        """Every accepted send, in order (from every process when ``record_path`` is set)."""
        if self.record_path is None:
            with self._lock:
                return list(self._sent)
        with self._lock:
            rows = (
                self._connection()
                .execute(
                    "SELECT seq, recipient, person_id, payload, delivery_id, message_ref, pid"
                    " FROM sends ORDER BY seq"
                )
                .fetchall()
            )
        return [
            SentMessage(seq, recipient, person_id, Reply.from_json(payload), delivery_id, ref, pid)
            for seq, recipient, person_id, payload, delivery_id, ref, pid in rows
        ]

    def sends_of(self, delivery_id: int) -> list[SentMessage]:
        return [s for s in self.sent if s.delivery_id == delivery_id]

    def sent_to(self, recipient: Person | int) -> list[SentMessage]:
        """What one person received (a :class:`Person` or a person id)."""
        person_id = recipient if isinstance(recipient, int) else recipient.id
        return [s for s in self.sent if s.person_id == person_id]

    def duplicates(self) -> dict[int, int]:
        """Delivery ids sent more than once, with their counts (empty means exactly-once held)."""
        counts: dict[int, int] = {}
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
        """Make the next ``times`` calls of ``operation`` fail (``"send"``, ``"find"``, or
        ``None`` for either).

        Kinds: ``"rate_limited"`` raises :class:`RateLimited` with ``retry_after``;
        ``"transient"`` and ``"down"`` raise :class:`TransientError`; ``"unreachable"`` raises
        :class:`Unreachable`; ``"crash"`` ends the process at once (``os._exit(70)``) and
        ``"hang"`` never returns (both only for a worker process in a crash test). With
        ``after_delivery=True`` the message is recorded first and the failure comes afterwards:
        the platform has it, but the caller does not know.
        """
        _check(kind, operation)
        with self._lock:
            for _ in range(times):
                self._failures.append(_Failure(kind, retry_after, after_delivery, operation))

    def go_down(self, kind: str = "down", *, retry_after: float = 1.0) -> None:
        """Fail every call (a :class:`TransientError` by default) until :meth:`recover`."""
        _check(kind, None)
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

    def close(self) -> None:
        """Close the record file (a no-op in memory); it reopens when used again."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connection(self) -> sqlite3.Connection:
        """This process's connection to the record file, opened on first use."""
        assert self.record_path is not None
        if self._db is None:
            db = sqlite3.connect(
                self.record_path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA busy_timeout = 30000")
            # Survives a killed process (not a power cut, which tests do not simulate), and
            # keeps the write lock short when several worker processes record at once.
            db.execute("PRAGMA synchronous = OFF")
            self._db = db
            weakref.finalize(self, db.close)
        return self._db

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
    async def _raise(failure: _Failure) -> None:
        if failure.kind == "crash":
            os._exit(70)
        if failure.kind == "hang":
            await asyncio.Event().wait()  # nobody sets it: the process is killed meanwhile
        if failure.kind == "rate_limited":
            raise RateLimited(failure.retry_after)
        if failure.kind == "transient":
            raise TransientError("the platform failed (HTTP 500); try again")
        if failure.kind == "down":
            raise TransientError("the platform is down (HTTP 503)")
        raise Unreachable("the recipient blocked or uninstalled the bot")

    def _note(self, operation: str, delivery_id: int, outcome: str) -> None:
        with self._lock:
            self.attempts.append((operation, delivery_id, outcome))

    def _record(self, recipient: Person, reply: Reply, delivery_id: int) -> str:
        pid = os.getpid()
        if self.record_path is None:
            with self._lock:
                seq = next(self._seq)
                ref = f"msg-{seq}"
                self._sent.append(
                    SentMessage(
                        seq, recipient.platform_user_id, recipient.id, reply, delivery_id, ref, pid
                    )
                )
                return ref
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                cursor = db.execute(
                    "INSERT INTO sends (recipient, person_id, payload, delivery_id, pid)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (recipient.platform_user_id, recipient.id, reply.to_json(), delivery_id, pid),
                )
                ref = f"msg-{cursor.lastrowid}"
                db.execute(
                    "UPDATE sends SET message_ref = ? WHERE seq = ?", (ref, cursor.lastrowid)
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return ref


def _check(kind: str, operation: str | None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown failure kind {kind!r}; expected one of {KINDS}")
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; expected one of {OPERATIONS}")
