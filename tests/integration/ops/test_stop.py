"""Stopping the scheduler: the jobs running are let finish, one that outlasts the grace period
is stopped quietly, and no job is ever cancelled into a logged ``CancelledError``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from bot.ops import lifecycle
from bot.scheduler import build_scheduler
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import Book

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def not_stopping() -> Iterator[None]:
    lifecycle.stopping.clear()
    yield
    lifecycle.stopping.clear()


async def start_with_a_job(book: Book, job: object) -> object:
    scheduler = build_scheduler(book.container, {PlatformName.CONSOLE: FakePlatform()})
    for existing in scheduler.get_jobs():
        existing.pause()  # only the job under test runs
    scheduler.add_job(
        job, "interval", hours=1, id="work", next_run_time=book.clock.now(), misfire_grace_time=None
    )
    book.container.jobs.track_all(scheduler)
    scheduler.start()
    return scheduler


async def test_a_running_job_finishes_before_the_scheduler_stops(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def work() -> None:
        started.set()
        await release.wait()
        finished.append(lifecycle.requested())  # it saw the stop, and still finished

    scheduler = await start_with_a_job(book, work)
    await asyncio.wait_for(started.wait(), 5)
    stop = asyncio.create_task(
        lifecycle.stop_scheduler(scheduler, book.container.jobs, book.deps, worker="w", grace=10)
    )
    await asyncio.sleep(0)
    assert not stop.done()  # waiting for the job
    release.set()
    await asyncio.wait_for(stop, 5)
    assert finished == [True]
    assert not scheduler.running  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_job_that_outlasts_the_grace_period_is_stopped_without_a_traceback(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()

    async def stuck() -> None:
        started.set()
        await asyncio.Event().wait()

    scheduler = await start_with_a_job(book, stuck)
    await asyncio.wait_for(started.wait(), 5)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await lifecycle.stop_scheduler(scheduler, book.container.jobs, book.deps, worker="w", grace=1.5)
    assert loop.time() - began < 2.5
    assert book.container.jobs.running == 0
    assert not scheduler.running  # type: ignore[attr-defined]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert "CancelledError" not in caplog.text
    assert "still running after the grace period" in caplog.text
