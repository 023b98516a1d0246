"""A digest too long for one Teams message: summarised, every section kept, each long one with
its count and a "Show all" that brings the whole of it back."""

from __future__ import annotations

from typing import Any

from bot.replies import Item, Reply, Section
from bot.teams import cards
from bot.teams.summary import summarise, whole_section


def digest() -> Reply:
    return Reply(
        "Team digest: 45 people",
        (
            Section(
                "By salesperson",
                tuple(Item(f"Seller {n}", fields=(("Customers", "9"),)) for n in range(45)),
            ),
            Section("Escalations", (Item("Acme"),)),
            Section(
                "Quiet accounts", tuple(Item(f"Account {n}") for n in range(1488)), note="red first"
            ),
            Section("Concentration risk"),
            Section("Health distribution", note="good: 3"),
        ),
        kind="digest",
    )


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card["body"])
    return found


def test_long_sections_keep_their_first_items_and_say_how_many_there_are() -> None:
    summary = summarise(digest())
    assert [s.heading for s in summary.sections] == [s.heading for s in digest().sections]
    sellers, escalations, quiet, risk, health = summary.sections
    assert len(sellers.items) == 5 and sellers.note == "The first 5 of 45."
    assert escalations == digest().sections[1]  # short sections stay whole
    assert len(quiet.items) == 5 and quiet.note == "The first 5 of 1,488. red first"
    assert risk.items == () and health.note == "good: 3"


def test_a_summarised_section_offers_show_all_with_where_the_whole_reply_is() -> None:
    summary = summarise(digest())
    card = cards.render_card(summary, show_all={"delivery": 42})
    assert [(b["title"], b["data"]) for b in buttons(card)] == [
        ("Show all 45", {"delivery": 42, "verb": "show_all", "section": 0}),
        ("Show all 1,488", {"delivery": 42, "verb": "show_all", "section": 2}),
    ]
    assert buttons(cards.render_card(summary)) == []  # nowhere to find it again: no button
    assert cards.is_show_all(buttons(card)[0]["data"])


def test_show_all_is_one_section_in_full_under_the_digest_title() -> None:
    whole = whole_section(digest(), 2)
    assert whole is not None
    assert whole.text == "Team digest: 45 people — Quiet accounts (1,488)"
    assert len(whole.sections[0].items) == 1488 and whole.kind == "digest"
    assert whole_section(digest(), 9) is None
