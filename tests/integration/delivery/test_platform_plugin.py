"""A chat platform is one package that declares itself; nothing outside it changes. The
pigeon platform (``tests/integration/delivery/pigeon``) is plugged into the composition root
next to the built-in ones, takes a person's commands over HTTP and gets their daily nudge."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, build, senders, serve_platforms, serves_chat
from bot.clock import FixedClock
from bot.config import ConfigError
from bot.config.loader import parse_settings
from bot.delivery.cycle import run_cycle
from bot.platforms import PLATFORM_PACKAGES, load, one_of
from nudges.model import Platform
from tests.integration.delivery.conftest import START
from tests.integration.delivery.pigeon.plugin import Loft

PACKAGES = (*PLATFORM_PACKAGES, "tests.integration.delivery.pigeon")
PIGEON = Platform("pigeon")


@dataclass
class Pigeons:
    container: Container
    clock: FixedClock
    http: TestClient[web.Request, web.Application]

    async def note(self, text: str, *, sender: str = "U1", name: str = "Maria") -> str:
        body = {"from": sender, "name": name, "text": text}
        async with self.http.post("/pigeon", json=body) as response:
            assert response.status == 200
            return await response.text()


@pytest.fixture
async def pigeons(database: str) -> AsyncIterator[Pigeons]:
    clock = FixedClock(START)
    config = {"database": {"url": database}, "pigeon": {"enabled": True, "loft": "south"}}
    settings = parse_settings(config, env={}, source="test", packages=PACKAGES)
    container = build(settings, clock=clock, pool_size=2)
    app = web.Application()
    serving = serve_platforms(app, container, packages=PACKAGES)
    assert len(serving) == 1  # Slack and Teams have no credentials here: only the pigeons
    async with TestClient(TestServer(app)) as http:
        yield Pigeons(container, clock, http)
    container.close()


def test_the_plugin_is_found_by_its_package_reads_its_section_and_turns_the_server_on() -> None:
    assert [p.name for p in load(PACKAGES)][-1] == PIGEON
    assert one_of() == "slack, teams or console"  # what an import of a workspace row accepts
    assert one_of(PACKAGES) == "slack, teams, console or pigeon"
    on = parse_settings({"pigeon": {"enabled": True}}, env={}, source="t", packages=PACKAGES)
    off = parse_settings({}, env={}, source="t", packages=PACKAGES)
    assert serves_chat(on, packages=PACKAGES)
    assert not serves_chat(off, packages=PACKAGES)  # and the built-in ones need credentials
    with pytest.raises(ConfigError, match="pigeon"):  # a section nobody reads is refused
        parse_settings({"pigeon": {"enabled": True}}, env={}, source="t")
    with pytest.raises(ConfigError, match="loft"):
        parse_settings({"pigeon": {"loft": 7}}, env={}, source="t", packages=PACKAGES)


async def test_a_person_on_the_plugged_in_platform_gets_their_nudge(pigeons: Pigeons) -> None:
    answer = await pigeons.note('customer add "Acme" tier=key last=2026-01-05')
    assert "Acme" in answer

    with pigeons.container.deps.reader() as uow:
        [workspace] = [w for w in uow.workspaces.all() if w.platform == PIGEON]
    assert workspace.external_id == "south"  # from its config section

    at = START + timedelta(hours=1)  # Maria's delivery hour
    pigeons.clock.set(at)
    platforms = senders(pigeons.container, packages=PACKAGES)
    report = await run_cycle(pigeons.container, now=at, platforms=platforms)

    assert len(report.drain.sent) == 1
    loft = platforms[PIGEON]
    assert isinstance(loft, Loft)
    [note] = loft.notes["U1"]
    assert "Good morning Maria: 1 relationship needs you today." in note
    assert "1. Acme — gone quiet (amber)" in note
    assert set(platforms) == {Platform.CONSOLE, PIGEON}  # served here, and the console's printer
