"""Property: every line typed into the console gets an answer and no exception escapes, on
both databases (NUL bytes and lone surrogates included)."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings

from bot.console.app import Console, ConsoleClock
from tests.fuzz.lines import EXAMPLES, lines
from tests.integration.services.team import Team

pytestmark = pytest.mark.db


@pytest.fixture
def console(team: Team) -> Console:
    team.book("maria", ["Acme", "Globex", "Initech Ltd"])
    clock = ConsoleClock(pinned=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    console = Console(team.container, clock=clock, out=io.StringIO())
    console.become("maria")
    return console


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(line=lines(surrogates=True))
def test_every_console_line_is_answered_and_nothing_escapes(
    console: Console, line: str, caplog: pytest.LogCaptureFixture
) -> None:
    out = console.out
    assert isinstance(out, io.StringIO)
    out.seek(0)
    out.truncate()
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert console.handle(line) is True or line.strip().lower() in (":q", ":quit", ":exit")
    blank = not line.strip() or line.strip().startswith("#")
    assert blank or out.getvalue().strip(), f"no answer to {line!r}"
    assert not caplog.records, [r.getMessage() for r in caplog.records]
