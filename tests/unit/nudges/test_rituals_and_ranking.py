from datetime import timedelta

from nudges.model import NudgeReason
from nudges.policy import Policy, Ritual
from nudges.ranking import capped, priority, rank
from nudges.rituals import suggest_ritual

from .factories import NOW, nudge

POLICY = Policy()


def suggest(tier="core", reason=NudgeReason.QUIET, used=None, seed="quiet:1:x", policy=POLICY):
    return suggest_ritual(
        tier=tier, reason=reason, used=used or {}, now=NOW, policy=policy, seed=seed
    )


def test_the_ritual_fits_the_tier_and_the_reason():
    for seed in map(str, range(30)):
        assert suggest(tier="long-tail", seed=seed) in {"coffee", "call", "case_study", "email"}
        assert suggest(reason=NudgeReason.BIRTHDAY, tier="core", seed=seed) in {"card", "email"}


def test_the_same_inputs_give_the_same_ritual():
    assert suggest(seed="a") == suggest(seed="a")


def test_a_ritual_used_recently_is_not_suggested_again():
    used = {
        "coffee": NOW - timedelta(days=10),
        "call": NOW - timedelta(days=5),
        "case_study": NOW - timedelta(days=1),
    }
    for seed in map(str, range(20)):
        assert suggest(tier="long-tail", used=used, seed=seed) == "email"


def test_when_all_were_used_recently_the_least_recently_used_is_suggested():
    used = {
        "coffee": NOW - timedelta(days=10),
        "call": NOW - timedelta(days=5),
        "case_study": NOW - timedelta(days=1),
        "email": NOW - timedelta(days=3),
    }
    assert suggest(tier="long-tail", used=used) == "coffee"


def test_a_ritual_used_before_the_variety_window_is_fresh_again():
    used = {"card": NOW - timedelta(days=61), "email": NOW - timedelta(days=1)}
    assert suggest(reason=NudgeReason.BIRTHDAY, used=used) == "card"


def test_no_ritual_when_nothing_in_the_playbook_fits():
    policy = Policy(playbook=(Ritual("gift", "Gift", tiers=frozenset({"key"})),))
    assert suggest(tier="core", policy=policy) is None


def test_earlier_tiers_value_overdue_proximity_and_escalation_raise_priority():
    base = {"reason": NudgeReason.QUIET, "tier": "core", "annual_value": 1000, "policy": POLICY}
    p = priority(**base)
    assert priority(**{**base, "tier": "key"}) > p > priority(**{**base, "tier": "long-tail"})
    assert priority(**{**base, "annual_value": 1_000_000}) > p
    assert priority(**base, overdue=10) > p
    assert priority(**base, days_until=0) > priority(**base, days_until=7) > p
    assert priority(**base, escalated=True) > p


def test_the_cap_keeps_the_most_important_and_counts_the_rest_as_waiting():
    nudges = [nudge(dedupe_key=f"k{i}", customer_id=i, priority=float(i)) for i in range(8)]
    kept, waiting = capped(nudges, limit=3)
    assert [n.dedupe_key for n in kept] == ["k7", "k6", "k5"]
    assert waiting == 5


def test_ties_in_priority_are_broken_by_dedupe_key():
    nudges = [nudge(dedupe_key=k, priority=5.0) for k in ("b", "c", "a")]
    assert [n.dedupe_key for n in rank(nudges)] == ["a", "b", "c"]
