"""The console as a chat platform: always on, no credentials, served by the terminal itself
(``nudgebot console``), so nothing over HTTP. Outside a console session its messages are
printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms import ChatPlatform
from nudges.model import Platform

if TYPE_CHECKING:
    from bot.bootstrap import Container
    from bot.console.platform import ConsolePlatform


def _sender(container: Container) -> ConsolePlatform:
    from bot.console.platform import printing_console

    return printing_console()


PLATFORM = ChatPlatform(name=Platform.CONSOLE, sender=_sender)
