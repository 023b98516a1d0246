"""Two first messages from a new workspace at the same moment register it once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.services.identity import identify
from nudges.model import Platform


def test_parallel_first_contacts_register_the_workspace_and_person_once(database: str) -> None:
    container = build(
        replace(Settings(), database_url=database),
        clock=FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC)),
    )
    try:

        def first_contact(index: int) -> int:
            actor = identify(
                container.deps,
                platform=Platform.SLACK,
                team_id="T111",
                team_name="Acme Sales",
                user_id=f"U{index % 2}",
                display_name=f"Person {index % 2}",
            )
            return actor.person.id

        with ThreadPoolExecutor(max_workers=6) as pool:
            ids = list(pool.map(first_contact, range(12)))
        assert len(set(ids)) == 2
        with container.deps.uow() as uow:
            workspace = uow.workspaces.find(platform=Platform.SLACK, external_id="T111")
            assert workspace is not None
            assert len(uow.people.in_workspace(workspace.id)) == 2
    finally:
        container.close()
