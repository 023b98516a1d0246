"""A graceful stop (SIGTERM, or leaving the console).

1. :data:`stopping` is set: the outbox claims no new batch and hands back the unsent rest of
   the one it holds as soon as the send in flight returns; the sweep stops between batches
   (what it did not decide yet stays due for the next sweep, here or on another replica);
   ``/readyz`` answers 503 so a load balancer sends nothing new.
2. The scheduler starts no new beat; the jobs running finish, for up to the grace period.
3. A job still running then is cancelled quietly, and every delivery this process still holds
   is handed back for another worker to take at once, its attempt counted: the next worker
   asks the platform whether that send got through before sending again.
4. The scheduler is shut down (no job left to cancel: no ``CancelledError`` traceback).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.services.context import Deps

log = logging.getLogger(__name__)

#: At most this much of the grace period is kept for what comes after the jobs.
RESERVE_SECONDS = 3.0

#: Set once the process is stopping; long loops check it between units of work.
stopping = threading.Event()


def requested() -> bool:
    """True once a stop was asked for: claim nothing new, start no new batch."""
    return stopping.is_set()


async def not_stopping() -> str | None:
    """A readiness check: a stopping process takes no new work."""
    return "stopping" if stopping.is_set() else None


@dataclass
class RunningJobs:
    """The scheduler's jobs running right now, so a stop can wait for them."""

    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def track(self, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        if getattr(job, "tracked_by", None) is self:
            return job

        @functools.wraps(job)
        async def tracked() -> None:
            task = asyncio.current_task()
            if task is not None:
                self.tasks.add(task)
            try:
                await job()
            except asyncio.CancelledError:
                # Only a stop cancels a job (after its grace period): nothing to report, the
                # work left is handed back or stays due. Returning ends the task all the same.
                log.info("job %s stopped before it finished", job.__name__)
            finally:
                if task is not None:
                    self.tasks.discard(task)

        tracked.tracked_by = self  # type: ignore[attr-defined]
        return tracked

    def track_all(self, scheduler: Any) -> None:
        """Track every job of an APScheduler scheduler (call it after adding them)."""
        for job in scheduler.get_jobs():
            job.modify(func=self.track(job.func))

    async def wait(self, seconds: float) -> bool:
        """Wait for the running jobs, at most ``seconds``; True if none is left."""
        running = {t for t in self.tasks if not t.done()}
        if running and seconds > 0:
            await asyncio.wait(running, timeout=seconds)
        return not any(not t.done() for t in self.tasks)

    @property
    def running(self) -> int:
        return sum(1 for t in self.tasks if not t.done())

    def cancel(self) -> int:
        running = [t for t in self.tasks if not t.done()]
        for task in running:
            task.cancel()
        return len(running)


def hand_back(deps: Deps, *, worker: str) -> int:
    """Every delivery ``worker`` still holds goes back to pending, due now, its attempt kept."""
    with deps.uow() as uow:
        handed = uow.deliveries.hand_back(worker=worker, now=deps.clock.now())
        uow.commit()
    return handed


async def stop_scheduler(
    scheduler: Any, jobs: RunningJobs, deps: Deps, *, worker: str, grace: float
) -> None:
    """Steps 1-4 above. Returns within about ``grace`` seconds (a sweep batch already running
    in a thread finishes its transaction first: it is never cut in the middle)."""
    stopping.set()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    if scheduler.running:
        scheduler.pause()
    if jobs.tasks:
        log.info("stopping: waiting up to %.0f s for the running jobs", grace)
    # What is left after the jobs (handing back, closing connections, the interpreter's own
    # exit) gets a share of the grace period, so the process is gone before it runs out.
    reserve = min(RESERVE_SECONDS, grace / 3)
    finished = await jobs.wait(max(deadline - loop.time() - reserve, 0.0))
    if not finished:
        log.warning("stopping: %s job(s) still running after the grace period", jobs.cancel())
        await jobs.wait(max(deadline - loop.time(), 0.1))
    handed = await asyncio.to_thread(hand_back, deps, worker=worker)
    if handed:
        log.info("stopping: %s deliveries handed back for another worker", handed)
    if scheduler.running:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
