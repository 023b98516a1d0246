"""The services every listener reaches through bolt's context."""

from __future__ import annotations

from slack_bolt.async_app import AsyncBoltContext

from bot.slack.services import SlackServices

SERVICES = "nudgebot"


def services_of(context: AsyncBoltContext) -> SlackServices:
    found = context[SERVICES]
    assert isinstance(found, SlackServices)
    return found
