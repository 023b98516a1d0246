"""While someone is out of office, the colleague covering for them is told whose account each
nudge is about and why it came to them, and may look at those accounts and touch them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.delivery.cycle import run_cycle
from bot.replies import Tone, render_text
from nudges.model import Platform
from tests.fakes import FakePlatform
from tests.integration.services.team import NOW, Team, day

AWAY = "For Sam, out of office until 12 March"  # day(10): Thursday 12 March 2026


def test_the_covers_daily_message_says_whose_accounts_and_why(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.book("sue", ["Own"])
    team.do("sam", f"ooo until={day(10)} cover=@sue")
    platform = FakePlatform()

    asyncio.run(run_cycle(team.container, now=NOW, platforms={Platform.CONSOLE: platform}))

    (message,) = platform.sent_to(team.actor("sue").person.id)
    items = {item.title.split(" — ")[0]: item for item in message.reply.sections[0].items}
    assert AWAY in items["Acme"].lines
    assert not any(line.startswith("For ") for line in items["Own"].lines)
    assert platform.sent_to(team.actor("sam").person.id) == []


def test_the_covers_nudges_list_says_whose_accounts_and_why(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.do("sam", f"ooo until={day(10)} cover=@sue")

    listed = team.do("sue", "nudges")

    (item,) = listed.sections[0].items
    assert AWAY in item.lines


def test_the_cover_may_see_health_history_and_touch_the_accounts_while_covering(
    team: Team,
) -> None:
    team.book("sam", ["Acme"])
    team.do("sam", f"ooo until={day(10)} cover=@sue")

    for command in ("customer show acme", "health acme", "history acme", "date list acme"):
        assert team.say("sue", command).tone is not Tone.ERROR, command
    assert team.do("sue", "touch acme call -- covering for Sam").tone is Tone.SUCCESS
    assert "Sue" in render_text(team.do("sue", "history acme"))
    # Changing the account stays with its owner and managers.
    assert team.say("sue", "customer edit acme tier=core").tone is Tone.ERROR

    # Back in the office: the cover sees the account no more.
    team.clock.set(NOW + timedelta(days=11))
    refused = team.say("sue", "customer show acme")
    assert refused.tone is Tone.ERROR
    assert refused.text.startswith("Acme belongs to Sam")
