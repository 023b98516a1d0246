"""The heartbeat: fixed job ids, coalesced, one instance at a time; each job calls one service.
Asserted on the job objects and by calling the jobs with a fixed clock — never by waiting."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import build_scheduler
from nudges.model import DeliveryKind, DeliveryState, NudgeState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

SLOT = START + timedelta(hours=1)


async def test_jobs_have_fixed_ids_coalesce_and_never_overlap(book: Book) -> None:
    settings = book.container.settings.scheduler
    scheduler = build_scheduler(book.container, {PlatformName.CONSOLE: FakePlatform()})
    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {"sweep", "digests", "outbox", "housekeeping"}
    for job in jobs.values():
        assert job.coalesce is True  # missed beats run once, not once each
        assert job.max_instances == 1  # a slow run is never overlapped by the next beat
        assert job.misfire_grace_time is None  # a late beat runs (once), it is not skipped
        assert isinstance(job.trigger, IntervalTrigger)
    assert jobs["sweep"].trigger.interval == timedelta(minutes=settings.sweep_minutes)
    assert jobs["outbox"].trigger.interval == timedelta(seconds=settings.deliver_seconds)
    assert jobs["housekeeping"].trigger.interval == timedelta(minutes=settings.housekeeping_minutes)
    assert jobs["sweep"].next_run_time == START  # the first sweep at start-up, not a beat later
    # The weekly digests are their own job: a Monday does not hold up the morning's nudges.
    assert jobs["digests"].trigger.interval == timedelta(minutes=settings.sweep_minutes)

    # Built again (a restart), the same ids: a persistent job store would replace, not add.
    again = build_scheduler(book.container, {PlatformName.CONSOLE: FakePlatform()})
    assert sorted(job.id for job in again.get_jobs()) == sorted(jobs)


async def test_each_job_calls_its_service_at_the_clocks_now(book: Book) -> None:
    platform = FakePlatform()
    book.say('customer add "Acme" tier=key last=2026-01-05')
    jobs = {
        job.id: job
        for job in build_scheduler(book.container, {PlatformName.CONSOLE: platform}).get_jobs()
    }

    book.clock.set(SLOT - timedelta(minutes=5))
    await jobs["sweep"].func()
    [planned] = book.deliveries()
    assert (planned.state, planned.slot_at) == (DeliveryState.PENDING, SLOT)
    await jobs["outbox"].func()  # 08:55: not yet
    assert platform.sent == []

    book.clock.set(SLOT)
    await jobs["outbox"].func()
    [sent] = platform.sent
    assert sent.delivery_id == planned.id
    [delivery] = book.deliveries()
    assert delivery.state is DeliveryState.SENT

    # Nobody answers for longer than the configured time: housekeeping expires the nudge.
    expire_after = book.container.settings.delivery.expire_after_days
    book.clock.set(SLOT + timedelta(days=expire_after, hours=1))
    await jobs["housekeeping"].func()
    with book.deps.uow() as uow:
        [nudge] = uow.deliveries.nudges_of(planned.id)
    assert nudge.state is NudgeState.EXPIRED


async def test_the_digest_job_writes_each_managers_weekly_digest_apart_from_the_sweep(
    book: Book,
) -> None:
    sam = book.join("sam", "Sam")
    book.say("team add @sam manager=@maria")
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=sam)
    jobs = {
        job.id: job
        for job in build_scheduler(
            book.container, {PlatformName.CONSOLE: FakePlatform()}
        ).get_jobs()
    }
    monday = START + timedelta(days=6)  # Monday 08:00, Maria's digest hour
    book.clock.set(monday)
    await jobs["sweep"].func()
    assert [d.kind for d in book.deliveries(recipient_id=book.maria.person.id)] == []

    await jobs["digests"].func()
    [digest] = book.deliveries(recipient_id=book.maria.person.id)
    assert (digest.kind, digest.slot_at) == (DeliveryKind.DIGEST, monday)
    await jobs["digests"].func()  # the next beat: still one
    assert len(book.deliveries(recipient_id=book.maria.person.id)) == 1
