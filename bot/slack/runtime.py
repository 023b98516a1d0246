"""Serving Slack: ``POST /slack/events`` (events, slash commands, interactivity) and the OAuth
install flow on the bot's aiohttp server, or Socket Mode for one workspace behind a firewall."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.bootstrap import Container
from bot.config import SlackMode
from bot.slack.app import BuiltApp, build_app
from bot.slack.connection import OneLineLogger, SocketModeState, watch
from bot.slack.guard import log_refusal, refusal
from bot.slack.platform import SlackPlatform, slack_platform
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
PING_SECONDS = 10.0  # Socket Mode's ping, and its pause between connection attempts


def _shared_session() -> aiohttp.ClientSession | None:
    """One session for every Web API call of this process (else one per call)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return aiohttp.ClientSession()


@dataclass
class SlackRuntime:
    built: BuiltApp
    session: aiohttp.ClientSession | None
    #: The scheduler's sends go through the same session and token source.
    sender: SlackPlatform
    signing_secret: str = ""

    @property
    def app(self) -> AsyncApp:
        return self.built.app

    async def events(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.signing_secret:
            found = refusal(
                self.signing_secret,
                headers=request.headers,
                body=body,
                content_type=request.content_type,
            )
            if found is not None:
                log_refusal(found)
                return web.Response(status=found.status, text="")
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def install(self, request: web.Request) -> web.Response:
        flow = self.app.oauth_flow
        if flow is None:  # pragma: no cover - the route exists only with OAuth
            return web.Response(status=404)
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(self, request: web.Request) -> web.Response:
        flow = self.app.oauth_flow
        if flow is None:  # pragma: no cover - the route exists only with OAuth
            return web.Response(status=404)
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    async def stop(self) -> None:
        await self.built.services.settled()
        self.built.services.close()
        if self.session is not None and not self.session.closed:
            await self.session.close()


def attach_slack(app: web.Application, container: Container) -> SlackRuntime:
    """Slack's HTTP endpoints on ``app`` (in Socket Mode, nothing is served: only the
    platform for proactive sends is prepared)."""
    session = _shared_session()
    socket_mode = container.settings.slack.mode is SlackMode.SOCKET
    built = build_app(container, session=session, socket_mode=socket_mode)
    runtime = SlackRuntime(
        built=built,
        session=session,
        sender=slack_platform(container, session=session, tokens=built.tokens),
        signing_secret=container.settings.secrets.slack_signing_secret or "",
    )
    if not socket_mode:
        app.router.add_post(EVENTS_PATH, runtime.events)
        flow = built.app.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, runtime.install)
            app.router.add_get(flow.redirect_uri_path, runtime.oauth_redirect)
    return runtime


@dataclass
class SocketModeClient:
    handler: AsyncSocketModeHandler
    session: aiohttp.ClientSession | None  # None: the app's, closed by its runtime
    state: SocketModeState
    services: SlackServices | None  # None: the app's, closed by its runtime
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def readiness(self) -> str | None:
        """The readiness check (``/readyz``): None while connected, else since when and why
        not ("down for 40s: invalid_auth")."""
        return None if self.state.connected else self.state.describe()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.handler.close_async()  # type: ignore[no-untyped-call]
        if self.services is not None:
            await self.services.settled()
            self.services.close()
        if self.session is not None and not self.session.closed:
            await self.session.close()


async def start_socket_mode(
    container: Container, *, built: BuiltApp | None = None, ping_interval: float = PING_SECONDS
) -> SocketModeClient:
    """Connect to Slack over Socket Mode with ``SLACK_APP_TOKEN``, in the background: the bot
    (its scheduler, its deliveries) runs while the connection is being made or re-made, and
    ``SocketModeClient.state`` says whether it is up. ``built``: the app already built for
    this process (else one is built, with its own session)."""
    app_token = container.settings.secrets.slack_app_token
    if not app_token:
        raise RuntimeError("Socket Mode needs SLACK_APP_TOKEN (xapp-…)")
    owned = built is None
    session = aiohttp.ClientSession() if built is None else None
    if built is None:
        built = build_app(container, session=session, socket_mode=True)
    state = SocketModeState()
    handler = AsyncSocketModeHandler(
        built.app,
        app_token,
        logger=cast(logging.Logger, OneLineLogger(log, state)),
        ping_interval=ping_interval,
    )
    loop = asyncio.get_running_loop()
    tasks = [
        loop.create_task(handler.connect_async()),  # type: ignore[no-untyped-call]
        loop.create_task(watch(handler.client.is_connected, state)),
    ]
    return SocketModeClient(
        handler=handler,
        session=session,
        state=state,
        services=built.services if owned else None,
        tasks=tasks,
    )


@dataclass
class SlackServing:
    """Slack in ``nudgebot run``: its HTTP endpoints, or its Socket Mode connection (with
    ``SLACK_APP_TOKEN``) over the same app, and the sender both share."""

    container: Container
    runtime: SlackRuntime
    socket: SocketModeClient | None = None

    async def start(self) -> None:
        settings = self.container.settings
        if settings.slack.mode is SlackMode.SOCKET and settings.secrets.slack_app_token:
            self.socket = await start_socket_mode(self.container, built=self.runtime.built)
            self.container.readiness.add("slack_socket", self.socket.readiness)

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.runtime.stop()
