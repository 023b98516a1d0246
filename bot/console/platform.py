"""The console as a delivery platform: messages land in each person's terminal inbox."""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.replies import Reply, render_text
from nudges.model import Person


@dataclass
class ConsolePlatform:
    """Keeps what was sent, per person; ``on_message`` shows it at once (the console prints
    messages for the person at the keyboard, like a DM)."""

    on_message: Callable[[Person, Reply], None] | None = None
    inbox: dict[int, list[tuple[int, Reply]]] = field(default_factory=lambda: defaultdict(list))
    _refs: dict[int, str] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        ref = f"console:{next(self._counter)}"
        self.inbox[recipient.id].append((delivery_id, reply))
        self._refs[delivery_id] = ref
        if self.on_message is not None:
            self.on_message(recipient, reply)
        return ref

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return self._refs.get(delivery_id)

    def take(self, person_id: int) -> list[Reply]:
        """Messages for a person not yet shown, oldest first."""
        messages = [reply for _, reply in self.inbox.get(person_id, [])]
        self.inbox[person_id] = []
        return messages


def printing_console(out: TextIO | None = None) -> ConsolePlatform:
    """Console deliveries outside a console session: printed, like a DM in a log."""

    def show(person: Person, reply: Reply) -> None:
        stream = out or sys.stdout
        print(f"── to {person.display_name} (console)", file=stream)
        print(render_text(reply), file=stream, flush=True)

    return ConsolePlatform(on_message=show)
