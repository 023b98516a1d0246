"""SQLite write contention: while another process holds the write lock longer than the busy
timeout, concurrent touches are each either stored or answered "couldn't save your touch on
Acme: try again" — never acknowledged and lost."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

import storage.engine
from bot.replies import Reply, Tone
from storage.tables import touchpoint_t
from tests.integration.services.team import Team, build_team

NAMES = [f"Customer {i:02d}" for i in range(16)]


@pytest.fixture
def sqlite_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path) -> Team:
    path = tmp_path / "contended.db"
    path.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 40)
    team = build_team(f"sqlite:///{path}")
    team.book("sam", NAMES)
    yield team  # type: ignore[misc]
    team.close()


def _stored(team: Team) -> dict[int, int]:
    with team.container.deps.uow() as uow:
        rows = uow.session.execute(
            select(touchpoint_t.c.customer_id, func.count()).group_by(touchpoint_t.c.customer_id)
        )
        return {int(c): int(n) for c, n in rows}


@pytest.mark.parametrize("held_seconds", [0.3, 3.0])
def test_every_touch_under_contention_is_stored_or_answered_with_an_error(
    sqlite_team: Team, held_seconds: float
) -> None:
    team = sqlite_team
    ids = {name: team.customer(name).id for name in NAMES}
    sam = team.actor("sam")  # known already: a request reads who is asking without the lock
    path = str(team.container.engine.url.database)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a long sweep batch, another process's import...
    release = threading.Timer(held_seconds, holder.commit)
    release.start()

    finished: dict[str, float] = {}

    def touch(name: str) -> tuple[str, Reply]:
        reply = team.container.commands.handle_text(sam, f"touch {name} call")
        finished[name] = time.monotonic()
        return name, reply

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(touch, NAMES))
    release.join()
    holder.close()

    stored = _stored(team)
    told = 0
    for name, reply in replies:
        if reply.tone is Tone.SUCCESS:
            assert stored.get(ids[name]) == 1, f"{name}: answered but not stored"
        else:
            told += 1
            assert f"Couldn't save your touch on {name}" in reply.text, reply.text
            assert "try again" in reply.text
            assert ids[name] not in stored, f"{name}: stored but told it failed"
    if held_seconds >= 3:
        # Held past every retry: everyone answered while it was held is told (on a busy
        # machine a late request may start its retries only as the lock is let go).
        held_until = started + held_seconds
        early = [name for name, _ in replies if finished[name] < held_until]
        assert len(early) >= len(NAMES) // 2
        assert all(reply.tone is Tone.ERROR for name, reply in replies if name in early)
    else:
        assert told < len(NAMES) // 4  # held briefly: the retries get (nearly) all through
    assert time.monotonic() - started < 30
