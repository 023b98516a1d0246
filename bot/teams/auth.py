"""The Entra app the bot runs as: JWT validation of incoming requests and tokens for outgoing
calls, both from ``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD`` and ``TEAMS_TENANT_ID``.

- **Single-tenant** registration (``TEAMS_TENANT_ID`` set): tokens come from that tenant.
- **Multi-tenant** registration (no ``TEAMS_TENANT_ID``): tokens for the Bot Framework come
  from its own tenant, ``botframework.com``, as Microsoft documents for multi-tenant bots.
- **Local development** (``[teams] allow_anonymous = true`` and no credentials): requests
  without a token are accepted and outgoing calls carry none.
"""

from __future__ import annotations

import logging

from jwt import PyJWTError, get_unverified_header
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
#: The tenant that issues Bot Framework tokens to multi-tenant bots.
BOT_FRAMEWORK_TENANT = "botframework.com"


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


def outgoing_configuration(settings: Settings) -> AgentAuthConfiguration:
    """Client credentials for calls the bot makes, from the app's own tenant when it has one
    (single-tenant) and from the Bot Framework's otherwise (multi-tenant)."""
    secrets = settings.secrets
    return AgentAuthConfiguration(
        client_id=secrets.teams_app_id,
        tenant_id=secrets.teams_tenant_id or BOT_FRAMEWORK_TENANT,
        client_secret=secrets.teams_app_password,
        anonymous_allowed=settings.teams.allow_anonymous,
    )


def registration(settings: Settings) -> str:
    """Which registration the credentials describe, for the start-up log."""
    secrets = settings.secrets
    if not secrets.teams_configured:
        return "anonymous local development (no TEAMS_APP_ID / TEAMS_APP_PASSWORD)"
    if secrets.teams_tenant_id:
        return "single-tenant (TEAMS_TENANT_ID)"
    return f"multi-tenant (no TEAMS_TENANT_ID: tokens from {BOT_FRAMEWORK_TENANT})"


def msal_connections(settings: Settings) -> Connections:
    """The SDK's connection manager (client credentials through MSAL), for its replies."""
    return MsalConnectionManager(
        connections_configurations={SERVICE_CONNECTION: outgoing_configuration(settings)}
    )


def outgoing_tokens(settings: Settings) -> TokenSource:
    """Tokens for outgoing calls: the Entra app's when configured, none otherwise (local
    development against a tool that accepts anonymous calls)."""
    if settings.secrets.teams_configured:
        return MsalAuth(outgoing_configuration(settings))
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
        header_fields = get_unverified_header(token)
    except PyJWTError as exc:
        raise Unauthorized(type(exc).__name__) from exc
    if not isinstance(header_fields.get("kid"), str) or not header_fields["kid"]:
        # Microsoft signs with one of its published keys and names it: no kid, no key.
        raise Unauthorized("token without a key id (kid)")
    try:
        return await JwtTokenValidator(config).validate_token(token)
    except (PyJWTError, ValueError, KeyError, TypeError) as exc:
        log.warning("Teams request refused: %s", type(exc).__name__)
        raise Unauthorized(type(exc).__name__) from exc
