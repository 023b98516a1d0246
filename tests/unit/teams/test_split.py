"""Long replies in parts that each fit in a Teams activity: nothing left out, nothing twice,
numbering and headings carried on, the footer at the very end."""

from __future__ import annotations

from bot.replies import SNOOZE_CHOICES, Action, Item, Reply, Section, Verb
from bot.teams import cards
from bot.teams.split import MAX_ACTIVITY_BYTES, halves, keys_of, split, utf16_size


def size(part: Reply) -> int:
    return utf16_size(cards.message(part, card_id=10**15, refresh_for=("29:someone",)))


def nudge(n: int) -> Item:
    ref = f"nudge:{n}"
    return Item(
        title=f"Kunde Nummer {n} GmbH — gone quiet (red)",
        lines=(f"Quiet for {40 + n} days (key: ideal 30, max 45)", "Suggested: Coffee"),
        fields=(("Their time", "08:10 Tue"), ("Health", f"{n}/100")),
        actions=(
            Action(Verb.DONE, "Done", ref),
            Action(Verb.LOG, "Log…", ref),
            Action(Verb.SNOOZE, "Snooze", ref, choices=SNOOZE_CHOICES),
            Action(Verb.SKIP, "Skip", ref),
        ),
        ref=ref,
    )


def daily(count: int) -> Reply:
    return Reply(
        f"Good morning Megan: {count} relationships need you today.",
        (Section(items=tuple(nudge(n) for n in range(1, count + 1))),),
        footer="4 more waiting for the next days.",
        kind="nudges",
    )


def refs(parts: list[Reply]) -> list[str]:
    return [i.ref or i.title for p in parts for s in p.sections for i in s.items]


def test_thirty_nudges_go_in_parts_each_under_the_limit_with_every_item_once() -> None:
    reply = daily(30)
    assert size(reply) > MAX_ACTIVITY_BYTES  # one card would be refused
    parts = split(reply, size=size, budget=40_000)
    assert len(parts) >= 2
    assert all(size(p) <= 40_000 for p in parts)
    assert refs(parts) == [f"nudge:{n}" for n in range(1, 31)]
    assert [p.fields[cards.PART] for p in parts] == [str(n) for n in range(1, len(parts) + 1)]
    assert {p.fields[cards.PARTS] for p in parts} == {str(len(parts))}
    assert [p.footer for p in parts] == [None] * (len(parts) - 1) + [reply.footer]
    assert all(p.text == reply.text for p in parts)
    second = parts[1]
    first_number = int(second.fields[cards.NUMBERED_FROM])
    assert first_number == len(parts[0].sections[0].items) + 1
    card = cards.render_card(second)
    assert f"**{first_number}. Kunde Nummer {first_number} GmbH" in str(card["body"])
    assert f"Part 2 of {len(parts)}" in str(card["body"])


def test_a_short_reply_is_one_part_without_a_part_marker() -> None:
    [part] = split(daily(2), size=size)
    assert refs([part]) == ["nudge:1", "nudge:2"]
    assert "Part 1" not in str(cards.render_card(part)["body"])


def test_a_section_carried_into_the_next_part_repeats_its_heading_and_keeps_its_note() -> None:
    sellers = tuple(Item(f"Seller {n}", fields=(("Customers", str(n)),) * 6) for n in range(60))
    digest = Reply(
        "Team digest: 60 people",
        (
            Section("By salesperson", sellers, note="All 60 shown."),
            Section("Health distribution", note="good: 10, fair: 5"),
        ),
        kind="digest",
    )
    parts = split(digest, size=size, budget=12_000)
    assert len(parts) > 2
    headings = [s.heading for p in parts for s in p.sections]
    assert headings[0] == "By salesperson"
    assert set(headings[1:-1]) == {"By salesperson (continued)"}
    assert headings[-1] == "Health distribution"
    notes = [s.note for p in parts for s in p.sections if s.note]
    assert notes == ["All 60 shown.", "good: 10, fair: 5"]
    assert refs(parts) == [f"Seller {n}" for n in range(60)]


def test_long_text_is_split_between_paragraphs() -> None:
    entries = ("\n".join([f"cmd{n} <x>"] + [f"  does thing {n}"] * 8) for n in range(80))
    text = "Commands:\n\n" + "\n\n".join(entries)
    parts = split(Reply(text, kind="help"), size=size, budget=10_000)
    assert len(parts) > 1
    assert all(p.text.startswith("Commands:") for p in parts)
    joined = "\n\n".join(p.text.partition("\n\n")[2] for p in parts)
    assert joined == text.partition("\n\n")[2]


def test_a_retry_leaves_out_what_was_sent_and_numbers_the_rest_on() -> None:
    reply = daily(30)
    first = split(reply, size=size, budget=40_000)
    sent = set(keys_of(first[0]))
    rest = split(reply, size=size, budget=40_000, skip=sent, sent=1)
    assert refs(rest) == refs(first)[len(first[0].sections[0].items) :]
    assert rest[0].fields[cards.PART] == "2"
    everything = {k for p in first for k in keys_of(p)}
    assert split(reply, size=size, skip=everything) == []


def test_a_part_refused_as_too_large_splits_in_two_halves() -> None:
    [part] = split(daily(8), size=size)
    found = halves(part)
    assert found is not None
    one, two = found
    assert refs([one, two]) == refs([part])
    assert (one.fields[cards.PART], two.fields[cards.PART], two.fields[cards.PARTS]) == (
        "1",
        "2",
        "2",
    )
    assert one.footer is None and two.footer == part.footer
    assert two.fields[cards.NUMBERED_FROM] == "5"
    [single] = split(daily(1), size=size)
    assert halves(single) is None


def test_items_without_refs_keep_the_keys_the_whole_reply_gave_them() -> None:
    digest = Reply(
        "Team digest",
        (
            Section("Escalations", tuple(Item(f"Account {n}") for n in range(400))),
            Section("Health distribution", note="good: 3"),
        ),
        kind="digest",
    )
    parts = split(digest, size=size, budget=6_000)
    assert len(parts) > 2
    keys = [k for p in parts for k in keys_of(p)]
    assert keys == [f"s0.{n}" for n in range(400)] + ["s1"]
    rest = split(digest, size=size, budget=6_000, skip=set(keys_of(parts[0])), sent=1)
    assert [k for p in rest for k in keys_of(p)] == keys[len(keys_of(parts[0])) :]
    found = halves(parts[1])
    assert found is not None
    assert keys_of(found[0]) + keys_of(found[1]) == keys_of(parts[1])
    assert found[1].fields[cards.NUMBERED_FROM] == str(
        int(parts[1].fields[cards.NUMBERED_FROM]) + len(keys_of(found[0]))
    )
