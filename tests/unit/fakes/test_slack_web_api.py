"""The fake Slack Web API, driven by the real slack_sdk clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import FakeSlackWebApi

TOKEN = "xoxb-T111-fake"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackWebApi]:
    async with FakeSlackWebApi() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlackWebApi) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.url)


def _blocks(n: int) -> list[dict[str, object]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": f"line {i}"}} for i in range(n)]


async def test_url_is_a_base_url_ending_with_a_slash(fake: FakeSlackWebApi) -> None:
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.url.endswith("/api/")


async def test_auth_test_answers_the_bot_shape(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    response = await client.auth_test()
    assert response["team_id"] == "T111"
    assert response["user_id"] == fake.bot_user_id
    assert response["bot_id"] == fake.bot_id
    [call] = fake.calls
    assert (call.method, call.token) == ("auth.test", TOKEN)
    assert call.authorization == f"Bearer {TOKEN}"


async def test_post_message_with_metadata_comes_back_in_history_only_with_all_metadata(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    opened = await client.conversations_open(users="U123")
    channel = opened["channel"]["id"]
    assert channel == "DU123"
    metadata = {"event_type": "nudge_delivery", "event_payload": {"delivery_id": "42"}}
    posted = await client.chat_postMessage(
        channel=channel, text="Call Acme", blocks=_blocks(2), metadata=metadata
    )
    assert posted["ok"] and posted["channel"] == channel
    assert posted["message"]["text"] == "Call Acme"

    with_metadata = await client.conversations_history(channel=channel, include_all_metadata=True)
    [message] = with_metadata["messages"]
    assert message["ts"] == posted["ts"]
    assert message["metadata"] == metadata
    assert message["bot_id"] == fake.bot_id

    without = await client.conversations_history(channel=channel)
    assert "metadata" not in without["messages"][0]

    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["metadata"] == metadata
    assert len(call.params["blocks"]) == 2
    assert fake.dm_messages("U123")[0]["metadata"] == metadata


async def test_history_is_newest_first_and_honours_limit_and_oldest(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    stamps = [(await client.chat_postMessage(channel="C1", text=str(i)))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5

    page = await client.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in page["messages"]] == ["4", "3"]
    assert page["has_more"] is True
    cursor = page["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel="C1", limit=10, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["2", "1", "0"]

    newer = await client.conversations_history(channel="C1", oldest=stamps[2])
    assert [m["text"] for m in newer["messages"]] == ["4", "3"]
    inclusive = await client.conversations_history(channel="C1", oldest=stamps[2], inclusive=True)
    assert [m["text"] for m in inclusive["messages"]] == ["4", "3", "2"]


async def test_posting_to_a_user_id_lands_in_the_dm(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="U777", text="hi")
    assert posted["channel"] == "DU777"
    assert [m["text"] for m in fake.dm_messages("U777")] == ["hi"]


async def test_users_info_gives_the_configured_time_zone(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    fake.users["U123"] = {"tz": "Europe/Berlin", "real_name": "Ada Lovelace"}
    fake.add_user("U456", tz="Pacific/Kiritimati", is_bot=True)
    user = (await client.users_info(user="U123"))["user"]
    assert (user["id"], user["tz"], user["real_name"]) == ("U123", "Europe/Berlin", "Ada Lovelace")
    assert user["tz_offset"] in (3600, 7200)
    assert user["profile"]["real_name"] == "Ada Lovelace"
    other = (await client.users_info(user="U456"))["user"]
    assert other["tz_offset"] == 14 * 3600
    assert other["is_bot"] is True


async def test_unknown_user_is_user_not_found(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U404")
    assert raised.value.response["error"] == "user_not_found"


async def test_chat_update_replaces_the_stored_message(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="before")
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="after")
    assert updated["ts"] == posted["ts"]
    assert [m["text"] for m in fake.messages("C1")] == ["after"]
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts="1.000001", text="nobody")
    assert raised.value.response["error"] == "message_not_found"


async def test_post_ephemeral(fake: FakeSlackWebApi, client: AsyncWebClient) -> None:
    response = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert response["message_ts"]
    assert fake.ephemeral_messages[0]["user"] == "U1"
    assert fake.messages("C1") == []


async def test_block_limits(fake: FakeSlackWebApi, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C1", text="ok", blocks=_blocks(50))
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="too long", blocks=_blocks(51))
    assert raised.value.response["error"] == "invalid_blocks"
    assert "50" in raised.value.response["errors"][0]

    await client.views_publish(user_id="U1", view={"type": "home", "blocks": _blocks(100)})
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="U1", view={"type": "home", "blocks": _blocks(101)})
    assert raised.value.response["error"] == "invalid_blocks"
    assert len(fake.messages("C1")) == 1


async def test_views_publish_open_and_update(fake: FakeSlackWebApi, client: AsyncWebClient) -> None:
    first = await client.views_publish(user_id="U1", view={"type": "home", "blocks": _blocks(1)})
    again = await client.views_publish(
        user_id="U1", view={"type": "home", "blocks": _blocks(2)}, hash=first["view"]["hash"]
    )
    assert again["view"]["id"] == first["view"]["id"]
    assert len(fake.home_view("U1")["blocks"]) == 2  # type: ignore[index]
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(
            user_id="U1", view={"type": "home", "blocks": []}, hash=first["view"]["hash"]
        )
    assert raised.value.response["error"] == "hash_conflict"

    modal = {
        "type": "modal",
        "callback_id": "log_touch",
        "title": {"type": "plain_text", "text": "Log"},
        "blocks": _blocks(1),
    }
    opened = await client.views_open(trigger_id="123.456.abc", view=modal)
    view_id = opened["view"]["id"]
    assert opened["view"]["callback_id"] == "log_touch"
    updated = await client.views_update(view_id=view_id, view={**modal, "blocks": _blocks(3)})
    assert updated["view"]["id"] == view_id
    assert len(fake.view(view_id)["blocks"]) == 3  # type: ignore[index]
    with pytest.raises(SlackApiError) as raised:
        await client.views_update(view_id="VNOPE", view=modal)
    assert raised.value.response["error"] == "not_found"


async def test_unknown_method(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("chat.teleport")
    assert raised.value.response["error"] == "unknown_method"


async def test_rate_limit_is_retried_by_the_sdk_handler(fake: FakeSlackWebApi) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    client = AsyncWebClient(
        token=TOKEN,
        base_url=fake.url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    posted = await client.chat_postMessage(channel="C1", text="eventually")
    assert posted["ok"]
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, first.error) == (429, "ratelimited")
    assert second.ok
    assert len(fake.messages("C1")) == 1


async def test_rate_limit_shape_without_retry(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    assert fake.messages("C1") == []


async def test_queued_failures_come_in_order(fake: FakeSlackWebApi, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found")
    fake.fail_next("chat.postMessage", error="account_inactive")
    fake.fail_next(status=500)  # any method, after the method's own
    fake.fail_next(status=503, error="service_unavailable")
    errors = []
    for _ in range(4):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="x")
        response = raised.value.response
        errors.append((response.status_code, response.data))
    assert errors[0] == (200, {"ok": False, "error": "channel_not_found"})
    assert errors[1] == (200, {"ok": False, "error": "account_inactive"})
    assert errors[2] == (500, "500 server error")
    assert errors[3] == (503, {"ok": False, "error": "service_unavailable"})
    assert [c.error for c in fake.calls][2:] == ["http_500", "service_unavailable"]
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    assert fake.pending_failures("chat.postMessage") == 0


# slack_sdk sends client credentials with aiohttp.BasicAuth, which aiohttp 3.14 deprecates.
BASIC_AUTH_DEPRECATED = "ignore:BasicAuth is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(BASIC_AUTH_DEPRECATED)
async def test_oauth_install_refresh_and_uninstall(fake: FakeSlackWebApi) -> None:
    fake.token_rotation = True
    fake.valid_tokens = set()
    anonymous = AsyncWebClient(base_url=fake.url)
    installed = await anonymous.oauth_v2_access(client_id="111.222", client_secret="s", code="c0de")
    assert installed["team"] == {"id": "T111", "name": "Test Workspace"}
    assert installed["enterprise"] is None
    assert installed["bot_user_id"] == fake.bot_user_id
    assert installed["expires_in"] == fake.token_lifetime
    token, refresh = installed["access_token"], installed["refresh_token"]
    assert (await AsyncWebClient(token=token, base_url=fake.url).auth_test())["ok"]

    refreshed = await anonymous.oauth_v2_access(
        client_id="111.222", client_secret="s", grant_type="refresh_token", refresh_token=refresh
    )
    assert refreshed["access_token"] != token
    with pytest.raises(SlackApiError) as raised:  # a second refresh with the same token
        await anonymous.oauth_v2_access(
            client_id="111.222",
            client_secret="s",
            grant_type="refresh_token",
            refresh_token=refresh,
        )
    assert raised.value.response["error"] == "invalid_refresh_token"

    with pytest.raises(SlackApiError) as raised:
        await AsyncWebClient(token="xoxb-stolen", base_url=fake.url).auth_test()
    assert raised.value.response["error"] == "invalid_auth"

    bot = AsyncWebClient(token=refreshed["access_token"], base_url=fake.url)
    assert (await bot.apps_uninstall(client_id="111.222", client_secret="s"))["ok"]
    with pytest.raises(SlackApiError) as raised:
        await bot.auth_test()
    assert raised.value.response["error"] == "token_revoked"


async def test_oauth_exchange_gives_a_rotating_token(fake: FakeSlackWebApi) -> None:
    client = AsyncWebClient(base_url=fake.url)
    exchanged = await client.oauth_v2_exchange(
        token="xoxb-long-lived", client_id="111.222", client_secret="s"
    )
    assert exchanged["access_token"].startswith("xoxe.xoxb-")
    assert exchanged["refresh_token"].startswith("xoxe-")


def test_sync_client_against_the_server_in_a_thread() -> None:
    with FakeSlackWebApi.in_thread() as fake:
        client = WebClient(token=TOKEN, base_url=fake.url)
        fake.users["U1"] = {"tz": "Asia/Tokyo"}
        assert client.users_info(user="U1")["user"]["tz"] == "Asia/Tokyo"
        posted = client.chat_postMessage(
            channel="U1",
            text="from a thread",
            metadata={"event_type": "nudge_delivery", "event_payload": {"delivery_id": "7"}},
        )
        history = client.conversations_history(channel=posted["channel"], include_all_metadata=True)
        assert history["messages"][0]["metadata"]["event_payload"] == {"delivery_id": "7"}
        assert [c.method for c in fake.calls] == [
            "users.info",
            "chat.postMessage",
            "conversations.history",
        ]


def test_in_thread_stops_the_server() -> None:
    with FakeSlackWebApi.in_thread() as fake:
        url = fake.url
    client = WebClient(token=TOKEN, base_url=url, timeout=2, retry_handlers=[])
    with pytest.raises(URLError):
        client.auth_test()


async def test_concurrent_posts_get_unique_increasing_ts(
    fake: FakeSlackWebApi, client: AsyncWebClient
) -> None:
    started = time.monotonic()
    replies = await asyncio.gather(
        *(client.chat_postMessage(channel="C9", text=str(i)) for i in range(20))
    )
    assert len({r["ts"] for r in replies}) == 20
    stored = [m["ts"] for m in fake.messages("C9")]
    assert stored == sorted(stored, key=float)
    assert time.monotonic() - started < 5
