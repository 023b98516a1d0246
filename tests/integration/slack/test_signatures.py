"""bolt refuses requests that Slack did not sign, or signed too long ago; a malformed but signed
request is a 400, a timestamp that is not a number a 401, each with one log line; a signed
request replayed within the five minutes is handled once."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.clock import FixedClock
from tests.integration.slack.harness import (
    Harness,
    eventually,
    interaction_body,
    payload,
    signed,
    slash_body,
)
from tests.integration.slack.test_daily_message import deliver_daily_message, press_done
from tests.integration.slack.test_slash_commands import touches


async def test_a_correctly_signed_url_verification_gets_its_challenge_back(
    harness: Harness,
) -> None:
    body = json.dumps(payload("url_verification.json"))
    response = await harness.post(body, form=False)
    assert response.status == 200
    assert (await response.json())["challenge"] == payload("url_verification.json")["challenge"]


async def test_a_forged_signature_is_refused(harness: Harness) -> None:
    body = slash_body(harness.fake, command="/nudge", text="help", user="W111")
    response = await harness.post(body, headers=signed(body, secret="not-the-secret"))
    assert response.status == 401
    assert harness.fake.calls == []


async def test_a_stale_timestamp_is_refused(harness: Harness) -> None:
    body = slash_body(harness.fake, command="/nudge", text="help", user="W111")
    response = await harness.post(body, headers=signed(body, timestamp=int(time.time()) - 600))
    assert response.status == 401


async def test_a_missing_signature_is_refused(harness: Harness) -> None:
    body = slash_body(harness.fake, command="/nudge", text="help", user="W111")
    response = await harness.post(body, headers={})
    assert response.status == 401


async def test_a_tampered_body_is_refused(harness: Harness) -> None:
    body = slash_body(harness.fake, command="/nudge", text="help", user="W111")
    headers = signed(body)
    tampered = body.replace("help", "quiet")
    response = await harness.post(tampered, headers=headers)
    assert response.status == 401


async def test_a_timestamp_that_is_not_a_number_is_refused_with_one_log_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    body = slash_body(harness.fake, command="/nudge", text="help", user="W111")
    headers = {**signed(body), "X-Slack-Request-Timestamp": "yesterday"}

    with caplog.at_level(logging.INFO):
        response = await harness.post(body, headers=headers)

    assert response.status == 401
    refusals = [r for r in caplog.records if "refused a Slack request" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert harness.replies() == []


@pytest.mark.parametrize(
    ("body", "form"),
    [
        ('{"type": "event_callback", "event": ', False),
        ('["not", "an", "object"]', False),
        ("payload=%7Bnot+json", True),
        ("payload=%5B1%2C2%5D", True),
    ],
    ids=["bad-json", "json-not-an-object", "bad-payload", "payload-not-an-object"],
)
async def test_a_correctly_signed_body_that_cannot_be_read_is_a_400(
    harness: Harness, caplog: pytest.LogCaptureFixture, body: str, form: bool
) -> None:
    with caplog.at_level(logging.INFO):
        response = await harness.post(body, form=form)

    assert response.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if "refused a Slack request" in r.getMessage()]) == 1


async def test_an_unsigned_body_that_cannot_be_read_is_a_401(harness: Harness) -> None:
    body = "payload=%7Bnot+json"
    response = await harness.post(body, headers=signed(body, secret="not-the-secret"))
    assert response.status == 401


async def test_a_replayed_slash_command_is_handled_once(harness: Harness) -> None:
    await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    body = slash_body(harness.fake, command="/touch", text="acme coffee", user="W222")
    headers = signed(body)

    statuses = [(await harness.post(body, headers=headers)).status for _ in range(3)]

    assert statuses == [200, 200, 200]
    await harness.settled()
    assert touches(harness) == ["coffee"]
    assert len(harness.replies()) == 2


async def test_a_replayed_button_press_is_handled_once(harness: Harness, clock: FixedClock) -> None:
    message = await deliver_daily_message(harness, clock)
    press = interaction_body(press_done(harness, message))
    headers = signed(press)

    for _ in range(3):
        assert (await harness.post(press, headers=headers)).status == 200

    await harness.settled()
    assert len(harness.fake.calls_to("chat.update")) == 1
    assert len(touches(harness)) == 2  # the touch that set it up, and Done once
