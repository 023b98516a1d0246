"""The fake Bot Framework connector, driven by a real aiohttp client."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from tests.fakes import FakeBotConnector

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TOKEN = "eyJ.fake.jwt"
USER = "29:1FakeUser01-abcdef"
TENANT = "00000000-0000-0000-0000-0000000000a1"
CHANNEL_THREAD = "19:00000000000000000000000000000e01@thread.tacv2;messageid=1616412958924"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as s:
        yield s


def _activities(fake: FakeBotConnector, conversation_id: str) -> str:
    return f"{fake.service_url}v3/conversations/{quote(conversation_id, safe='')}/activities"


def _card_message() -> dict[str, Any]:
    activity: dict[str, Any] = json.loads(
        (FIXTURES / "teams" / "outgoing_adaptive_card_message.json").read_text(encoding="utf-8")
    )
    return activity


async def _create(fake: FakeBotConnector, session: aiohttp.ClientSession) -> str:
    params = {
        "isGroup": False,
        "bot": {"id": "28:00000000-0000-0000-0000-0000000000c1"},
        "members": [{"id": USER}],
        "tenantId": TENANT,
        "channelData": {"tenant": {"id": TENANT}},
    }
    async with session.post(f"{fake.service_url}v3/conversations", json=params) as response:
        assert response.status == 200
        body = await response.json()
    conversation_id: str = body["id"]
    return conversation_id


async def test_create_conversation_then_send_a_card(
    fake: FakeBotConnector, session: aiohttp.ClientSession
) -> None:
    conversation_id = await _create(fake, session)
    assert conversation_id.startswith("a:")
    assert await _create(fake, session) == conversation_id  # the same 1:1 chat again
    assert fake.conversation_with(USER) == conversation_id

    card = _card_message()
    async with session.post(_activities(fake, conversation_id), json=card) as response:
        assert response.status == 200
        activity_id = (await response.json())["id"]

    [stored] = fake.activities(conversation_id)
    assert stored["id"] == activity_id
    assert stored["attachments"] == card["attachments"]
    [send] = fake.calls_to("send")
    assert send.conversation_id == conversation_id
    assert send.authorization == f"Bearer {TOKEN}"
    assert send.body == card
    assert fake.received == [card]


@pytest.mark.parametrize("encode", [True, False], ids=["percent-encoded", "raw"])
async def test_channel_conversation_ids_are_decoded_from_the_path(
    fake: FakeBotConnector, session: aiohttp.ClientSession, encode: bool
) -> None:
    path_id = quote(CHANNEL_THREAD, safe="") if encode else CHANNEL_THREAD
    url = f"{fake.service_url}v3/conversations/{path_id}/activities"
    async with session.post(url, json={"type": "message", "text": "hello team"}) as response:
        assert response.status == 200
    assert fake.calls[0].conversation_id == CHANNEL_THREAD
    assert fake.activities(CHANNEL_THREAD)[0]["conversation"]["id"] == CHANNEL_THREAD


async def test_update_and_reply(fake: FakeBotConnector, session: aiohttp.ClientSession) -> None:
    conversation_id = await _create(fake, session)
    async with session.post(
        _activities(fake, conversation_id), json={"type": "message", "text": "v1"}
    ) as response:
        activity_id = (await response.json())["id"]
    url = f"{_activities(fake, conversation_id)}/{activity_id}"
    async with session.put(url, json={"type": "message", "text": "v2"}) as response:
        assert response.status == 200
        assert (await response.json())["id"] == activity_id
    async with session.post(url, json={"type": "message", "text": "a reply"}) as response:
        reply_id = (await response.json())["id"]
    assert reply_id != activity_id
    assert [(a["text"], a.get("replyToId")) for a in fake.activities(conversation_id)] == [
        ("v2", None),
        ("a reply", activity_id),
    ]
    async with session.put(f"{_activities(fake, conversation_id)}/404", json={}) as response:
        assert response.status == 404


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (412, "PreconditionFailed"),
        (502, "ServiceError"),
        (504, "GatewayTimeout"),
        (403, "ConversationBlockedByUser"),
    ],
)
async def test_injected_failures_use_the_connector_error_body(
    fake: FakeBotConnector, session: aiohttp.ClientSession, status: int, code: str
) -> None:
    fake.fail_next("send", status=status)
    url = _activities(fake, "a:1FakeConv01")
    async with session.post(url, json={"type": "message", "text": "x"}) as response:
        assert response.status == status
        assert (await response.json())["error"]["code"] == code
    assert fake.activities("a:1FakeConv01") == []
    async with session.post(url, json={"type": "message", "text": "x"}) as response:
        assert response.status == 200
    assert [c.status for c in fake.calls] == [status, 200]


async def test_rate_limit_has_retry_after_and_failures_queue(
    fake: FakeBotConnector, session: aiohttp.ClientSession
) -> None:
    fake.fail_next("send", status=429, retry_after=3)
    fake.fail_next(status=403, code="MessageWritesBlocked", message="Blocked by the user.")
    url = _activities(fake, "a:1FakeConv01")
    async with session.post(url, json={"type": "message"}) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"
        assert (await response.json())["error"]["code"] == "Throttled"
    async with session.post(url, json={"type": "message"}) as response:
        assert response.status == 403
        assert await response.json() == {
            "error": {"code": "MessageWritesBlocked", "message": "Blocked by the user."}
        }
    assert fake.pending_failures("send") == fake.pending_failures() == 0


async def test_a_blocked_user_fails_until_unblocked(
    fake: FakeBotConnector, session: aiohttp.ClientSession
) -> None:
    conversation_id = await _create(fake, session)
    fake.blocked.add(USER)
    async with session.post(_activities(fake, conversation_id), json={"type": "message"}) as r:
        assert r.status == 403
    fake.blocked.clear()
    async with session.post(_activities(fake, conversation_id), json={"type": "message"}) as r:
        assert r.status == 200


async def test_expected_token_is_checked(fake: FakeBotConnector) -> None:
    fake.expected_token = TOKEN
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.post(_activities(fake, "a:1"), json={"type": "message"}) as response,
    ):
        assert response.status == 401
    assert fake.calls[0].authorization is None


def test_in_a_thread_for_sync_callers() -> None:
    with FakeBotConnector.in_thread() as fake:
        request = urllib.request.Request(
            _activities(fake, CHANNEL_THREAD),
            data=json.dumps({"type": "message", "text": "sync"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["id"]
        assert fake.activities(CHANNEL_THREAD)[0]["text"] == "sync"
