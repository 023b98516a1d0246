"""A book of customers driven through the real services, on every test database.

Time never passes by itself: the tests move a :class:`FixedClock` and call the jobs (sweep,
outbox, a whole cycle) with a chosen ``now``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import DeliverySettings, Settings
from bot.delivery.cycle import CycleReport, run_cycle
from bot.delivery.ports import Platform
from bot.replies import Reply, Tone, render_text
from bot.services.context import Actor, Deps
from bot.services.identity import identify
from nudges.model import Delivery, DeliveryKind, DeliveryState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform

ROOT = Path(__file__).resolve().parents[3]

# Tuesday 20 January 2026, 08:00 UTC; everybody here lives in UTC and gets nudges at 09:00.
START = datetime(2026, 1, 20, 8, 0, tzinfo=UTC)


@dataclass
class Book:
    container: Container
    clock: FixedClock
    maria: Actor

    @property
    def deps(self) -> Deps:
        return self.container.deps

    def join(self, user_id: str, name: str) -> Actor:
        """Someone new talks to the bot (registered on first contact)."""
        return identify(
            self.deps,
            platform=PlatformName.CONSOLE,
            team_id="console",
            team_name="Console",
            user_id=user_id,
            display_name=name,
        )

    def say(self, text: str, *, actor: Actor | None = None) -> str:
        """A command; it must succeed. Returns what the bot answered, as terminal text."""
        reply = self.container.commands.handle_text(actor or self.maria, text)
        assert reply.tone is not Tone.ERROR, render_text(reply)
        return render_text(reply)

    def ask(self, text: str, *, actor: Actor | None = None) -> Reply:
        return self.container.commands.handle_text(actor or self.maria, text)

    async def cycle(self, at: datetime, platform: Platform) -> CycleReport:
        """One scheduler cycle at ``at`` (the clock moves there too)."""
        self.clock.set(at)
        return await run_cycle(self.container, now=at, platforms={PlatformName.CONSOLE: platform})

    def deliveries(self, *, recipient_id: int | None = None) -> list[Delivery]:
        """Every delivery (of one recipient), in slot order."""
        with self.deps.uow() as uow:
            return uow.deliveries.in_states(list(DeliveryState), recipient_id=recipient_id)

    def add_digests(self, *, recipients: list[Actor], count: int, slot: datetime) -> list[int]:
        """``count`` ready-made messages spread over ``recipients``, inserted straight into the
        outbox (a digest's payload is sent as it is)."""
        ids: list[int] = []
        with self.deps.uow() as uow:
            for n in range(count):
                person = recipients[n % len(recipients)].person
                delivery = uow.deliveries.add(
                    dedupe_key=f"bulk:{n}",
                    recipient_id=person.id,
                    platform=PlatformName.CONSOLE,
                    kind=DeliveryKind.DIGEST,
                    slot_at=slot,
                    payload=Reply(text=f"Message {n}", kind="digest").to_json(),
                    now=slot,
                )
                ids.append(delivery.id)
            uow.commit()
        return ids


BookFactory = Callable[..., Book]


@pytest.fixture
def make_book(database: str) -> Iterator[BookFactory]:
    """``make_book(max_attempts=3, ...)``: a bot on the test database with these delivery
    settings, and Maria (the first person, so the admin) already registered."""
    built: list[Container] = []

    def make(**delivery: Any) -> Book:
        clock = FixedClock(START)
        settings = replace(
            Settings(),
            database_url=database,
            delivery=replace(DeliverySettings(), **delivery),
        )
        container = build(settings, clock=clock, pool_size=4)
        built.append(container)
        maria = identify(
            container.deps,
            platform=PlatformName.CONSOLE,
            team_id="console",
            team_name="Console",
            user_id="maria",
            display_name="Maria",
        )
        return Book(container, clock, maria)

    yield make
    for container in built:
        container.close()


@pytest.fixture
def book(make_book: BookFactory) -> Book:
    return make_book()


@pytest.fixture
def fake() -> FakePlatform:
    return FakePlatform()


def run_python(args: list[str], *, database: str, **popen: Any) -> subprocess.Popen[str]:
    """A child Python process in the repository, on the test database."""
    env = {**os.environ, "NUDGEBOT_DATABASE_URL": database}
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
