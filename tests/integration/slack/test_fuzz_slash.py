"""Property: every line sent as a signed `/nudge` slash command is acknowledged and answered
(through the response URL, or a form opened), and nothing escapes as an error in the log —
NUL bytes and every other control character included. The lines come from the same
command-language strategy as the console fuzz (``tests/fuzz/lines.py``; a longer run with
``NUDGEBOT_FUZZ_EXAMPLES``)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from tests.fuzz.lines import EXAMPLES, lines, sample
from tests.integration.slack.harness import Harness, eventually

pytestmark = pytest.mark.db

LINES = sample(lines(surrogates=False), max(EXAMPLES // 3, 20))


async def test_every_slash_command_line_is_answered_and_nothing_escapes(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.slash('customer add "Acme" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    with caplog.at_level(logging.ERROR):
        for index, line in enumerate(LINES, start=2):
            response = await harness.slash(line, user="W222")
            assert response.status == 200, line

            def answered(index: int = index) -> bool:
                opened = len(harness.fake.calls_to("views.open"))
                return len(harness.replies()) + opened >= index

            assert await eventually(answered), f"no answer to {line!r}"
        await harness.settled()
    assert not caplog.records, [r.getMessage() for r in caplog.records]


async def test_a_slash_command_that_fails_on_our_side_is_still_answered(
    harness: Harness,
) -> None:
    await harness.slash('customer add "Acme" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    with harness.container.engine.begin() as connection:  # the database loses a table
        connection.execute(text("ALTER TABLE customer RENAME TO customer_gone"))
    try:
        response = await harness.slash("customer list", user="W222")
        assert response.status == 200
        (reply,) = await eventually(lambda: harness.replies()[1:])
        assert "went wrong on our side" in reply["text"]
        assert reply["response_type"] == "ephemeral"
    finally:
        with harness.container.engine.begin() as connection:
            connection.execute(text("ALTER TABLE customer_gone RENAME TO customer"))
