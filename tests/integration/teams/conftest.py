"""The daily-message scene as a fixture (see :mod:`tests.integration.teams.scene`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.teams.platform import teams_platform
from tests.fakes import FakeBotConnector
from tests.integration.teams.scene import Scene
from tests.integration.teams.support import (
    OUTGOING_TOKEN,
    FixedTokens,
    endpoint,
    make_container,
    teams_settings,
)


@pytest.fixture
async def scene(database: str) -> AsyncIterator[Scene]:
    container = make_container(teams_settings(database))
    tokens = FixedTokens()
    async with FakeBotConnector() as fake, endpoint(container, tokens=tokens) as (client, _):
        fake.expected_token = OUTGOING_TOKEN
        platform = teams_platform(container, tokens=tokens)
        scene = Scene(container, fake, client, platform)
        await scene.say("customer add Acme tier=key last=2026-02-20")
        await scene.say("customer add Beta tier=key last=2026-02-21")
        try:
            yield scene
        finally:
            await platform.close()
            container.close()
