"""Pigeons as a chat platform (see the package's docstring)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web

from bot.bootstrap import Container
from bot.config import Settings
from bot.config.reader import Table
from bot.platforms import ChatPlatform, Serving
from bot.replies import Reply, render_text
from bot.services.identity import identify
from nudges.model import Person, Platform

PIGEON = Platform("pigeon")


@dataclass
class Loft:
    """Where sent pigeons land: each person's notes, as terminal text, by delivery."""

    notes: dict[str, list[str]] = field(default_factory=dict)
    _sent: dict[int, str] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        self.notes.setdefault(recipient.platform_user_id, []).append(render_text(reply))
        self._sent[delivery_id] = f"pigeon:{next(self._counter)}"
        return self._sent[delivery_id]

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return self._sent.get(delivery_id)


@dataclass(frozen=True)
class PigeonSettings:
    """``[pigeon]``: whether pigeons fly, and from which loft (the workspace)."""

    enabled: bool = False
    loft: str = "north"


def _settings(table: Table, env: Mapping[str, str]) -> PigeonSettings:
    read = PigeonSettings(
        enabled=table.boolean("enabled", False), loft=table.string("loft", "north")
    )
    table.finish()
    return read


def _enabled(settings: Settings) -> bool:
    found = settings.platforms.get(PIGEON)
    return isinstance(found, PigeonSettings) and found.enabled  # pigeons need no credentials


def _sender(container: Container) -> Loft:
    return Loft()


def _serve(app: web.Application, container: Container) -> Serving:
    async def note(request: web.Request) -> web.Response:
        body = await request.json()

        loft = container.settings.platforms[PIGEON].loft

        def answer() -> str:
            actor = identify(
                container.deps,
                platform=PIGEON,
                team_id=loft,
                team_name=loft.title(),
                user_id=body["from"],
                display_name=body["name"],
            )
            return render_text(container.commands.handle_text(actor, body["text"]))

        return web.Response(text=await asyncio.to_thread(answer))

    app.router.add_post("/pigeon", note)
    return Serving(sender=Loft())


PLATFORM = ChatPlatform(
    name=PIGEON, sender=_sender, enabled=_enabled, serve=_serve, settings=_settings
)
