"""How the bot runs as an Entra app: anonymous local development that serves and sends without a
token (on loopback only), single- and multi-tenant registrations, and set-ups that cannot work
refused at start-up with the variable to set."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from microsoft_agents.authentication.msal import msal_auth
from msal import ConfidentialClientApplication

from bot import runner
from bot.bootstrap import senders
from bot.config import ConfigError
from bot.config.settings import Secrets
from bot.delivery.cycle import run_cycle
from bot.server import build_web_app
from bot.teams.auth import outgoing_tokens
from bot.teams.connector import BOT_FRAMEWORK_RESOURCE, BOT_FRAMEWORK_SCOPES
from bot.teams.platform import teams_platform
from nudges.model import Platform
from tests.fakes import FakeBotConnector
from tests.integration.teams.support import activity, make_container, teams_settings

APP_ID = "6f1c3a52-8d0e-4b7a-9c41-2e5d7f90ab13"
TENANT = "00000000-0000-0000-0000-0000000000a3"
AFTER_MEGANS_HOUR = datetime(2026, 3, 10, 16, 1, tzinfo=UTC)


class FakeMsal(ConfidentialClientApplication):
    """MSAL's client without the network: records the authority it was made for."""

    authorities: list[str] = []

    def __init__(self, client_id: str, *, authority: str, **_: Any) -> None:
        self.client_id = client_id
        FakeMsal.authorities.append(authority)

    def acquire_token_for_client(self, scopes: Any, **_: Any) -> dict[str, Any]:
        return {"access_token": "token-from-msal", "expires_in": 3600}


@pytest.fixture
def msal(monkeypatch: pytest.MonkeyPatch) -> type[FakeMsal]:
    FakeMsal.authorities = []
    monkeypatch.setattr(msal_auth, "ConfidentialClientApplication", FakeMsal)
    return FakeMsal


async def test_anonymous_local_development_serves_and_replies_without_a_token(
    database: str,
) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    app, serving = build_web_app(container)  # the production wiring
    async with FakeBotConnector() as fake, TestClient(TestServer(app)) as client:
        body = activity("message_personal.json", text="help", serviceUrl=fake.service_url)
        async with client.post("/api/messages", json=body) as response:
            assert response.status in (200, 202)
        [reply] = fake.calls_to("reply")
    for served in serving:
        await served.stop()
    assert reply.ok and reply.authorization is None
    assert reply.conversation_id == body["conversation"]["id"]
    container.close()


async def test_anonymous_local_development_sends_the_daily_message_without_a_token(
    database: str,
) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    app, serving = build_web_app(container)
    async with FakeBotConnector() as fake, TestClient(TestServer(app)) as client:
        body = activity(
            "message_personal.json",
            text="customer add Acme tier=key last=2026-02-20",
            serviceUrl=fake.service_url,
            deliveryMode="expectReplies",
        )
        async with client.post("/api/messages", json=body) as response:
            assert response.status == 200
        platforms = senders(container)
        assert Platform.TEAMS in platforms  # no credentials, yet Teams is served locally
        container.deps.clock.set(AFTER_MEGANS_HOUR)  # type: ignore[attr-defined]
        report = await run_cycle(container, now=AFTER_MEGANS_HOUR, platforms=platforms)
        [send] = fake.calls_to("send")
        for platform in platforms.values():
            close = getattr(platform, "close", None)
            if close is not None:
                await close()
    for served in serving:
        await served.stop()
    assert len(report.drain.sent) == 1
    assert send.ok and send.authorization is None
    container.close()


def test_anonymous_access_off_loopback_is_refused_at_start_up(database: str) -> None:
    container = make_container(teams_settings(database, anonymous=True, host="0.0.0.0"))
    with pytest.raises(ConfigError, match=r"allow_anonymous = true .* '0\.0\.0\.0'"):
        build_web_app(container)
    container.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_anonymous_access_on_loopback_is_served(database: str, host: str) -> None:
    container = make_container(teams_settings(database, anonymous=True, host=host))
    app, _ = build_web_app(container)
    assert any(r.resource.canonical == "/api/messages" for r in app.router.routes())  # type: ignore[union-attr]
    container.close()


def test_teams_enabled_without_credentials_is_refused_naming_the_variables(
    database: str,
) -> None:
    container = make_container(teams_settings(database, anonymous=False))
    with pytest.raises(ConfigError, match="TEAMS_APP_ID and TEAMS_APP_PASSWORD"):
        build_web_app(container)
    container.close()
    half = replace(teams_settings(database, anonymous=False), secrets=Secrets(teams_app_id=APP_ID))
    container = make_container(half)
    with pytest.raises(ConfigError, match="TEAMS_APP_PASSWORD is not set"):
        build_web_app(container)
    container.close()


def test_run_serves_teams_in_local_development_instead_of_opening_the_console(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[object] = []
    monkeypatch.setattr("bot.server.serve", lambda settings: served.append(settings) or 0)
    settings = teams_settings(database, anonymous=True)
    assert runner.run_bot(settings) == 0
    assert served == [settings]


async def test_a_multi_tenant_bot_gets_its_tokens_from_the_bot_framework_tenant(
    database: str, msal: type[FakeMsal]
) -> None:
    settings = teams_settings(
        database, anonymous=False, teams_app_id=APP_ID, teams_app_password="secret"
    )
    token = await outgoing_tokens(settings).get_access_token(
        BOT_FRAMEWORK_RESOURCE, BOT_FRAMEWORK_SCOPES
    )
    assert token == "token-from-msal"
    assert msal.authorities == ["https://login.microsoftonline.com/botframework.com"]

    single = teams_settings(
        database,
        anonymous=False,
        teams_app_id=APP_ID,
        teams_app_password="secret",
        teams_tenant_id=TENANT,
    )
    await outgoing_tokens(single).get_access_token(BOT_FRAMEWORK_RESOURCE, BOT_FRAMEWORK_SCOPES)
    assert msal.authorities[-1] == f"https://login.microsoftonline.com/{TENANT}"


async def test_a_multi_tenant_bot_sends_proactive_messages(
    database: str, msal: type[FakeMsal]
) -> None:
    settings = teams_settings(
        database, anonymous=True, teams_app_id=APP_ID, teams_app_password="secret"
    )
    container = make_container(settings)
    async with FakeBotConnector() as fake:
        fake.expected_token = "token-from-msal"
        app, serving = build_web_app(container)
        async with TestClient(TestServer(app)) as client:
            body = activity(
                "message_personal.json",
                text="customer add Acme tier=key last=2026-02-20",
                serviceUrl=fake.service_url,
                deliveryMode="expectReplies",
            )
            async with client.post("/api/messages", json=body) as response:
                assert response.status == 200
        platform = teams_platform(container)  # the real token source: MSAL, no tenant id
        container.deps.clock.set(AFTER_MEGANS_HOUR)  # type: ignore[attr-defined]
        report = await run_cycle(
            container, now=AFTER_MEGANS_HOUR, platforms={Platform.TEAMS: platform}
        )
        await platform.close()
        for served in serving:
            await served.stop()
        [send] = fake.calls_to("send")
    assert len(report.drain.sent) == 1 and send.ok
    assert send.authorization == "Bearer token-from-msal"
    container.close()
