"""The terminal chat: the same commands as Slack and Teams, no credentials needed.

Lines are read from a terminal or a pipe. Console-only commands start with a colon:
``:as NAME`` (be someone else), ``:time ISO-8601`` (set the console clock), ``:tick`` (run one
scheduler cycle now and show what is delivered), ``:help``, ``:quit``.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from bot.bootstrap import Container
from bot.console.platform import ConsolePlatform
from bot.delivery.cycle import run_cycle
from bot.replies import Reply, render_text
from bot.services.context import Actor
from bot.services.identity import identify
from bot.services.lookups import people
from bot.services.wording import count
from nudges.model import Person, Platform

WORKSPACE = ("console", "Console")
CONSOLE_HELP = """\
Console commands:
  :as NAME          act as NAME (registered on first use; the first person is the admin)
  :time ISO-8601    set the console clock, e.g. :time 2026-12-01T09:00:00+01:00
  :time now         follow the real clock again
  :tick             run one scheduler cycle now: sweep, then deliver what is due
  :quit             leave (end of input works too)
Everything else is a bot command: type `help` for the list, `help touch` for one."""


class ConsoleClock:
    """The real clock until ``:time`` pins it."""

    def __init__(self, pinned: datetime | None = None) -> None:
        self.pinned = pinned

    def now(self) -> datetime:
        return self.pinned if self.pinned is not None else datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """ISO-8601 with an offset (or Z); a bare date or time without offset is refused."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not an ISO-8601 instant: expected e.g. 2026-12-01T09:00:00Z "
            "or 2026-12-01T09:00:00+01:00"
        ) from None
    if instant.tzinfo is None:
        raise ValueError(
            f"{text.strip()!r} has no time zone: add Z (UTC) or an offset such as +01:00"
        )
    return instant.astimezone(UTC)


@dataclass
class Console:
    container: Container
    clock: ConsoleClock
    out: TextIO = sys.stdout
    interactive: bool = False
    actor: Actor | None = None
    platform: ConsolePlatform = field(default_factory=ConsolePlatform)

    def __post_init__(self) -> None:
        self.platform.on_message = self._on_message
        self.container.platforms[Platform.CONSOLE] = self.platform

    # -- output ---------------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _on_message(self, person: Person, reply: Reply) -> None:
        if self.actor is not None and person.id == self.actor.person.id:
            self.platform.take(person.id)
            self._show_dm(reply)

    def _show_dm(self, reply: Reply) -> None:
        who = self.actor.person.display_name if self.actor else "?"
        self.say(f"── message from nudgebot to {who}")
        self.say(render_text(reply))
        self.say("──")

    # -- input ----------------------------------------------------------------------------
    def become(self, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            self.say("✗ Say who: :as NAME")
            return
        self.actor = identify(
            self.container.deps,
            platform=Platform.CONSOLE,
            team_id=WORKSPACE[0],
            team_name=WORKSPACE[1],
            user_id=re.sub(r"\s+", ".", name.casefold()),
            display_name=name,
        )
        role = " (admin)" if self.actor.person.is_admin else ""
        self.say(f"You are {self.actor.person.display_name}{role}.")
        for reply in self.platform.take(self.actor.person.id):
            self._show_dm(reply)

    def set_time(self, text: str) -> None:
        if text.strip().lower() == "now":
            self.clock.pinned = None
            self.say("The clock follows real time again.")
            return
        try:
            self.clock.pinned = parse_instant(text)
        except ValueError as exc:
            self.say(f"✗ {exc}")
            return
        self.say(f"The time is now {self.clock.pinned.isoformat()}.")

    def tick(self) -> None:
        now = self.clock.now()
        report = asyncio.run(run_cycle(self.container, now=now, worker="console"))
        sent = len(report.drain.sent)
        self.say(
            f"Tick at {now.isoformat()}: {report.sweep.customers} customers decided, "
            f"{count(sent, 'message')} delivered."
        )
        others: dict[int, int] = {}
        for _, recipient_id, _ in report.drain.sent:
            if self.actor is None or recipient_id != self.actor.person.id:
                others[recipient_id] = others.get(recipient_id, 0) + 1
        known = people(self.container.deps, set(others)) if others else {}
        for person_id, sent_to in sorted(others.items()):
            person = known.get(person_id)
            if person is not None:
                self.say(
                    f"  {count(sent_to, 'message')} for {person.display_name} "
                    f"(:as {person.display_name} to read it)"
                )

    def handle(self, line: str) -> bool:
        """Handle one line; False means quit."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(":"):
            head, _, rest = text[1:].partition(" ")
            command = head.lower()
            if command in ("quit", "exit", "q"):
                return False
            if command == "as":
                self.become(rest)
            elif command == "time":
                self.set_time(rest)
            elif command == "tick":
                self.tick()
            elif command == "help":
                self.say(CONSOLE_HELP)
            else:
                self.say(f"✗ Unknown console command :{head}.\n{CONSOLE_HELP}")
            return True
        if self.actor is None:
            self.say("✗ Who are you? Start with :as NAME (for example :as Maria).")
            return True
        reply = self.container.commands.handle_text(self.actor, text)
        self.say(render_text(reply))
        self._refresh_actor()
        return True

    def _refresh_actor(self) -> None:
        if self.actor is None:
            return
        person = people(self.container.deps, {self.actor.person.id}).get(self.actor.person.id)
        if person is not None:
            self.actor = Actor(self.actor.workspace, person)

    def loop(self, lines: Iterable[str]) -> None:
        if self.interactive:
            self.say("nudgebot console. Type help for commands, :help for console commands.")
        for line in lines:
            if not self.handle(line):
                break


def prompt_lines(console: Console, stream: TextIO) -> Iterable[str]:
    while True:
        if console.interactive:
            who = console.actor.person.display_name if console.actor else "?"
            print(f"{who}> ", end="", file=console.out, flush=True)
        line = stream.readline()
        if not line:
            return
        yield line
