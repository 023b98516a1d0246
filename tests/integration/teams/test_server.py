"""The production wiring: `bot.server.build_web_app` mounts Teams next to the health check."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.server import build_web_app
from tests.integration.teams.support import activity, make_container, replies, teams_settings


async def test_the_shared_server_serves_teams_with_its_own_defaults(database: str) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    app, serving = build_web_app(container)
    async with TestClient(TestServer(app)) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        body = activity("message_personal.json", text="help", deliveryMode="expectReplies")
        async with client.post("/api/messages", json=body) as response:
            assert response.status == 200
            assert replies(await response.json())
    for served in serving:
        await served.stop()
    container.close()
