"""A reply written as JSON is the JSON of all its fields (what ``dataclasses.asdict`` gives),
and reads back as the same reply."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.replies import Action, Item, Reply, Section, Tone, Verb


def test_a_reply_with_every_kind_of_field_is_written_as_all_its_fields() -> None:
    reply = Reply(
        text="Team digest: 3 people",
        sections=(
            Section(
                "By salesperson",
                (
                    Item(title="Ada", fields=(("Customers", "12"), ("Coverage", "75%"))),
                    Item(
                        title="Acme — red, 40 days",
                        lines=("a line", "another"),
                        actions=(
                            Action(Verb.DONE, "Done", "nudge:4"),
                            Action(Verb.SNOOZE, "Snooze", "nudge:4", (("1d", "1 day"),)),
                        ),
                        ref="nudge:4",
                        state="done",
                    ),
                ),
                note="The worst 2 of 9.",
            ),
            Section(note="None: nothing escalated."),
        ),
        tone=Tone.WARNING,
        footer="Usage: digest team",
        kind="digest",
        fields={"field": "when", "id": "7"},
    )

    written = reply.to_json()

    assert written == json.dumps(asdict(reply), sort_keys=True)
    assert Reply.from_json(written) == reply
