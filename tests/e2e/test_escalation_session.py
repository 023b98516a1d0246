"""Two months in the console (escalation_session.txt, piped into `nudgebot console`): Maria's
key accounts go quiet, turn red and are escalated to Ada, who acknowledges one, has Maria
reminded of another and hands the third to Bob. No answer is a touch: nobody called the
customers, and weeks later they are still red with only Maria's first touches on record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.console import run_console

SCRIPT = Path(__file__).with_name("escalation_session.txt")


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    workdir = tmp_path_factory.mktemp("escalations")
    return run_console(SCRIPT, workdir, config="[calendar]\nbirthday_lead_days = 0\n")


def messages(transcript: str, person: str) -> list[str]:
    """The bodies of the bot's messages to ``person``, in order."""
    return re.findall(rf"── message from nudgebot to {person}\n(.*?)\n──", transcript, re.DOTALL)


def after(transcript: str, marker: str) -> str:
    return transcript[transcript.index(marker) :]


def test_the_escalations_reach_the_manager_with_her_four_answers(transcript: str) -> None:
    (morning,) = [m for m in messages(transcript, "Ada") if "escalation (red)" in m]
    for name in ("Acme Corp", "Globex", "Initech"):
        assert f"{name} — escalation (red)" in morning
    assert morning.count("[Acknowledge · Remind owner · Take over · Reassign… · Snooze]") == 3
    assert "Done" not in morning


def test_no_answer_to_an_escalation_logs_a_touch(transcript: str) -> None:
    assert (
        "✓ Acknowledged the escalation about Acme Corp: it stays with Maria, and no touch was "
        "logged." in transcript
    )
    assert "✓ Reminded Maria about Globex. No touch was logged." in transcript
    assert "✓ Initech is Bob's now (it was Maria's); Bob is told. No touch was logged." in (
        transcript
    )
    # Four weeks later, each account's history holds Maria's one touch of 2 November only.
    final = after(transcript, "The time is now 2027-01-11T08:05:00+00:00.")
    for name, ritual in (("Acme Corp", "coffee"), ("Globex", "call"), ("Initech", "lunch")):
        history = after(final, f"{name}: 1 touch, newest first")
        assert history.splitlines()[1] == f"  • Monday 2 November 2026 — {ritual} by Maria" + (
            ", with Claire Dubois" if name == "Acme Corp" else ""
        )
    assert "Your team: 3 quiet relationships (3 red), most overdue first" in final


def test_the_owner_is_reminded_and_the_new_owner_told(transcript: str) -> None:
    (reminder,) = [m for m in messages(transcript, "Maria") if "asks you" in m]
    assert reminder.startswith("Ada asks you to get in touch with Globex")
    assert "Globex — gone quiet (red)" in reminder
    (handover,) = messages(transcript, "Bob")
    assert handover.startswith("Ada has handed Initech to you (it was Maria's).")
    bobs = after(transcript, "You are Bob.")
    assert "1. Initech — gone quiet (red)" in bobs


def test_no_customer_appears_twice_in_one_message(transcript: str) -> None:
    for person in ("Ada", "Maria", "Bob"):
        for message in messages(transcript, person):
            names = re.findall(r"^  \d+\. (.+?) — ", message, re.MULTILINE)
            assert len(names) == len(set(names)), message


def test_the_managers_deliveries_list_what_she_was_sent(transcript: str) -> None:
    final = after(transcript, "The time is now 2027-01-11T08:05:00+00:00.")
    assert "Your messages: 1 sent in the last 7 days, 0 waiting, 0 failed" in final
    assert "Monday 11 January, 09:05 on console: team digest" in final
