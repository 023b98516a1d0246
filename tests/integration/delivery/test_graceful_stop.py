"""SIGTERM in the middle of a drain: the send in flight finishes, the rest of the batch is
handed back at once (not left to a lease), the process exits 0 within its grace period, and
after a restart every delivery has been sent exactly once."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.config import Settings
from nudges.model import DeliveryState
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book, run_python

pytestmark = [pytest.mark.db, pytest.mark.slow]

COUNT = 500
PEOPLE = 10
GRACE = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    database: str, record: Path, *, delay: float = 0.0, hang_after: int = 0
) -> subprocess.Popen[str]:
    args = ["-m", "tests.integration.delivery.serving", "--record", str(record)]
    args += ["--port", str(free_port()), "--grace", str(GRACE), "--delay", str(delay)]
    if hang_after:
        args += ["--hang-after", str(hang_after)]
    return run_python(args, database=database)


def wait_for_sends(
    platform: FakePlatform, count: int, server: subprocess.Popen[str], *, within: float = 60
) -> None:
    deadline = time.monotonic() + within
    while len(platform.sent) < count:
        if server.poll() is not None:
            pytest.fail(f"the server ended early: {server.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail(f"only {len(platform.sent)} sends after {within} s")
        time.sleep(0.02)


def terminate(server: subprocess.Popen[str]) -> tuple[float, str]:
    """SIGTERM; returns how long the process took to exit, and what it logged."""
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=GRACE * 4)
    return time.monotonic() - started, err


def test_sigterm_during_a_drain_of_500_exits_0_in_time_and_a_restart_sends_each_once(
    book: Book, database: str, tmp_path: Path
) -> None:
    people = [book.join(f"u{i}", f"Colleague {i}") for i in range(PEOPLE)]
    ids = book.add_digests(recipients=people, count=COUNT, slot=START)
    record = tmp_path / "sends.db"
    platform = FakePlatform(record_path=record)

    first = start_server(database, record, delay=0.01)
    wait_for_sends(platform, 100, first)
    took, err = terminate(first)

    assert first.returncode == 0, err
    assert took < GRACE, err
    assert "Traceback" not in err and "CancelledError" not in err, err
    assert "stopped" in err
    sent_before = len(platform.sent)
    assert 100 <= sent_before < COUNT
    by_state = Counter(d.state for d in book.deliveries())
    # Everything sent was recorded as sent; nothing is left under a lease.
    assert by_state == {DeliveryState.SENT: sent_before, DeliveryState.PENDING: COUNT - sent_before}
    released = [d for d in book.deliveries() if d.state is DeliveryState.PENDING]
    assert all(d.attempts == 0 for d in released)  # handed back untried: no attempt spent

    second = start_server(database, record)
    wait_for_sends(platform, COUNT, second)
    _, err = terminate(second)
    assert second.returncode == 0, err

    assert platform.duplicates() == {}
    assert sorted(s.delivery_id for s in platform.sent) == sorted(ids)
    per_person = Counter(s.person_id for s in platform.sent)
    assert per_person == {p.person.id: COUNT // PEOPLE for p in people}
    assert {d.state for d in book.deliveries()} == {DeliveryState.SENT}


def test_a_send_that_outlasts_the_grace_period_is_handed_back_and_found_after_a_restart(
    book: Book, database: str, tmp_path: Path
) -> None:
    people = [book.join(f"u{i}", f"Colleague {i}") for i in range(5)]
    ids = book.add_digests(recipients=people, count=50, slot=START)
    record = tmp_path / "sends.db"
    platform = FakePlatform(record_path=record)

    first = start_server(database, record, hang_after=10)  # accepted, then never returns
    wait_for_sends(platform, 10, first)
    took, err = terminate(first)

    assert first.returncode == 0, err
    assert took < GRACE + 1.0, err
    assert "Traceback" not in err and "CancelledError" not in err, err
    assert "handed back" in err
    lease_seconds = Settings().delivery.lease_seconds
    assert lease_seconds > GRACE * 4  # another worker did not wait for a lease to run out
    left = {d.id: d for d in book.deliveries() if d.state is not DeliveryState.SENT}
    assert {d.state for d in left.values()} == {DeliveryState.PENDING}
    hung = ids[9]
    assert left[hung].attempts == 1  # counted: the next worker asks the platform first

    second = start_server(database, record)
    wait_for_sends(platform, 50, second)
    _, err = terminate(second)
    assert second.returncode == 0, err
    assert platform.duplicates() == {}
    assert sorted(s.delivery_id for s in platform.sent) == sorted(ids)
    assert {d.state for d in book.deliveries()} == {DeliveryState.SENT}
