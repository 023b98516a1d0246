"""Chat platforms as plug-ins.

A chat platform is one package under ``bot/`` with a ``plugin`` module that declares
``PLATFORM = ChatPlatform(...)``: its name, whether the settings turn it on, how it sends a
message to a person outside a chat server, and what it serves over HTTP. ``PLATFORM_PACKAGES``
is the one place that lists them; the composition root (:mod:`bot.bootstrap`) does the rest.
A plug-in module imports nothing heavy at import time: its factories import their SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.delivery.ports import Platform
from nudges.model import Platform as PlatformName

if TYPE_CHECKING:
    from aiohttp import web

    from bot.bootstrap import Container
    from bot.config import Settings
    from bot.config.reader import Table

#: The chat platforms this bot ships with, by package.
PLATFORM_PACKAGES: tuple[str, ...] = ("bot.slack", "bot.teams", "bot.console")

Step = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class Serving:
    """A platform taking chat traffic in this process. ``sender`` sends the scheduler's
    messages through the same connections and tokens; ``start`` runs once the HTTP server
    listens (a connection the platform opens itself); ``stop`` is part of a graceful stop."""

    sender: Platform
    stop: Step = _nothing
    start: Step = _nothing


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class ChatPlatform:
    """What the composition root needs to know of a chat platform.

    - ``name``: how workspaces and deliveries on it are stored (``Platform("name")``).
    - ``sender``: a sender for the scheduler's messages when the platform is not served
      (``nudgebot tick``, the console), or None when its credentials are missing.
    - ``enabled``: whether the settings (its config section, its credentials in the
      environment) turn it on; a platform turned on with a ``serve`` makes ``nudgebot run``
      start the HTTP server.
    - ``serve``: mounts its endpoints on the server's aiohttp app (people are identified by
      its adapter, through ``bot.services.identity.identify``); None for a platform that
      takes no traffic over HTTP.
    - ``settings``: reads its own ``[<name>]`` config section (and the environment, for its
      credentials) into the value found at ``Settings.platforms[name]``; None when it has
      none of its own.
    """

    name: PlatformName
    sender: Callable[[Container], Platform | None]
    enabled: Callable[[Settings], bool] = _always
    serve: Callable[[web.Application, Container], Serving] | None = None
    settings: Callable[[Table, Mapping[str, str]], object] | None = None


def load(packages: Iterable[str] = PLATFORM_PACKAGES) -> list[ChatPlatform]:
    """The platforms declared by ``packages`` (their ``plugin`` module), in that order."""
    found: list[ChatPlatform] = []
    for package in packages:
        module = importlib.import_module(f"{package}.plugin")
        platform = getattr(module, "PLATFORM", None)
        if not isinstance(platform, ChatPlatform):
            raise TypeError(f"{package}.plugin declares no PLATFORM = ChatPlatform(...)")
        found.append(platform)
    return found


def names(packages: Iterable[str] = PLATFORM_PACKAGES) -> list[PlatformName]:
    return [platform.name for platform in load(packages)]


def one_of(packages: Iterable[str] = PLATFORM_PACKAGES) -> str:
    """The platforms' names for a message: ``slack, teams or console``."""
    found = [str(name) for name in names(packages)]
    return ", ".join(found[:-1]) + " or " + found[-1] if len(found) > 1 else "".join(found)
