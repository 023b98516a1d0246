"""Pigeons as a chat platform (see the package's docstring)."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from aiohttp import web

from bot.bootstrap import Container
from bot.config import Settings
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


def _enabled(settings: Settings) -> bool:
    return True  # pigeons need no credentials


def _sender(container: Container) -> Loft:
    return Loft()


def _serve(app: web.Application, container: Container) -> Serving:
    async def note(request: web.Request) -> web.Response:
        body = await request.json()

        def answer() -> str:
            actor = identify(
                container.deps,
                platform=PIGEON,
                team_id=body["loft"],
                team_name=body["loft"].title(),
                user_id=body["from"],
                display_name=body["name"],
            )
            return render_text(container.commands.handle_text(actor, body["text"]))

        return web.Response(text=await asyncio.to_thread(answer))

    app.router.add_post("/pigeon", note)
    return Serving(sender=Loft())


PLATFORM = ChatPlatform(name=PIGEON, sender=_sender, enabled=_enabled, serve=_serve)
