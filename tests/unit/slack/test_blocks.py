"""Block Kit rendering: escaped, within Slack's limits, always with fallback text."""

from __future__ import annotations

import json

import pytest

from bot.delivery.ports import RateLimited, TransientError, Unreachable
from bot.replies import SNOOZE_CHOICES, Action, Item, Reply, Section, Tone, Verb
from bot.slack.blocks import escape, mark_item, unescape
from bot.slack.layout import split


def message(reply: Reply) -> tuple[str, list[dict[str, object]]]:
    (only,) = split(reply)
    return only.text, only.blocks


def nudge(number: int, name: str = "Acme") -> Item:
    ref = f"nudge:{number}"
    return Item(
        title=f"{name} — gone quiet (amber)",
        lines=("45 days since the last touch", "Suggested: Coffee"),
        fields=(("Health", "52/100"), ("Their time", "Tue 09:12")),
        actions=(
            Action(Verb.DONE, "Done", ref),
            Action(Verb.LOG, "Log…", ref),
            Action(Verb.SNOOZE, "Snooze", ref, choices=SNOOZE_CHOICES),
            Action(Verb.SKIP, "Skip", ref),
        ),
        ref=ref,
    )


def daily(count: int, name: str = "Acme") -> Reply:
    return Reply(
        text=f"Good morning Sam: {count} relationships need you today.",
        sections=(Section(items=tuple(nudge(n, name) for n in range(1, count + 1))),),
        footer="3 more waiting for the next days.",
        kind="nudges",
    )


def test_every_item_has_its_buttons_and_facts() -> None:
    _, blocks = message(daily(1))
    actions = next(b for b in blocks if b["type"] == "actions")
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids == ["nudge_done", "nudge_log", "nudge_snooze", "nudge_snooze_date", "nudge_skip"]
    assert actions["elements"][0]["value"] == "nudge:1"
    assert [o["value"] for o in actions["elements"][2]["options"]] == [
        "nudge:1|1d",
        "nudge:1|1w",
        "nudge:1|1m",
    ]
    assert "Their time" in json.dumps(blocks) and "Health" in json.dumps(blocks)


def test_user_text_is_escaped_and_pings_nobody() -> None:
    text, blocks = message(daily(2, name="<!channel> Acme & <@U123>"))
    rendered = json.dumps(blocks)
    assert "&lt;!channel&gt; Acme &amp; &lt;@U123&gt;" in rendered
    assert "<!channel>" not in rendered and "<@U123>" not in rendered
    assert "<" not in text


def test_escaping_round_trips() -> None:
    typed = "<!here> R&D <b>"
    assert unescape(escape(typed)) == typed


@pytest.mark.parametrize("reply", [Reply(text=""), Reply(text="x", tone=Tone.ERROR)])
def test_every_message_has_fallback_text(reply: Reply) -> None:
    text, _ = message(reply)
    assert text.strip()


def test_an_answered_item_loses_its_buttons_and_shows_its_state() -> None:
    _, blocks = message(daily(2))
    marked = mark_item(blocks, "nudge:1", "snoozed until 2026-06-08")
    ids = [b.get("block_id") for b in marked]
    assert "actions:nudge:1" not in ids
    assert "actions:nudge:2" in ids
    assert "state:nudge:1" in ids
    assert len(marked) == len(blocks)


def test_errors_map_to_the_delivery_port() -> None:
    import asyncio

    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_slack_response import AsyncSlackResponse

    from bot.slack.errors import port_errors

    def failure(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
        response = AsyncSlackResponse(
            client=None,  # type: ignore[arg-type]
            http_verb="POST",
            api_url="https://slack.com/api/chat.postMessage",
            req_args={},
            data={"ok": False, "error": error},
            headers=headers or {},
            status_code=status,
        )
        return SlackApiError(error, response)

    async def raising(exc: Exception) -> None:
        async with port_errors():
            raise exc

    with pytest.raises(RateLimited) as limited:
        asyncio.run(raising(failure(429, "ratelimited", {"Retry-After": "7"})))
    assert limited.value.retry_after == 7
    with pytest.raises(TransientError):
        asyncio.run(raising(failure(503, "service_unavailable")))
    for code in ("account_inactive", "user_not_found", "channel_not_found", "cannot_dm_bot"):
        with pytest.raises(Unreachable):
            asyncio.run(raising(failure(200, code)))
    with pytest.raises(SlackApiError):
        asyncio.run(raising(failure(200, "invalid_blocks")))
