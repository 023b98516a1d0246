"""The in-memory platform fake: recording, failure injection, and its SQLite mode."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fakes import FakePlatform, RateLimited, TransientError, Unreachable

ROOT = Path(__file__).resolve().parents[3]


async def test_records_sends_and_answers_has() -> None:
    platform = FakePlatform()
    ref = await platform.send("U1", {"text": "call Acme"}, delivery_id=7)
    assert platform.has(7) == ref
    assert platform.has("7") == ref
    assert platform.has(8) is None
    [sent] = platform.sent
    assert (sent.recipient, sent.payload, sent.delivery_id, sent.message_ref) == (
        "U1",
        {"text": "call Acme"},
        "7",
        ref,
    )
    assert await platform.lookup(7) == ref
    await platform.update(ref, {"text": "done"})
    assert platform.updates == [(ref, {"text": "done"})]


async def test_duplicates_stay_visible() -> None:
    platform = FakePlatform()
    first = await platform.send("U1", "a", delivery_id="d1")
    second = await platform.send("U1", "a", delivery_id="d1")
    assert first != second
    assert platform.has("d1") == first
    assert platform.duplicates() == {"d1": 2}
    assert len(platform.sends_of("d1")) == 2


async def test_fail_next_kinds() -> None:
    platform = FakePlatform()
    platform.fail_next("rate_limited", retry_after=2.0)
    platform.fail_next("transient")
    platform.fail_next("unreachable")
    with pytest.raises(RateLimited) as raised:
        await platform.send("U1", "x", delivery_id=1)
    assert raised.value.retry_after == 2.0
    with pytest.raises(TransientError):
        await platform.send("U1", "x", delivery_id=1)
    with pytest.raises(Unreachable):
        await platform.send("U1", "x", delivery_id=1)
    assert platform.sent == []
    await platform.send("U1", "x", delivery_id=1)
    assert [outcome for _, _, outcome in platform.attempts] == [
        "rate_limited",
        "transient",
        "unreachable",
        "sent",
    ]


async def test_fail_for_n_calls_and_down_until_recovered() -> None:
    platform = FakePlatform()
    platform.fail_next("transient", times=2)
    for _ in range(2):
        with pytest.raises(TransientError):
            await platform.send("U1", "x", delivery_id=1)
    await platform.send("U1", "x", delivery_id=1)

    platform.go_down()
    for _ in range(3):
        with pytest.raises(Unreachable):
            await platform.send("U1", "y", delivery_id=2)
    platform.recover()
    await platform.send("U1", "y", delivery_id=2)
    assert [s.delivery_id for s in platform.sent] == ["1", "2"]


async def test_failure_after_delivery_leaves_the_message_with_the_platform() -> None:
    platform = FakePlatform()
    platform.fail_next("transient", after_delivery=True)
    with pytest.raises(TransientError):
        await platform.send("U1", "x", delivery_id=5)
    assert platform.has(5) is not None


async def test_failures_can_target_lookups() -> None:
    platform = FakePlatform()
    platform.fail_next("unreachable", operation="lookup")
    await platform.send("U1", "x", delivery_id=1)  # sends are not affected
    with pytest.raises(Unreachable):
        await platform.lookup(1)
    assert await platform.lookup(1) is not None


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown failure kind"):
        FakePlatform().fail_next("meteor")


WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from tests.fakes.platform import FakePlatform

    async def main(path, worker):
        platform = FakePlatform(record_path=path)
        for i in range(5):
            await platform.send(f"U{i}", {"n": i, "worker": worker}, delivery_id=i)
        if worker == "crasher":
            platform.fail_next("crash", after_delivery=True)
            await platform.send("U9", {"last": True}, delivery_id=99)

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
    assert observer.duplicates() == {str(i): 3 for i in range(5)}
    assert observer.has(99) is not None  # delivered just before the process died
    assert {s.pid for s in sent} == {w.pid for w in workers}
