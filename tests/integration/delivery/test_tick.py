"""``nudgebot tick [--now ISO] [--dry-run]``: one full cycle at the given instant, printing what
was (or would be) delivered to whom; a dry run changes nothing in the database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.delivery.cycle import run_cycle
from bot.replies import render_text
from nudges.model import DeliveryState, NudgeState
from nudges.model import Platform as PlatformName
from storage.tables import metadata
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

SLOT = START + timedelta(hours=1)


def tick(database: str, *args: str, cwd: Path) -> str:
    """The command line, in a directory without a config file (built-in defaults)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "tick", "--db", database, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def snapshot(book: Book) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with book.container.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }


def two_people_with_due_customers(book: Book) -> None:
    bob = book.join("bob", "Bob Stone")
    book.say('customer add "Acme" tier=key last=2026-01-05')
    book.say('customer add "Beta" tier=key last=2026-01-05', actor=bob)
    book.say('customer add "Later" tier=key last=2026-01-15', actor=bob)  # amber on the 29th


def test_dry_run_prints_what_would_be_delivered_and_changes_nothing(
    book: Book, database: str, tmp_path: Path
) -> None:
    two_people_with_due_customers(book)
    before = snapshot(book)

    out = tick(database, "--now", SLOT.isoformat(), "--dry-run", cwd=tmp_path)

    assert "(dry run: nothing changed)" in out
    assert "2 daily messages and 0 digests planned" in out
    assert "2 messages would be sent:" in out
    assert "→ Maria (maria)\n    Good morning Maria: 1 relationship needs you today." in out
    assert "→ Bob Stone (bob)\n    Good morning Bob: 1 relationship needs you today." in out
    assert "1. Acme — gone quiet (amber)" in out
    assert "1. Beta — gone quiet (amber)" in out
    assert "Later" not in out
    assert snapshot(book) == before
    assert book.deliveries() == []

    # A dry run when customers come due decides them too, and still changes nothing.
    report = asyncio.run(run_cycle(book.container, now=SLOT + timedelta(days=9), dry_run=True))
    assert report.sweep.customers > 0
    assert ["Later" in render_text(reply) for _, reply in report.messages].count(True) == 1
    assert snapshot(book) == before


def test_tick_delivers_and_prints_to_whom_then_has_nothing_more_to_send(
    book: Book, database: str, tmp_path: Path
) -> None:
    two_people_with_due_customers(book)

    out = tick(database, "--now", SLOT.isoformat(), cwd=tmp_path)

    assert "2 messages were sent, 0 to retry, 0 failed, 0 unreachable" in out
    deliveries = {d.recipient_id: d for d in book.deliveries()}
    maria, bob = (
        deliveries[p.id] for p in (book.maria.person, book.join("bob", "Bob Stone").person)
    )
    assert f"→ delivery {maria.id} to Maria: {maria.message_ref}" in out
    assert f"→ delivery {bob.id} to Bob Stone: {bob.message_ref}" in out
    assert "── to Maria (console)\nGood morning Maria" in out  # the console prints its DMs
    assert {d.state for d in deliveries.values()} == {DeliveryState.SENT}
    assert {d.sent_at for d in deliveries.values()} == {SLOT}
    with book.deps.uow() as uow:
        assert uow.nudges.for_recipient(book.maria.person.id) == []
        delivered = uow.nudges.for_recipient(book.maria.person.id, states=[NudgeState.DELIVERED])
    assert len(delivered) == 1

    platform = FakePlatform()
    later = asyncio.run(
        run_cycle(
            book.container,
            now=SLOT + timedelta(minutes=5),
            platforms={PlatformName.CONSOLE: platform},
        )
    )
    assert (later.sweep.deliveries, later.drain.sent, platform.sent) == ([], [], [])
    assert len(book.deliveries()) == 2
