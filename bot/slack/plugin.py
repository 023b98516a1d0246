"""Slack as a chat platform: on when ``SLACK_BOT_TOKEN`` (one workspace) or the OAuth app's
``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` are in the environment; ``[slack]`` in the
config chooses Socket Mode or HTTP (``/slack/events`` and the install flow)."""

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
    return settings.secrets.slack_configured


def _sender(container: Container) -> Sender | None:
    if not _enabled(container.settings):
        return None
    from bot.slack.platform import slack_platform

    return slack_platform(container)


def _serve(app: web.Application, container: Container) -> Serving:
    from bot.slack.runtime import SlackServing, attach_slack

    serving = SlackServing(container, attach_slack(app, container))
    return Serving(sender=serving.runtime.sender, start=serving.start, stop=serving.stop)


PLATFORM = ChatPlatform(name=Platform.SLACK, sender=_sender, enabled=_enabled, serve=_serve)
