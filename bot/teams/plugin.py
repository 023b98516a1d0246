"""Microsoft Teams as a chat platform: on with ``[teams] enabled = true`` or when
``TEAMS_APP_ID`` and ``TEAMS_APP_PASSWORD`` are in the environment; it serves ``[teams] path``
(``/api/messages``) on the bot's HTTP server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms import ChatPlatform, Serving
from nudges.model import Platform

if TYPE_CHECKING:
    from aiohttp import web

    from bot.bootstrap import Container
    from bot.config import Settings
    from bot.delivery.ports import Platform as Sender


def _enabled(settings: Settings) -> bool:
    return settings.teams.enabled or settings.secrets.teams_configured


def _sender(container: Container) -> Sender | None:
    teams = container.settings.teams
    local = teams.enabled and teams.allow_anonymous  # local development: no token
    if not (container.settings.secrets.teams_configured or local):
        return None
    from bot.teams.platform import teams_platform

    return teams_platform(container)


def _serve(app: web.Application, container: Container) -> Serving:
    from bot.teams.platform import TeamsPlatform
    from bot.teams.runtime import attach_teams

    runtime = attach_teams(app, container, host=container.settings.server.host)
    return Serving(sender=TeamsPlatform(container.deps, runtime.connector), stop=runtime.stop)


PLATFORM = ChatPlatform(name=Platform.TEAMS, sender=_sender, enabled=_enabled, serve=_serve)
