"""Many workspaces: the OAuth install flow stores installations in our database, requests are
authorized from it (auth.test once per token), tokens are refreshed before proactive sends
one at a time, and uninstalling removes the installation."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Secrets, Settings, SlackMode, SlackSettings
from bot.replies import Reply
from bot.slack.runtime import attach_slack
from nudges.model import Platform as PlatformName
from storage.repositories.slack import (
    BOT,
    INSTALLATION,
    InstallationKey,
    SlackInstallationRepository,
)
from tests.integration.slack.harness import (
    SECRET,
    FakeSlack,
    Harness,
    event,
    eventually,
    settle,
    slash_body,
)

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
async def oauth(database: str, clock: FixedClock) -> AsyncIterator[Harness]:
    async with FakeSlack() as fake:
        fake.add_user("W111", tz="America/Los_Angeles", real_name="Maria Boss")
        settings = Settings(
            database_url=database,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url, token_rotation=True),
            secrets=Secrets(
                slack_signing_secret=SECRET, slack_client_id="111.222", slack_client_secret="s3"
            ),
        )
        container = build(settings, clock=clock, pool_size=2)
        app = web.Application()
        runtime = attach_slack(app, container)
        container.platforms[PlatformName.SLACK] = runtime.sender
        async with TestClient(TestServer(app)) as client:
            yield Harness(fake=fake, container=container, client=client, runtime=runtime)
            await settle()
            await runtime.built.services.settled()
        await runtime.stop()
        container.close()


async def install(harness: Harness) -> None:
    page = await harness.client.get("/slack/install", allow_redirects=False)
    assert page.status == 200
    body = await page.text()
    state = re.search(r"state=([\w\-]+)", body)
    assert state is not None, body
    assert "/oauth/v2/authorize" in body
    cookie = page.headers["Set-Cookie"].split(";")[0]
    done = await harness.client.get(
        f"/slack/oauth_redirect?code=the-code&state={state.group(1)}",
        headers={"Cookie": cookie},
        allow_redirects=False,
    )
    assert done.status == 200, await done.text()


def stored_bot(harness: Harness) -> str | None:
    with harness.container.deps.uow() as uow:
        key = InstallationKey("111.222", None, "T111")
        return SlackInstallationRepository(uow.session).find(BOT, key)


async def test_an_install_is_stored_and_authorizes_requests_with_one_auth_test(
    oauth: Harness,
) -> None:
    await install(oauth)
    assert stored_bot(oauth) is not None
    assert oauth.fake.calls_to("oauth.v2.access")[0].ok
    during_install = len(oauth.fake.calls_to("auth.test"))

    await oauth.slash("me", user="W111")
    await eventually(lambda: len(oauth.replies()) == 1)
    await oauth.slash("help", user="W111")
    await eventually(lambda: len(oauth.replies()) == 2)
    assert len(oauth.fake.calls_to("auth.test")) == during_install + 1


async def test_tokens_are_refreshed_before_sends_one_at_a_time(oauth: Harness) -> None:
    oauth.fake.token_rotation = True
    oauth.fake.token_lifetime = 3600  # within the refresh window: every send refreshes first
    await install(oauth)
    await oauth.slash("me", user="W111")
    await eventually(lambda: oauth.replies())
    with oauth.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W111")
    assert person is not None
    platform = oauth.container.platforms[PlatformName.SLACK]

    refs = await asyncio.gather(
        *(platform.send(person, Reply(text=f"hello {n}"), delivery_id=n) for n in range(1, 4))
    )

    assert len(set(refs)) == 3
    refreshes = [c for c in oauth.fake.calls_to("oauth.v2.access") if c.params.get("grant_type")]
    assert refreshes and all(c.ok for c in refreshes)
    posted = oauth.fake.calls_to("chat.postMessage")
    assert all(c.ok for c in posted)


async def test_uninstalling_deletes_the_installation(oauth: Harness) -> None:
    await install(oauth)
    await oauth.slash("me", user="W111")
    await eventually(lambda: oauth.replies())

    await oauth.send_event(event("app_uninstalled.json"))

    await eventually(lambda: stored_bot(oauth) is None)


def stored(harness: Harness, kind: str) -> dict[str, object]:
    with harness.container.deps.uow() as uow:
        rows = SlackInstallationRepository(uow.session).every(
            kind, InstallationKey("111.222", None, "T111")
        )
    assert rows
    return dict(json.loads(rows[-1][1]))


async def test_a_rotated_token_is_kept_in_the_installation_too(oauth: Harness) -> None:
    oauth.fake.token_rotation = True
    oauth.fake.token_lifetime = 3600  # within the refresh window: the next send refreshes
    await install(oauth)
    installed = stored(oauth, INSTALLATION)["bot_token"]
    await oauth.slash("me", user="W111")
    await eventually(lambda: oauth.replies())
    with oauth.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W111")
    assert person is not None

    await oauth.container.platforms[PlatformName.SLACK].send(
        person, Reply(text="hello"), delivery_id=1
    )

    bot, installation = stored(oauth, BOT), stored(oauth, INSTALLATION)
    assert bot["bot_token"] != installed
    assert installation["bot_token"] == bot["bot_token"]
    assert installation["bot_refresh_token"] == bot["bot_refresh_token"]
    assert installation["bot_token_expires_at"] == bot["bot_token_expires_at"]
    assert oauth.fake.calls_to("chat.postMessage")[-1].token == bot["bot_token"]


def reachable(harness: Harness) -> dict[str, bool]:
    with harness.container.deps.uow() as uow:
        return {p.platform_user_id: not p.unreachable for p in uow.people.in_workspace(1)}


async def test_installing_again_makes_people_reachable_again_but_deleted_accounts(
    oauth: Harness,
) -> None:
    oauth.fake.add_user("W222", real_name="Sam Sales")
    oauth.fake.add_user("W333", real_name="Lee Left")
    await install(oauth)
    for user in ("W111", "W222", "W333"):
        await oauth.slash("me", user=user)
    await eventually(lambda: len(oauth.replies()) == 3)
    await oauth.send_event(event("app_uninstalled.json"))
    await eventually(lambda: not any(reachable(oauth).values()))
    oauth.fake.users["W333"]["deleted"] = True  # deactivated while the app was gone

    await install(oauth)

    await eventually(lambda: reachable(oauth) == {"W111": True, "W222": True, "W333": False})
    await oauth.slash("me", user="W222")  # and they are served as before
    await eventually(lambda: len(oauth.replies()) == 4)


async def test_an_organisation_installs_once_and_each_workspace_is_served_and_messaged(
    oauth: Harness,
) -> None:
    oauth.fake.installation.update(
        team=None,
        enterprise={"id": "E111", "name": "Org"},
        is_enterprise_install=True,
        access_token="xoxb-E111-org",
    )
    await install(oauth)
    body = dict(parse_qsl(slash_body(oauth.fake, command="/nudge", text="me", user="W111")))
    body.update(enterprise_id="E111", enterprise_name="Org", is_enterprise_install="true")

    await oauth.post(urlencode(body))

    (reply,) = await eventually(lambda: oauth.replies())
    assert "✗" not in reply["text"]
    with oauth.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W111")
    assert person is not None
    ref = await oauth.container.platforms[PlatformName.SLACK].send(
        person, Reply(text="your nudges"), delivery_id=1
    )
    assert ref.startswith("DW111:")
    assert oauth.fake.calls_to("chat.postMessage")[-1].token == "xoxb-E111-org"
