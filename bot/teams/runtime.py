"""Teams on the shared aiohttp server: ``POST <[teams] path>`` (default ``/api/messages``).

Every request must carry a Bot Framework / Entra JWT issued for our app id (``TEAMS_APP_ID``);
anything else is answered 401 — unless ``[teams] allow_anonymous = true``, which is for local
development (the Microsoft 365 Agents Playground, the Bot Framework Emulator) and refused
unless the server listens on loopback. A body that is not an activity is answered 400 with
what is wrong; nothing a caller sends makes it 500. Everything is built from the container
when attached, never at import.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ClaimsIdentity,
    Connections,
    MemoryStorage,
    TurnState,
)
from microsoft_agents.hosting.core.app import ApplicationOptions
from microsoft_agents.hosting.core.http import HttpResponse

from bot.bootstrap import Container
from bot.config import ConfigError, Settings
from bot.teams.auth import (
    Unauthorized,
    auth_configuration,
    authorize,
    msal_connections,
    outgoing_tokens,
    registration,
)
from bot.teams.connector import BotConnector, TokenSource
from bot.teams.turns import Turns

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass
class TeamsRuntime:
    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    connector: BotConnector
    path: str

    async def stop(self) -> None:
        await self.connector.close()


class _Inbound:
    """The request as the SDK's adapter reads it: the activity already parsed and checked,
    the claims already validated."""

    def __init__(self, request: web.Request, claims: ClaimsIdentity, body: dict[str, Any]):
        self._request = request
        self._claims = claims
        self._body = body

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def headers(self) -> Mapping[str, str]:
        return self._request.headers

    async def json(self) -> dict[str, Any]:
        return self._body

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._claims

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


def is_loopback(host: str) -> bool:
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_settings(settings: Settings, *, host: str) -> None:
    """Refuse a Teams set-up that cannot work or is unsafe, naming what to change."""
    teams, secrets = settings.teams, settings.secrets
    if teams.allow_anonymous and not is_loopback(host):
        raise ConfigError(
            f"{settings.source}: [teams] allow_anonymous = true accepts Teams requests without "
            f"a token, for local development only, but the server listens on {host!r}, which "
            'other machines can reach. Set [server] host = "127.0.0.1", or set '
            "allow_anonymous = false and give TEAMS_APP_ID and TEAMS_APP_PASSWORD."
        )
    if not secrets.teams_configured and not teams.allow_anonymous:
        missing = [
            name
            for name, value in (
                ("TEAMS_APP_ID", secrets.teams_app_id),
                ("TEAMS_APP_PASSWORD", secrets.teams_app_password),
            )
            if not value
        ]
        raise ConfigError(
            f"{settings.source}: [teams] enabled = true, but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set in the environment: Teams would "
            "refuse every message. Set them (and TEAMS_TENANT_ID for a single-tenant bot), or, "
            "for local development on this machine, [teams] allow_anonymous = true."
        )


def build_agent(
    container: Container, connections: Connections
) -> tuple[AgentApplication[TurnState], CloudAdapter]:
    options = ApplicationOptions(
        storage=MemoryStorage(),  # turn state is unused: everything lives in our database
        start_typing_timer=False,
        remove_recipient_mention=False,  # command_text strips every <at> mention itself
    )
    agent = AgentApplication[TurnState](options, connection_manager=connections)
    adapter = CloudAdapter(connection_manager=connections)
    return agent, adapter


def attach_teams(
    app: web.Application,
    container: Container,
    *,
    connections: Connections | None = None,
    tokens: TokenSource | None = None,
    session: aiohttp.ClientSession | None = None,
    host: str | None = None,
) -> TeamsRuntime:
    """Mount the endpoint. ``connections`` (the SDK's replies) and ``tokens`` (our own calls:
    proactive messages, redrawn cards, the roster) default to the Entra app's credentials.
    ``host``: where the server listens, when known, to refuse anonymous access off loopback."""
    settings = container.settings
    if host is not None:
        check_settings(settings, host=host)
    config = auth_configuration(settings)
    agent, adapter = build_agent(container, connections or msal_connections(settings))
    connector = BotConnector(tokens or outgoing_tokens(settings), session=session)
    Turns(container, connector).register(agent)

    async def messages(request: web.Request) -> web.StreamResponse:
        try:
            claims = await authorize(request.headers.get("Authorization"), config)
        except Unauthorized:
            return web.json_response({"error": "Unauthorized"}, status=401)
        body, problem = await _activity(request)
        if problem is not None:
            log.info("Teams request refused (400): %s", problem)
            return web.json_response({"error": "BadRequest", "message": problem}, status=400)
        assert body is not None
        response = await adapter.process_request(_Inbound(request, claims, body), agent)
        return _to_aiohttp(response)

    path = settings.teams.path
    app.router.add_post(path, messages)
    log.info("Teams endpoint at %s: %s", path, registration(settings))
    if config.ANONYMOUS_ALLOWED:
        log.warning("Teams accepts requests without a token ([teams] allow_anonymous = true)")
    return TeamsRuntime(agent=agent, adapter=adapter, connector=connector, path=path)


async def _activity(request: web.Request) -> tuple[dict[str, Any] | None, str | None]:
    """The activity in the body, or what is wrong with it."""
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return None, "the body is not JSON"
    if not isinstance(body, dict):
        return None, "an activity is a JSON object"
    body = _without_nulls(body)
    try:
        activity = Activity.model_validate(body)
    except ValueError as exc:  # the SDK's model says which fields (a pydantic ValidationError)
        errors = exc.errors() if callable(getattr(exc, "errors", None)) else []  # type: ignore[attr-defined]
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in errors})
        return None, "invalid activity fields: " + (", ".join(fields[:5]) or str(exc)[:200])
    if not activity.type or activity.conversation is None or not activity.conversation.id:
        return None, "an activity needs a type and conversation.id"
    if not activity.service_url:
        return None, "an activity needs a serviceUrl"
    return body, None


def _without_nulls(value: Any) -> Any:
    """``null`` means "not given" in an activity (``"replyToId": null``)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _to_aiohttp(response: HttpResponse) -> web.Response:
    if response.body is not None:
        return web.json_response(
            response.body, status=response.status_code, headers=response.headers
        )
    return web.Response(
        status=response.status_code,
        headers=response.headers,
        content_type=response.content_type,
    )
