"""The Entra app the bot runs as: JWT validation of incoming requests and tokens for outgoing
calls, both from ``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD`` and ``TEAMS_TENANT_ID``."""

from __future__ import annotations

import logging

from jwt import PyJWTError
from microsoft_agents.authentication.msal import MsalAuth, MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ClaimsIdentity,
    Connections,
    JwtTokenValidator,
)
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from bot.config import Settings
from bot.teams.connector import TokenSource

log = logging.getLogger(__name__)

SERVICE_CONNECTION = "SERVICE_CONNECTION"


class Unauthorized(Exception):
    """The request carries no valid token (and anonymous requests are not allowed)."""


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    secrets = settings.secrets
    return AgentAuthConfiguration(
        client_id=secrets.teams_app_id,
        tenant_id=secrets.teams_tenant_id,
        client_secret=secrets.teams_app_password,
        anonymous_allowed=settings.teams.allow_anonymous,
    )


def msal_connections(config: AgentAuthConfiguration) -> Connections:
    """The SDK's connection manager (client credentials through MSAL)."""
    return MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: config})


def token_source(settings: Settings) -> TokenSource:
    """Tokens for outgoing calls: the Entra app's when configured, none otherwise (local
    development against a tool that accepts anonymous calls)."""
    if settings.secrets.teams_configured:
        return MsalAuth(auth_configuration(settings))
    return AnonymousTokenProvider()


async def authorize(header: str | None, config: AgentAuthConfiguration) -> ClaimsIdentity:
    """The caller's claims from ``Authorization: Bearer <jwt>``, validated against the app's
    id (audience) and Microsoft's signing keys; anonymous claims only when allowed."""
    if not header:
        if config.ANONYMOUS_ALLOWED:
            return JwtTokenValidator(config).get_anonymous_claims()
        raise Unauthorized("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        raise Unauthorized("malformed Authorization header")
    try:
        return await JwtTokenValidator(config).validate_token(token)
    except (PyJWTError, ValueError) as exc:
        log.warning("Teams request refused: %s", type(exc).__name__)
        raise Unauthorized(type(exc).__name__) from exc
