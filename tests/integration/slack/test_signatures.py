"""bolt refuses requests that Slack did not sign, or signed too long ago."""

from __future__ import annotations

import json
import time

from tests.integration.slack.harness import Harness, payload, signed, slash_body


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
