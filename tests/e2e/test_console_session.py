"""A whole console session, piped into `nudgebot console` on a fresh SQLite file.

The story (2026-11-02 is a Monday): Ada manages Maria (New York) and Bob (Berlin). Maria's key
customer Acme Corp, worth the most, goes quiet after 14 days; a product offer with one unit
goes to existing customers first from 2026-11-16; Lea Sprung at Acme has her birthday on
Sunday 2026-11-29 (no lead days in this workspace's config).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.console import run_console

SCRIPT = Path(__file__).with_name("console_session.txt")


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    workdir = tmp_path_factory.mktemp("console")
    return run_console(SCRIPT, workdir, config="[calendar]\nbirthday_lead_days = 0\n")


def segment(transcript: str, instant: str) -> str:
    """What the console printed from `:time <instant>` to the next change of time or person."""
    start = transcript.index(f"The time is now {instant}")
    tick = transcript.index(f"Tick at {instant}", start)
    ends = [transcript.find(marker, tick) for marker in ("The time is now", "You are")]
    return transcript[start : min([e for e in ends if e > 0], default=len(transcript))]


def test_a_quiet_nudge_arrives_at_the_owners_local_hour_not_before(transcript: str) -> None:
    early = segment(transcript, "2026-11-16T13:00:00+00:00")  # 08:00 in New York
    assert "message from nudgebot to Maria" not in early
    assert "0 messages delivered" in early
    on_time = segment(transcript, "2026-11-16T14:05:00+00:00")  # 09:05 in New York
    assert "message from nudgebot to Maria" in on_time
    assert "Acme Corp — gone quiet (amber)" in on_time
    assert "Quiet for 14 days (key: ideal 14, max 30)" in on_time


def test_the_offer_goes_first_to_the_owner_of_the_best_customer_only(transcript: str) -> None:
    bob = segment(transcript, "2026-11-16T08:05:00+00:00")  # 09:05 in Berlin
    assert "message from nudgebot to Bob" in bob
    assert "Initech — gone quiet" in bob
    assert "Pro Analytics" not in bob  # one unit: Acme (500,000) is first in line
    maria = segment(transcript, "2026-11-16T14:05:00+00:00")
    # One entry for Acme, with both reasons (quiet, and the offer to pitch first).
    assert "Acme Corp — gone quiet (amber) · pitch first" in maria
    assert (
        "Pitch 'Pro Analytics' before it goes public on Tuesday 15 December (29 days left)" in maria
    )


def test_a_snoozed_nudge_returns_after_its_date(transcript: str) -> None:
    assert "✓ Acme Corp: 2 nudges snoozed until Monday 23 November." in transcript
    during = segment(transcript, "2026-11-23T14:05:00+00:00")
    assert "message from nudgebot to Maria" not in during
    after = segment(transcript, "2026-11-24T14:05:00+00:00")
    assert "message from nudgebot to Maria" in after
    assert "Acme Corp — gone quiet (amber)" in after


def test_a_sunday_birthday_is_nudged_on_the_friday_before(transcript: str) -> None:
    thursday = segment(transcript, "2026-11-26T14:05:00+00:00")
    assert "birthday" not in thursday
    friday = segment(transcript, "2026-11-27T14:05:00+00:00")
    assert "Acme Corp — birthday" in friday
    assert "Lea Sprung turns 41 on Sunday 29 November" in friday  # the day, not Friday


def test_the_manager_digest_lists_the_teams_quiet_accounts(transcript: str) -> None:
    # The last command of the session: Ada's `digest team`, on 2026-11-27.
    last = transcript[transcript.rindex("Team digest: 2 people, 3 customers") :]
    assert "Quiet accounts" in last
    assert "Acme Corp — amber, 25 days (Maria), 500,000" in last
    assert "Initech — amber, 25 days (Bob), 100,000" in last


def test_the_scheduled_weekly_digest_reaches_the_manager_on_monday(transcript: str) -> None:
    monday = segment(transcript, "2026-11-16T08:05:00+00:00")  # 09:05 Berlin, Ada's Monday
    assert "1 message for Ada" in monday
