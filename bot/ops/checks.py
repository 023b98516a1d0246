"""The readiness checks every process has: the database answers, its schema is the one this
version needs, the scheduler runs, and the process is not stopping (the Slack Socket Mode
connection's check is ``bot.slack.runtime.SocketModeClient.readiness``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from storage.health import answering, schema_current

#: The database answers (and, on SQLite, its file is still there).
database = answering
#: The database is at the schema revision this version needs.
schema = schema_current


def scheduler(running: Any) -> Callable[[], Awaitable[str | None]]:
    """``running``: an APScheduler scheduler (state 1 is running, 2 paused)."""
    from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING

    async def check() -> str | None:
        if running.state == STATE_RUNNING:
            return None
        return "paused" if running.state == STATE_PAUSED else "not running"

    return check
