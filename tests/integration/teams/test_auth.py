"""Who may post to ``/api/messages``: a JWT issued for our app id, or nobody; anonymous
requests only when ``[teams] allow_anonymous = true``. Microsoft's signing keys are replaced
by a local key pair, so no test reaches the network."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.hosting.core import JwtTokenValidator

from tests.integration.teams.support import (
    APP_ID,
    activity,
    endpoint,
    make_container,
    post,
    replies,
    teams_settings,
)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
KID = "test-key"


class LocalKeys:
    """Stands in for the SDK's JWKS client: the public half of a key made here."""

    def __init__(self, private: rsa.RSAPrivateKey) -> None:
        data = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.key = PyJWK({**data, "kid": KID, "alg": "RS256", "use": "sig"})
        self.asked: list[str] = []

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        self.asked.append(jwks_uri)
        return self.key


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, private_key: rsa.RSAPrivateKey) -> LocalKeys:
    local = LocalKeys(private_key)
    monkeypatch.setattr(JwtTokenValidator, "_jwk_client_manager", local)
    return local


def token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": BOT_FRAMEWORK_ISSUER,
        "aud": APP_ID,
        "nbf": now - 60,
        "exp": now + 600,
        "serviceurl": "https://smba.trafficmanager.net/amer/",
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID})


def hello() -> dict[str, Any]:
    return activity("message_personal.json", text="help", deliveryMode="expectReplies")


def secured(database: str) -> Any:
    return teams_settings(
        database, anonymous=False, teams_app_id=APP_ID, teams_app_password="test-password"
    )


async def test_without_a_token_and_without_the_anonymous_setting_the_answer_is_401(
    database: str,
) -> None:
    container = make_container(secured(database))
    async with endpoint(container) as (client, _):
        status, body = await post(client, hello())
    assert status == 401
    assert "activities" not in (body or {})
    with container.deps.uow() as uow:
        assert uow.people.in_workspace(1) == []  # nobody was registered
    container.close()


async def test_anonymous_requests_pass_only_when_allowed(database: str) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    async with endpoint(container) as (client, _):
        status, body = await post(client, hello())
    assert status == 200
    assert replies(body)
    container.close()


async def test_a_token_for_our_app_is_accepted(
    database: str, keys: LocalKeys, private_key: rsa.RSAPrivateKey
) -> None:
    container = make_container(secured(database))
    async with endpoint(container) as (client, _):
        status, body = await post(client, hello(), token=token(private_key))
    assert status == 200, body
    assert replies(body)
    assert keys.asked == ["https://login.botframework.com/v1/.well-known/keys"]
    container.close()


@pytest.mark.parametrize(
    "problem",
    ["another audience", "expired", "foreign key", "garbage", "basic auth"],
)
async def test_bad_tokens_are_refused(
    database: str, keys: LocalKeys, private_key: rsa.RSAPrivateKey, problem: str
) -> None:
    container = make_container(secured(database))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = {
        "another audience": token(private_key, aud="11111111-1111-1111-1111-111111111111"),
        "expired": token(private_key, exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
        "foreign key": token(stranger),
        "garbage": "not.a.jwt",
    }
    async with endpoint(container) as (client, _):
        if problem == "basic auth":
            async with client.post(
                "/api/messages", json=hello(), headers={"Authorization": "Basic dXNlcjpwdw=="}
            ) as response:
                status = response.status
        else:
            status, _ = await post(client, hello(), token=headers[problem])
    assert status == 401
    container.close()


async def test_a_token_without_a_key_id_is_refused(
    database: str, keys: LocalKeys, private_key: rsa.RSAPrivateKey
) -> None:
    container = make_container(secured(database))
    now = int(time.time())
    claims = {"iss": BOT_FRAMEWORK_ISSUER, "aud": APP_ID, "nbf": now - 60, "exp": now + 600}
    no_kid = jwt.encode(claims, private_key, algorithm="RS256")
    async with endpoint(container) as (client, _):
        status, _ = await post(client, hello(), token=no_kid)
    assert status == 401
    container.close()


async def raw_post(client: Any, data: bytes) -> tuple[int, Any]:
    async with client.post(
        "/api/messages", data=data, headers={"Content-Type": "application/json"}
    ) as response:
        body = await response.text()
        return response.status, json.loads(body) if body else None


@pytest.mark.parametrize(
    ("problem", "body"),
    [
        ("not JSON", b"{not json"),
        ("not an object", b"[1, 2, 3]"),
        ("no conversation", json.dumps({**hello(), "conversation": None}).encode()),
        ("no type", json.dumps({k: v for k, v in hello().items() if k != "type"}).encode()),
        ("a wrong type", json.dumps({**hello(), "conversation": "a:1"}).encode()),
        ("no service URL", json.dumps({**hello(), "serviceUrl": None}).encode()),
        ("bad UTF-8", b'{"type": "message", "text": "\xff\xfe"}'),
    ],
)
async def test_a_body_that_is_not_an_activity_is_a_400_never_a_500(
    database: str, problem: str, body: bytes
) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    async with endpoint(container) as (client, _):
        status, answer = await raw_post(client, body)
    assert status == 400, (problem, answer)
    assert answer["error"] == "BadRequest" and answer["message"]
    container.close()


async def test_null_fields_mean_absent_fields(database: str) -> None:
    container = make_container(teams_settings(database, anonymous=True))
    async with endpoint(container) as (client, _):
        status, body = await post(client, {**hello(), "replyToId": None, "value": None})
    assert status == 200, body
    assert replies(body)
    container.close()
