"""What a running process remembers between sweeps gives what working it out afresh gives."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.plan_memory import PlanMemory
from nudges.delivery import earliest_slot
from tests.unit.nudges.test_properties import FAST, instants, people


@FAST
@given(people, instants, st.lists(st.integers(0, 3 * 24 * 60), min_size=1, max_size=40))
def test_a_remembered_earliest_slot_is_the_one_worked_out_afresh(person, start, steps):
    """A running process keeps each person's ``earliest_slot`` between sweeps
    (``PlanMemory``): for sweeps moving forward, it is always the one worked out afresh."""
    memory = PlanMemory()
    after = start
    for minutes in sorted(steps):
        at = start + timedelta(minutes=minutes)
        assert memory.earliest_slot(person, after=at) == earliest_slot(person, after=at)
        after = at
    moved = replace(person, delivery_hour=(person.delivery_hour + 1) % 24)
    assert memory.earliest_slot(moved, after=after) == earliest_slot(moved, after=after)
