"""The last list a person was shown: two messages to the same person recorded at once (the
outbox sends concurrently) both succeed, and the newer list is the one kept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.services.context import Deps
from tests.integration.services.team import build_team

AT = datetime(2027, 6, 7, 9, 0, tzinfo=UTC)


def test_two_lists_recorded_at_once_both_succeed_and_the_newer_is_kept(database: str) -> None:
    team = build_team(database, managed=False)
    try:
        deps: Deps = team.container.deps
        sam = team.actor("sam").person.id
        first_written = threading.Event()
        failures: list[BaseException] = []

        def older() -> None:  # writes first and commits a moment later
            try:
                with deps.uow() as uow:
                    uow.shown.remember(sam, ["nudge:1"], at=AT)
                    first_written.set()
                    threading.Event().wait(0.3)
                    uow.commit()
            except BaseException as exc:
                failures.append(exc)
                first_written.set()

        def newer() -> None:  # meets the first one's row before it is committed
            first_written.wait(10)
            try:
                with deps.uow() as uow:
                    uow.shown.remember(sam, ["nudge:2", "nudge:3"], at=AT + timedelta(seconds=1))
                    uow.commit()
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=older), threading.Thread(target=newer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)

        assert not failures, failures
        with deps.uow() as uow:
            kept = uow.shown.last(sam)
            assert kept is not None and kept.refs == ("nudge:2", "nudge:3")
            uow.shown.remember(sam, ["nudge:9"], at=AT)  # an older list arriving late
            uow.commit()
        with deps.uow() as uow:
            kept = uow.shown.last(sam)
            assert kept is not None and kept.refs == ("nudge:2", "nudge:3")
    finally:
        team.close()
