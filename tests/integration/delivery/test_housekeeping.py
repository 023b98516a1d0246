"""Housekeeping expires unanswered nudges and forgets what is only worth a short memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.housekeeping import housekeeping
from storage.repositories.slack import ProcessedEventRepository, SlackOAuthStateRepository

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_old_event_ids_and_expired_oauth_states_are_pruned(database: str) -> None:
    container = build(replace(Settings(), database_url=database), clock=FixedClock(NOW))
    try:
        with container.deps.uow() as uow:
            events = ProcessedEventRepository(uow.session)
            assert events.first_time("slack", "Ev-old", now=NOW - timedelta(days=3))
            assert events.first_time("slack", "Ev-new", now=NOW - timedelta(minutes=5))
            states = SlackOAuthStateRepository(uow.session)
            states.issue("gone", expires_at=NOW - timedelta(minutes=1))
            states.issue("valid", expires_at=NOW + timedelta(minutes=9))
            uow.commit()
        housekeeping(container.deps, now=NOW)
        with container.deps.uow() as uow:
            events = ProcessedEventRepository(uow.session)
            assert events.first_time("slack", "Ev-old", now=NOW)  # forgotten: new again
            assert not events.first_time("slack", "Ev-new", now=NOW)  # still remembered
            states = SlackOAuthStateRepository(uow.session)
            assert not states.consume("gone", now=NOW)
            assert states.consume("valid", now=NOW)
    finally:
        container.close()
