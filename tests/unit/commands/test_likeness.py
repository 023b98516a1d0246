"""Names are compared the same way in memory (plain Python) and in the SQL directory
(RapidFuzz): a typo anywhere, the first letter included, finds the name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands.names import LIKENESS_CUTOFF, likeness
from storage import similarity
from tests.unit.commands.factories import rejected

keys = st.text(alphabet="acemor ü", max_size=12)


@given(keys, keys)
def test_the_in_memory_likeness_is_the_sql_directory_s(typed: str, known: str) -> None:
    assert likeness(typed, known) == pytest.approx(similarity.likeness(typed, known), abs=1e-9)


def test_both_directories_suggest_from_the_same_cutoff() -> None:
    assert LIKENESS_CUTOFF == similarity.CUTOFF


def test_a_typo_in_the_first_letter_suggests_the_name() -> None:
    assert rejected("touch ecme corp call").suggestions[0] == "Acme Corp"
    assert rejected("touch ecme labs").suggestions[0] == "Acme Labs"
    assert rejected("snooze ecme 1w").suggestions[0] == "Acme"
