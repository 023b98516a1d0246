"""What the listeners share: who is asking (registered on first contact, time zone from
``users.info``), running commands off the event loop, and the Home tab."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import Container
from bot.commands import LogTouch, UserRef
from bot.replies import Reply, Verb
from bot.services.context import Actor
from bot.services.guess import guess_customer
from bot.services.identity import identify, known_actor
from bot.services.lookups import customer_of_nudge, is_manager
from bot.services.sent import sent_reply
from bot.services.upcoming import coming_up
from bot.slack import reach
from bot.slack.client import web_client
from bot.slack.errors import describe
from bot.slack.hometab import HomeTab
from bot.slack.installations import SqlInstallationStore
from bot.slack.pages import Source
from bot.slack.say import EphemeralCopies
from nudges.model import Platform

log = logging.getLogger(__name__)

T = TypeVar("T")
QUICK_THREADS = 2
FULL_REPLY_SECONDS = 300.0  # a "Show all" keeps its reply this long, for paging through it
FULL_REPLIES_KEPT = 500


def nudge_id(ref: str) -> int | None:
    """``nudge:42`` -> 42."""
    kind, _, number = ref.partition(":")
    return int(number) if kind == "nudge" and number.isdigit() else None


@dataclass
class SlackServices:
    container: Container
    installations: SqlInstallationStore | None = None
    home_delay: float = 1.0  # seconds a Home refresh waits to gather a burst of changes
    _home_pending: set[int] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    home_tab: HomeTab = field(init=False)
    _full: dict[tuple[int, str], tuple[float, Reply]] = field(default_factory=dict)
    ephemeral: EphemeralCopies = field(default_factory=EphemeralCopies)

    _quick_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(QUICK_THREADS, thread_name_prefix="slack-quick")
    )

    def __post_init__(self) -> None:
        self.home_tab = HomeTab(run=self.run, coming_up=self.coming_up, is_manager=self.is_manager)

    async def _quick(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """A short read (who is asking, a customer's name, a replay check) in threads of its
        own: it must not queue behind long commands (eight team digests take every thread
        of the default pool), or a form opened at once would be filled only after them."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._quick_pool, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._quick_pool.shutdown(wait=False)

    # ------------------------------------------------------------------ people

    def _known(self, team_id: str, user_id: str) -> bool:
        with self.container.deps.reader() as uow:
            workspace = uow.workspaces.find(platform=Platform.SLACK, external_id=team_id)
            if workspace is None:
                return False
            found = uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id=user_id)
            return found is not None

    async def user_info(self, client: AsyncWebClient, user_id: str) -> dict[str, Any]:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, describe(exc))
            return {}
        user = response.get("user")
        return user if isinstance(user, dict) else {}

    async def actor(
        self, client: AsyncWebClient, *, team_id: str, team_name: str, user_id: str
    ) -> Actor:
        """The person behind a request; a newcomer is registered with their Slack name and
        time zone."""
        found = await self._quick(
            known_actor,
            self.container.deps,
            platform=Platform.SLACK,
            team_id=team_id,
            user_id=user_id,
        )
        if found is not None:
            return found
        timezone: str | None = None
        name = ""
        if not await self._quick(self._known, team_id, user_id):
            user = await self.user_info(client, user_id)
            timezone = user.get("tz")
            profile = user.get("profile") or {}
            name = str(profile.get("real_name") or user.get("real_name") or user.get("name") or "")
        return await self._quick(
            self._identify,
            team_id=team_id,
            team_name=team_name,
            user_id=user_id,
            name=name,
            timezone=timezone,
        )

    def _identify(
        self, *, team_id: str, team_name: str, user_id: str, name: str, timezone: str | None
    ) -> Actor:
        # Two first requests at once are told apart by identify()'s own retry.
        return identify(
            self.container.deps,
            platform=Platform.SLACK,
            team_id=team_id,
            team_name=team_name or team_id,
            user_id=user_id,
            display_name=name,
            timezone=timezone,
        )

    async def user_changed(self, *, team_id: str, user: dict[str, Any]) -> None:
        """Keep a known person's time zone current (strangers are not registered); a deleted
        account is no longer sent anything, and its customers go to the manager's attention."""
        user_id = str(user.get("id") or "")
        if not user_id or not await asyncio.to_thread(self._known, team_id, user_id):
            return
        if user.get("deleted"):
            await reach.account_deleted(self.container.deps, team_id=team_id, user_id=user_id)
            return
        await asyncio.to_thread(
            identify,
            self.container.deps,
            platform=Platform.SLACK,
            team_id=team_id,
            team_name=team_id,
            user_id=user_id,
            display_name="",
            timezone=user.get("tz"),
        )

    async def workspace_gone(self, team_id: str) -> None:
        await reach.workspace_gone(self.container.deps, team_id)

    async def installed(self, installation: Installation) -> None:
        """The OAuth flow stored an installation: a workspace installing the app again has
        its people back (checked in the background; the install page is not kept waiting)."""
        team_id = installation.team_id
        if not team_id or not installation.bot_token:
            return  # an org-wide install: its workspaces' people come back as they write
        client = web_client(self.container.settings, session=None, token=installation.bot_token)
        task = asyncio.get_running_loop().create_task(
            reach.workspace_back(self.container.deps, client, team_id)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ use cases

    async def run(self, actor: Actor, text: str) -> Reply:
        return await asyncio.to_thread(self.container.commands.handle_text, actor, text)

    async def answer(
        self,
        actor: Actor,
        *,
        nudge: int,
        verb: Verb,
        until: date | None = None,
        reason: str | None = None,
        to: UserRef | None = None,
    ) -> tuple[Reply, str | None]:
        return await asyncio.to_thread(
            self.container.commands.answer,
            actor,
            nudge_id=nudge,
            verb=verb,
            until=until,
            reason=reason,
            to=to,
        )

    async def log_touch(self, actor: Actor, command: LogTouch, *, nudge: int | None) -> Reply:
        return await asyncio.to_thread(
            self.container.commands.log_touch, actor, command, nudge_id=nudge
        )

    async def customer_of(self, nudge: int) -> str | None:
        return await self._quick(customer_of_nudge, self.container.deps, nudge)

    def rituals(self) -> list[tuple[str, str]]:
        return [(r.name, r.label) for r in self.container.deps.policy.playbook]

    def _first_time(self, event_id: str) -> bool:
        with self.container.deps.uow() as uow:
            repo = uow.processed_events
            first = repo.first_time("slack", event_id, now=self.container.deps.clock.now())
            uow.commit()
        return first

    async def first_time(self, event_id: str) -> bool:
        return await self._quick(self._first_time, event_id)

    async def first_trigger(self, body: dict[str, Any]) -> bool:
        """False for a slash command or interaction seen before: a signed request replayed
        within Slack's five minutes carries the same ``trigger_id`` (each real click or
        command gets its own)."""
        trigger = body.get("trigger_id")
        if not trigger:
            return True
        first = await self.first_time(f"trigger:{trigger}")
        if not first:
            log.info("a replayed Slack request was ignored (trigger already handled)")
        return first

    async def full_reply(self, actor: Actor, source: Source) -> Reply:
        """The reply a "Show all" pages through: the command run again as the person, or
        the message sent to them; kept a few minutes so that paging does not redo it."""
        key = (actor.person.id, f"c:{source.command}" if source.command else f"d:{source.delivery}")
        now = time.monotonic()
        kept = self._full.get(key)
        if kept is not None and now - kept[0] < FULL_REPLY_SECONDS:
            return kept[1]
        if source.command is not None:
            reply = await self.run(actor, source.command)
        else:
            reply = await asyncio.to_thread(
                sent_reply, self.container.deps, actor, source.delivery or 0
            )
        if len(self._full) >= FULL_REPLIES_KEPT:
            self._full.clear()
        self._full[key] = (now, reply)
        return reply

    # ------------------------------------------------------------------ home

    async def is_manager(self, actor: Actor) -> bool:
        return await asyncio.to_thread(is_manager, self.container.deps, actor.person.id)

    async def guess_customer(self, actor: Actor, *, channel_name: str, text: str) -> str | None:
        return await asyncio.to_thread(
            guess_customer, self.container.deps, actor, channel_name=channel_name, text=text
        )

    async def coming_up(self, actor: Actor) -> Reply:
        return await asyncio.to_thread(coming_up, self.container.deps, actor)

    def refresh_home(self, client: AsyncWebClient, actor: Actor) -> None:
        """Publish the person's Home tab again soon, in the background: a burst of touches
        publishes it once, and the request that changed something is not kept waiting."""
        person_id = actor.person.id
        if person_id in self._home_pending:
            return
        self._home_pending.add(person_id)

        async def later() -> None:
            try:
                await asyncio.sleep(self.home_delay)
            finally:
                self._home_pending.discard(person_id)
            await self.publish_home(client, actor)

        task = asyncio.get_running_loop().create_task(later())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Wait for pending Home refreshes (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def publish_home(
        self,
        client: AsyncWebClient,
        actor: Actor,
        *,
        seen_hash: str | None = None,
        page: tuple[str, int] | None = None,
    ) -> None:
        await self.home_tab.publish(client, actor, seen_hash=seen_hash, page=page)
