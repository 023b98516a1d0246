"""Publishing a person's Home tab: fast, never over a newer one, long lists a page at a time.

- The person's own parts (nudges, quiet relationships, dates, offers, settings) are read
  afresh at every publish; they are the person's own, small reads.
- A manager's team summary is the slow part: it is kept per person for a few minutes. When
  it is not at hand, the tab is published at once without it ("Putting this together…") and
  again as soon as it is ready, so the tab never waits for it.
- ``views.publish`` carries the ``hash`` of the view the person last had (from the event, the
  button, or the last publish), as Slack asks. If the tab changed meanwhile (another replica
  published), what was just built from the database is the newest and is published over it.
- Publishes for one person are serialized (one lock per person).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Reply
from bot.services.context import Actor
from bot.slack.errors import error_code, logged
from bot.slack.home import HomePart, home_view

log = logging.getLogger(__name__)

TEAM_SECONDS = 300.0  # how long a manager's team summary is kept
PEOPLE_KEPT = 2000  # people whose Home state this process keeps


@dataclass(frozen=True, slots=True)
class PartSpec:
    key: str
    heading: str
    command: str  # what the part shows, as a command (run again for "Show all")


PARTS = (
    PartSpec("nudges", "Open nudges", "nudges"),
    PartSpec("quiet", "Quiet relationships", "quiet"),
    PartSpec("coming", "Coming up", ""),  # the person's dates (not a command)
    PartSpec("offers", "Offers to pitch first", "offer list"),
    PartSpec("me", "My settings", "me"),
)
TEAM = PartSpec("team", "My team", "digest team")


@dataclass
class HomeState:
    offsets: dict[str, int] = field(default_factory=dict)
    team: Reply | None = None
    team_at: float = 0.0
    hash: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class HomeTab:
    """``run`` answers a command as the person; ``coming_up`` their dates; ``is_manager``
    whether they have a team (all three off the event loop)."""

    run: Callable[[Actor, str], Awaitable[Reply]]
    coming_up: Callable[[Actor], Awaitable[Reply]]
    is_manager: Callable[[Actor], Awaitable[bool]]
    team_seconds: float = TEAM_SECONDS
    _states: dict[int, HomeState] = field(default_factory=dict)
    _building: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    def state(self, person_id: int) -> HomeState:
        if person_id not in self._states and len(self._states) >= PEOPLE_KEPT:
            self._states.pop(next(iter(self._states)))
        return self._states.setdefault(person_id, HomeState())

    async def _own_parts(self, actor: Actor, state: HomeState) -> list[HomePart]:
        async def reply(spec: PartSpec) -> Reply:
            if spec.key == "coming":
                return await self.coming_up(actor)
            return await self.run(actor, spec.command)

        replies = await asyncio.gather(*(reply(spec) for spec in PARTS))
        return [
            HomePart(
                key=spec.key,
                heading=spec.heading,
                command=spec.command,
                reply=answer,
                offset=state.offsets.get(spec.key, 0),
            )
            for spec, answer in zip(PARTS, replies, strict=True)
        ]

    def _team_part(self, state: HomeState) -> HomePart:
        return HomePart(
            key=TEAM.key, heading=TEAM.heading, command=TEAM.command, reply=state.team, summary=True
        )

    def _team_is_fresh(self, state: HomeState) -> bool:
        return state.team is not None and time.monotonic() - state.team_at < self.team_seconds

    async def publish(
        self,
        client: AsyncWebClient,
        actor: Actor,
        *,
        seen_hash: str | None = None,
        page: tuple[str, int] | None = None,
    ) -> None:
        """Publish the tab now; a manager's team summary follows when it was not at hand."""
        state = self.state(actor.person.id)
        if page is not None:
            state.offsets[page[0]] = page[1]
        manager = await self.is_manager(actor)
        async with state.lock:
            if seen_hash:
                state.hash = seen_hash
            parts = await self._own_parts(actor, state)
            if manager:
                parts.insert(1, self._team_part(state))
            await self._publish(client, actor, state, parts)
        if manager and not self._team_is_fresh(state):
            await self._follow_with_team(client, actor, state, parts)

    async def _follow_with_team(
        self, client: AsyncWebClient, actor: Actor, state: HomeState, parts: list[HomePart]
    ) -> None:
        person_id = actor.person.id
        running = self._building.get(person_id)
        if running is not None and not running.done():
            await running  # another publish is already putting the team together
            return

        async def build() -> None:
            team = await self.run(actor, TEAM.command)
            async with state.lock:
                state.team, state.team_at = team, time.monotonic()
                with_team = [
                    replace(part, reply=team) if part.key == TEAM.key else part for part in parts
                ]
                await self._publish(client, actor, state, with_team)

        task = asyncio.get_running_loop().create_task(build())
        self._building[person_id] = task
        try:
            await task
        finally:
            self._building.pop(person_id, None)

    async def _publish(
        self, client: AsyncWebClient, actor: Actor, state: HomeState, parts: list[HomePart]
    ) -> None:
        view = home_view(parts)
        user = actor.person.platform_user_id
        async with logged("views.publish"):
            try:
                published = await client.views_publish(user_id=user, view=view, hash=state.hash)
            except SlackApiError as exc:
                if error_code(exc) != "hash_conflict":
                    raise
                # The tab changed since the hash we hold (another replica published): what
                # was just built from the database is the newest; publish it over that one.
                log.info("views.publish: the Home tab changed meanwhile; publishing again")
                published = await client.views_publish(user_id=user, view=view)
            state.hash = (published.get("view") or {}).get("hash") or None
