"""The platform fake: the real port's shape, recording, failure injection, its SQLite mode."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.delivery import ports
from bot.replies import Reply
from nudges.model import Person
from tests.fakes import FakePlatform, PlatformError, RateLimited, TransientError, Unreachable

ROOT = Path(__file__).resolve().parents[3]


def person(person_id: int = 1, user: str = "U1") -> Person:
    return Person(
        id=person_id, workspace_id=1, platform_user_id=user, display_name="Ann", timezone="UTC"
    )


def reply(text: str = "call Acme") -> Reply:
    return Reply(text=text, kind="digest", fields={"n": "1"})


def test_it_has_the_ports_signatures_and_raises_the_ports_errors() -> None:
    for name in ("send", "find"):
        assert inspect.signature(getattr(FakePlatform, name)) == inspect.signature(
            getattr(ports.Platform, name)
        )
        assert inspect.iscoroutinefunction(getattr(FakePlatform, name))
    assert (RateLimited, TransientError, Unreachable, PlatformError) == (
        ports.RateLimited,
        ports.TransientError,
        ports.Unreachable,
        ports.DeliveryError,
    )


async def test_records_sends_and_answers_has_and_find() -> None:
    platform = FakePlatform()
    ann = person()
    ref = await platform.send(ann, reply(), delivery_id=7)
    assert platform.has(7) == ref
    assert platform.has(8) is None
    assert await platform.find(ann, delivery_id=7) == ref
    assert await platform.find(ann, delivery_id=8) is None
    assert await platform.find(person(2, "U2"), delivery_id=7) is None  # someone else's DM
    [sent] = platform.sent
    assert (sent.recipient, sent.person_id, sent.reply, sent.delivery_id, sent.message_ref) == (
        "U1",
        1,
        reply(),
        7,
        ref,
    )
    assert platform.sent_to(ann) == platform.sent_to(1) == [sent]
    assert [outcome for *_, outcome in platform.attempts] == [
        "sent",
        "found",
        "not found",
        "not found",
    ]


async def test_duplicates_stay_visible() -> None:
    platform = FakePlatform()
    first = await platform.send(person(), reply("a"), delivery_id=1)
    second = await platform.send(person(), reply("a"), delivery_id=1)
    assert first != second
    assert platform.has(1) == first
    assert platform.duplicates() == {1: 2}
    assert len(platform.sends_of(1)) == 2


async def test_fail_next_kinds_raise_the_ports_errors() -> None:
    platform = FakePlatform()
    platform.fail_next("rate_limited", retry_after=2.0)
    platform.fail_next("transient")
    platform.fail_next("down")
    platform.fail_next("unreachable")
    with pytest.raises(RateLimited) as raised:
        await platform.send(person(), reply(), delivery_id=1)
    assert raised.value.retry_after == 2.0
    with pytest.raises(TransientError):
        await platform.send(person(), reply(), delivery_id=1)
    with pytest.raises(TransientError):
        await platform.send(person(), reply(), delivery_id=1)
    with pytest.raises(Unreachable):
        await platform.send(person(), reply(), delivery_id=1)
    assert platform.sent == []
    await platform.send(person(), reply(), delivery_id=1)
    assert [outcome for _, _, outcome in platform.attempts] == [
        "rate_limited",
        "transient",
        "down",
        "unreachable",
        "sent",
    ]


async def test_fail_for_n_calls_and_down_until_recovered() -> None:
    platform = FakePlatform()
    platform.fail_next("transient", times=2)
    for _ in range(2):
        with pytest.raises(TransientError):
            await platform.send(person(), reply(), delivery_id=1)
    await platform.send(person(), reply(), delivery_id=1)

    platform.go_down()
    for _ in range(3):
        with pytest.raises(TransientError):
            await platform.send(person(), reply(), delivery_id=2)
    with pytest.raises(TransientError):
        await platform.find(person(), delivery_id=1)
    platform.recover()
    await platform.send(person(), reply(), delivery_id=2)
    assert [s.delivery_id for s in platform.sent] == [1, 2]


async def test_failure_after_delivery_leaves_the_message_with_the_platform() -> None:
    platform = FakePlatform()
    platform.fail_next("transient", after_delivery=True)
    with pytest.raises(TransientError):
        await platform.send(person(), reply(), delivery_id=5)
    assert platform.has(5) is not None
    assert await platform.find(person(), delivery_id=5) == platform.has(5)


async def test_failures_can_target_finds() -> None:
    platform = FakePlatform()
    platform.fail_next("transient", operation="find")
    await platform.send(person(), reply(), delivery_id=1)  # sends are not affected
    with pytest.raises(TransientError):
        await platform.find(person(), delivery_id=1)
    assert await platform.find(person(), delivery_id=1) is not None


def test_unknown_kind_or_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown failure kind"):
        FakePlatform().fail_next("meteor")
    with pytest.raises(ValueError, match="unknown operation"):
        FakePlatform().fail_next("transient", operation="update")


WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from bot.replies import Reply
    from nudges.model import Person
    from tests.fakes.platform import FakePlatform

    def person(i):
        return Person(id=i, workspace_id=1, platform_user_id=f"U{i}", display_name="A",
                      timezone="UTC")

    async def main(path, worker):
        platform = FakePlatform(record_path=path)
        for i in range(5):
            reply = Reply(text=f"n{i}", fields={"worker": worker})
            await platform.send(person(i), reply, delivery_id=i)
        if worker == "crasher":
            platform.fail_next("crash", after_delivery=True)
            await platform.send(person(9), Reply(text="last"), delivery_id=99)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def test_record_file_is_shared_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "sends.db"
    observer = FakePlatform(record_path=path)
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), name], cwd=ROOT)
        for name in ("a", "b", "crasher")
    ]
    codes = sorted(w.wait(timeout=20) for w in workers)
    assert codes == [0, 0, 70]
    sent = observer.sent
    assert len(sent) == 16
    assert len({s.message_ref for s in sent}) == 16
    assert observer.duplicates() == {i: 3 for i in range(5)}
    assert observer.has(99) is not None  # delivered just before the process died
    assert asyncio.run(observer.find(person(9, "U9"), delivery_id=99)) == observer.has(99)
    assert {s.pid for s in sent} == {w.pid for w in workers}
    observer.close()
    assert len(observer.sent) == 16  # reopened on use
    observer.close()
    assert {s.reply.fields["worker"] for s in sent if s.delivery_id == 0} == {"a", "b", "crasher"}
