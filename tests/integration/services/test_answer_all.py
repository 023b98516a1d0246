"""``snooze acme 1w`` (or ``skip``, ``done``) answers every live nudge about the customer in
one transaction: all of them or none, audited once each, undone together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from bot.replies import Tone
from nudges.model import NudgeState
from tests.integration.services.team import TODAY, Team

pytestmark = pytest.mark.db


class _Orig(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


@contextmanager
def failing_at(
    engine: Engine, statement_start: str, nth: int, *, sqlstate: str | None = "40P01"
) -> Iterator[None]:
    """The ``nth`` statement starting with ``statement_start`` fails (by default as a
    deadlock would)."""
    seen: list[str] = []

    def fail(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().startswith(statement_start):
            seen.append(statement)
            if len(seen) == nth:
                raise OperationalError(statement, params, _Orig(sqlstate))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert len(seen) >= nth, f"fewer than {nth} statements started with {statement_start!r}"


def _two_live_nudges(team: Team) -> None:
    team.book("sam", ["Acme"])
    soon = (TODAY + timedelta(days=5)).isoformat()
    team.do("sam", f"date add acme kickoff {soon}")
    live = [n for n in team.nudges_about("Acme") if n.state is NudgeState.OPEN]
    assert len(live) == 2, live


def test_snoozing_a_customer_with_two_nudges_snoozes_both_audits_each_once(team: Team) -> None:
    _two_live_nudges(team)
    last = team.last_audit_id()

    reply = team.say("sam", "snooze acme 1w")

    assert reply.tone is Tone.SUCCESS, reply.text
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.SNOOZED] * 2
    assert [e.action for e in team.audit(after_id=last)] == ["nudge.snooze"] * 2


def test_a_conflict_on_the_second_nudge_runs_the_whole_answer_again_audited_once(
    team: Team,
) -> None:
    _two_live_nudges(team)
    last = team.last_audit_id()

    # The second nudge's update loses a deadlock: the first one's must not be kept (nor
    # audited) from the failed run.
    with failing_at(team.container.engine, "INSERT INTO audit_log", 2):
        reply = team.say("sam", "skip acme -- on holiday")

    assert reply.tone is Tone.SUCCESS, reply.text
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.SKIPPED] * 2
    assert [e.action for e in team.audit(after_id=last)] == ["nudge.skip"] * 2


def test_a_failure_on_the_second_nudge_leaves_the_first_unanswered(team: Team) -> None:
    _two_live_nudges(team)
    last = team.last_audit_id()

    with (
        failing_at(team.container.engine, "INSERT INTO audit_log", 2, sqlstate=None),
        pytest.raises(OperationalError),
    ):
        team.say("sam", "skip acme")

    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN] * 2
    assert team.audit(after_id=last) == []


def test_undo_puts_back_every_nudge_one_answer_changed(team: Team) -> None:
    _two_live_nudges(team)
    team.do("sam", "snooze acme 1w")

    reply = team.say("sam", "undo")

    assert reply.tone is Tone.SUCCESS, reply.text
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN] * 2
