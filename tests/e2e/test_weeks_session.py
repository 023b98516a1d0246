"""Seven weeks in the console as a new user (weeks_session.txt): every count is the one of the
day it is read, a customer due for several reasons is one entry, a late start still delivers
the day's message, a passed renewal asks for the next date, and an escalation answer logs no
touch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.console import run_console

SCRIPT = Path(__file__).with_name("weeks_session.txt")


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run_console(SCRIPT, tmp_path_factory.mktemp("weeks"))


def messages(transcript: str, person: str) -> list[str]:
    return re.findall(rf"── message from nudgebot to {person}\n(.*?)\n──", transcript, re.DOTALL)


def after(transcript: str, marker: str) -> str:
    return transcript[transcript.index(marker) :]


def test_a_late_start_still_delivers_the_days_message_marked_late(transcript: str) -> None:
    first = messages(transcript, "Maria")[0]
    assert first.startswith("Good morning Maria (late: this message could not go out at its")
    assert "Quiet for 36 days" in first


def test_counts_are_those_of_the_day_they_are_read(transcript: str) -> None:
    march_26 = after(transcript, "The time is now 2026-03-26T10:00:00+00:00.")
    assert "Quiet for 53 days (key: ideal 14, max 30)" in march_26.split("✓ Logged call")[0]
    assert "Renewal on Friday 10 April (15 days to go)" in march_26
    april_6 = after(transcript, "The time is now 2026-04-06T07:05:00+00:00.")
    assert "Renewal on Friday 10 April (4 days to go)" in april_6
    assert "[snoozed]" not in transcript


def test_no_customer_appears_twice_in_one_message_or_list(transcript: str) -> None:
    lists = [
        *messages(transcript, "Maria"),
        *re.findall(r"open nudges?.*?\n(.*?)Answer by", transcript, re.DOTALL),
    ]
    assert lists
    for body in lists:
        names = re.findall(r"^  \d+\. (\w+) — ", body, re.MULTILINE)
        assert len(names) == len(set(names)), body
    assert "Northwind — gone quiet (red) · birthday" in transcript
    assert "Lea Sprung's birthday is tomorrow (Saturday 14 March)" in transcript


def test_a_passed_renewal_asks_for_the_next_date(transcript: str) -> None:
    april_20 = after(transcript, "The time is now 2026-04-20T07:05:00+00:00.")
    assert "The renewal of Friday 10 April has passed: when is the next one?" in april_20
    assert "Renewal: Friday 10 April (passed: `customer edit Northwind renewal=" in april_20


def test_a_funeral_is_noted_a_future_illness_refused_and_the_nudge_names_who(
    transcript: str,
) -> None:
    assert "✓ Noted funeral for Ann Lee at Northwind." in transcript
    assert "✗ Friday 1 May is in the future: note the illness once it has happened." in transcript
    assert "Ann Lee — funeral, 18 April: “her father”. Send a card or a personal note" in transcript
    upbeat = after(transcript, "✓ Noted funeral").split("Northwind\n  • Northwind")[0]
    for ritual in ("Take them to lunch", "Pitch it to them", "Run a workshop"):
        assert ritual not in upbeat


def test_the_managers_escalation_answer_logs_no_touch(transcript: str) -> None:
    assert (
        "✓ Acknowledged the escalation about Tiny: it stays with Maria, and no touch was logged."
        in transcript
    )
    assert "Nobody has logged a touch with Tiny yet." in transcript
