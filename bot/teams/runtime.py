"""Teams on the shared aiohttp server: ``POST <[teams] path>`` (default ``/api/messages``).

Every request must carry a Bot Framework / Entra JWT issued for our app id (``TEAMS_APP_ID``);
requests without one are answered 401 unless ``[teams] allow_anonymous = true`` (local
development only). Everything is built from the container when attached, never at import.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
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
from bot.teams.auth import Unauthorized, auth_configuration, authorize, msal_connections
from bot.teams.auth import token_source as default_token_source
from bot.teams.connector import BotConnector, TokenSource
from bot.teams.turns import Turns

log = logging.getLogger(__name__)


@dataclass
class TeamsRuntime:
    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    connector: BotConnector
    path: str

    async def stop(self) -> None:
        await self.connector.close()


class _Inbound:
    """An aiohttp request as the SDK's adapter reads it, with the claims we validated."""

    def __init__(self, request: web.Request, claims: ClaimsIdentity) -> None:
        self._request = request
        self._claims = claims

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def headers(self) -> Mapping[str, str]:
        return self._request.headers

    async def json(self) -> dict[str, Any]:
        body = await self._request.json()
        if not isinstance(body, dict):
            raise ValueError("an activity is a JSON object")
        return body

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._claims

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


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
) -> TeamsRuntime:
    """Register the messaging endpoint. ``connections`` (the SDK's outgoing-auth connection
    manager) and ``tokens`` (for redrawing cards) default to the Entra app's credentials."""
    settings = container.settings
    config = auth_configuration(settings)
    if not settings.secrets.teams_app_id and not settings.teams.allow_anonymous:
        log.warning("TEAMS_APP_ID is not set: every Teams request will be refused")
    agent, adapter = build_agent(container, connections or msal_connections(config))
    connector = BotConnector(tokens or default_token_source(settings), session=session)
    Turns(container, connector).register(agent)

    async def messages(request: web.Request) -> web.StreamResponse:
        try:
            claims = await authorize(request.headers.get("Authorization"), config)
        except Unauthorized:
            return web.json_response({"error": "Unauthorized"}, status=401)
        response = await adapter.process_request(_Inbound(request, claims), agent)
        return _to_aiohttp(response)

    path = settings.teams.path
    app.router.add_post(path, messages)
    log.info("Teams endpoint at %s (anonymous allowed: %s)", path, config.ANONYMOUS_ALLOWED)
    return TeamsRuntime(agent=agent, adapter=adapter, connector=connector, path=path)


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
