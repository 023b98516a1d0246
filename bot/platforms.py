"""Which platforms this process can deliver to, from the credentials in the environment."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.bootstrap import Container
from bot.console.platform import ConsolePlatform
from bot.delivery.ports import Platform
from bot.replies import Reply, render_text
from nudges.model import Person
from nudges.model import Platform as PlatformName

log = logging.getLogger(__name__)


def printing_console(out: TextIO) -> ConsolePlatform:
    """Console deliveries outside a console session: printed, like a DM in a log."""

    def show(person: Person, reply: Reply) -> None:
        print(f"── to {person.display_name} (console)", file=out)
        print(render_text(reply), file=out, flush=True)

    return ConsolePlatform(on_message=show)


def build_platforms(
    container: Container, *, out: TextIO | None = None
) -> dict[PlatformName, Platform]:
    """Every platform this process can send through: the console always (printed when no
    console session runs), Slack and Teams when their credentials are in the environment (or
    Teams in anonymous local development)."""
    platforms: dict[PlatformName, Platform] = dict(container.platforms)
    platforms.setdefault(PlatformName.CONSOLE, printing_console(out or sys.stdout))
    secrets = container.settings.secrets
    if secrets.slack_configured and PlatformName.SLACK not in platforms:
        from bot.slack.platform import slack_platform

        platforms[PlatformName.SLACK] = slack_platform(container)
    teams = container.settings.teams
    local_teams = teams.enabled and teams.allow_anonymous  # local development: no token
    if (secrets.teams_configured or local_teams) and PlatformName.TEAMS not in platforms:
        from bot.teams.platform import teams_platform

        platforms[PlatformName.TEAMS] = teams_platform(container)
    return platforms
