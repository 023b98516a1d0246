"""The bolt AsyncApp, built from the container (never at import): one workspace with
``SLACK_BOT_TOKEN``, or many through the OAuth install flow with our installation store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from bot.bootstrap import Container
from bot.slack.client import web_client
from bot.slack.installations import SqlOAuthStateStore
from bot.slack.listeners import register_listeners
from bot.slack.platform import installed_tokens
from bot.slack.services import SlackServices
from bot.slack.tokens import TokenAuthorize, TokenSource

#: Bot scopes, each used by a call: commands (/touch, /nudge), chat:write (the DM, updates),
#: im:write (conversations.open), im:history (finding a sent delivery, reading a message back),
#: users:read (users.info and the user_change event: names and time zones).
SCOPES = ("commands", "chat:write", "im:write", "im:history", "users:read")


@dataclass
class BuiltApp:
    app: AsyncApp
    services: SlackServices
    tokens: TokenSource | None  # None: one workspace, the app's own token


def authorization_url(api_url: str) -> str:
    """Where installers are sent: the same host as the Web API (slack.com, GovSlack...)."""
    base = api_url.rstrip("/")
    base = base[: -len("/api")] if base.endswith("/api") else base
    return base + "/oauth/v2/authorize"


def build_app(
    container: Container, *, session: aiohttp.ClientSession | None, socket_mode: bool = False
) -> BuiltApp:
    settings = container.settings
    secrets = settings.secrets
    signing_secret = secrets.slack_signing_secret or ""
    if not signing_secret and not socket_mode:
        raise RuntimeError("Slack's HTTP mode needs SLACK_SIGNING_SECRET")
    verification = not socket_mode  # Socket Mode requests come over the authenticated socket
    if secrets.slack_client_id and secrets.slack_client_secret:
        tokens = installed_tokens(container, session=session)  # the sender's too
        client, store = tokens.client, tokens.store
        oauth = AsyncOAuthSettings(
            client_id=secrets.slack_client_id,
            client_secret=secrets.slack_client_secret,
            scopes=list(SCOPES),
            user_scopes=[],
            installation_store=store,
            installation_store_bot_only=True,
            state_store=SqlOAuthStateStore(container.deps),
            authorization_url=authorization_url(settings.slack.api_url),
        )
        app = AsyncApp(
            signing_secret=signing_secret,
            client=client,
            installation_store=store,
            installation_store_bot_only=True,
            authorize=cast(Callable[..., Awaitable[AuthorizeResult]], TokenAuthorize(tokens)),
            oauth_settings=oauth,
            request_verification_enabled=verification,
        )
        services = SlackServices(container, installations=store)
        store.on_installed = services.installed
        register_listeners(app, services)
        return BuiltApp(app=app, services=services, tokens=tokens)
    if not secrets.slack_bot_token:
        raise RuntimeError(
            "Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
        )
    client = web_client(settings, session=session, token=secrets.slack_bot_token)
    app = AsyncApp(
        signing_secret=signing_secret,
        client=client,
        request_verification_enabled=verification,
    )
    services = SlackServices(container)
    register_listeners(app, services)
    return BuiltApp(app=app, services=services, tokens=None)
