"""Long replies laid out within Block Kit's limits: split into several messages with every
item in one of them, or summarised with every section present and a "Show all" button."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.commands import HELP, render_help
from bot.replies import Item, Reply, Section
from bot.slack.blocks import escape
from bot.slack.layout import ACTION_SHOW_ALL, layout, split, summarise
from tests.slack_limits import check_message
from tests.unit.slack.test_blocks import nudge as item


def nudge(number: int) -> Item:
    return replace(item(number), title=f"Customer {number:03d} — gone quiet (amber)")


def daily(count: int) -> Reply:
    return Reply(
        text=f"Good morning Sam: {count} relationships need you today.",
        sections=(Section(items=tuple(nudge(n) for n in range(1, count + 1))),),
        footer="3 more waiting for the next days.",
        kind="nudges",
    )


def digest(people: int, quiet: int) -> Reply:
    sellers = tuple(
        Item(
            title=f"Seller {n:02d}",
            fields=(("Customers", "250"), ("Coverage", "71%"), ("Amber / red", "40 / 12")),
        )
        for n in range(people)
    )
    accounts = tuple(Item(title=f"Account {n:04d} — red, 120 days") for n in range(quiet))
    return Reply(
        text=f"Team digest: {people} people, 10000 customers",
        sections=(
            Section("By salesperson", sellers),
            Section("Quiet accounts", accounts),
            Section("Escalations", ()),
            Section("Single-threaded (one contact ever touched)", accounts[:300]),
            Section("Health distribution", note="healthy: 10, watch: 20"),
        ),
        kind="digest",
    )


def test_a_thirty_item_daily_message_is_split_and_every_nudge_keeps_its_buttons() -> None:
    parts = split(daily(30))

    assert len(parts) >= 2
    for part in parts:
        check_message(part.text, part.blocks)
    shown = [ref for part in parts for ref in part.refs]
    assert shown == [f"nudge:{n}" for n in range(1, 31)]
    action_blocks = [b["block_id"] for part in parts for b in part.blocks if b["type"] == "actions"]
    assert action_blocks == [f"actions:nudge:{n}" for n in range(1, 31)]
    text = json.dumps([p.blocks for p in parts])
    assert "30. *Customer 030" in text  # numbered on across messages
    assert "3 more waiting" in json.dumps(parts[-1].blocks)


def test_every_part_after_the_first_says_it_continues() -> None:
    parts = split(daily(30))

    assert parts[0].text == "Good morning Sam: 30 relationships need you today."
    for number, part in enumerate(parts[1:], start=2):
        assert part.text.endswith(f"({number}/{len(parts)})")
        assert "continued" in part.blocks[0]["elements"][0]["text"]


def test_a_small_reply_is_one_message() -> None:
    (only,) = split(daily(3))
    check_message(only.text, only.blocks)
    assert only.refs == ("nudge:1", "nudge:2", "nudge:3")


def test_help_is_split_into_sections_and_names_every_command() -> None:
    reply = Reply(text=render_help(), kind="help")

    parts = layout(reply, max_messages=1)

    (only,) = parts
    check_message(only.text, only.blocks)
    assert len(only.blocks) > 1
    shown = json.dumps(only.blocks, ensure_ascii=False)
    for entry in HELP:
        assert json.dumps(escape(entry.usage), ensure_ascii=False)[1:-1] in shown
        assert json.dumps(escape(entry.summary), ensure_ascii=False)[1:-1] in shown
    assert only.text.startswith("Commands")


def test_a_long_list_without_buttons_is_packed_into_few_blocks() -> None:
    reply = Reply(
        text="448 quiet relationships",
        sections=(Section(items=tuple(Item(title=f"Account {n}") for n in range(448))),),
    )

    parts = split(reply)

    assert len(parts) == 1
    check_message(parts[0].text, parts[0].blocks)
    assert len(parts[0].blocks) < 10
    shown = json.dumps(parts[0].blocks)
    assert all(f"Account {n}*" in shown for n in range(448))


def test_a_line_longer_than_a_section_is_continued_not_cut() -> None:
    long = "word " * 1500  # 7,500 characters
    reply = Reply(text="One long note", sections=(Section(items=(Item(title=long),)),))

    (only,) = split(reply)

    check_message(only.text, only.blocks)
    texts = "".join(b["text"]["text"] for b in only.blocks if b["type"] == "section")
    assert texts.count("word") == 1500


def test_a_heading_never_ends_a_message() -> None:
    filler = Section("First", tuple(nudge(n) for n in range(1, 17)))  # 48 blocks + heading
    reply = Reply(text="Two sections", sections=(filler, Section("Second", (nudge(99),))))

    parts = split(reply)

    for part in parts:
        last = part.blocks[-1]
        assert not (last["type"] == "section" and last["text"]["text"] == "*Second*")


def test_a_long_digest_is_summarised_with_every_section_and_its_count() -> None:
    reply = digest(people=45, quiet=448)
    values: list[int] = []

    def show_all(index: int) -> str:
        values.append(index)
        return f"section:{index}"

    (summary,) = layout(reply, max_messages=1, show_all=show_all, summarise_long=True)

    check_message(summary.text, summary.blocks)
    shown = json.dumps(summary.blocks)
    for section in reply.sections:
        assert section.heading is not None
        assert section.heading in shown
    assert "Quiet accounts (448)" in shown and "By salesperson (45)" in shown
    assert "Escalations" in shown and "None." in shown
    assert "healthy: 10, watch: 20" in shown
    buttons = [e for b in summary.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ACTION_SHOW_ALL] * 3
    assert [b["value"] for b in buttons] == ["section:0", "section:1", "section:3"]
    assert "Show all 448" in json.dumps(buttons)


def test_a_short_digest_is_shown_whole() -> None:
    reply = digest(people=3, quiet=8)

    (whole,) = layout(reply, max_messages=1, show_all=str, summarise_long=True)

    assert ACTION_SHOW_ALL not in json.dumps(whole.blocks)
    assert "Account 0007" in json.dumps(whole.blocks)


def test_without_a_way_to_show_all_a_long_reply_is_split_not_cut() -> None:
    reply = digest(people=45, quiet=3000)

    parts = layout(reply, max_messages=1, summarise_long=True)

    assert len(parts) > 1
    shown = json.dumps([p.blocks for p in parts])
    assert all(f"Account {n:04d}" in shown for n in range(3000))


def test_a_summary_with_buttons_on_items_stays_within_the_limit() -> None:
    reply = Reply(
        text="Open nudges",
        sections=tuple(
            Section(f"Part {s}", tuple(nudge(s * 100 + n) for n in range(20))) for s in range(6)
        ),
        kind="nudges",
    )

    summary = summarise(reply, show_all=str)

    assert summary is not None
    check_message(summary.text, summary.blocks)
