"""Every section of a team digest is present, and an empty one says so rather than showing a
bare heading."""

from __future__ import annotations

from tests.integration.services.team import Team


def test_an_empty_digest_section_says_there_is_nothing_and_why(team: Team) -> None:
    team.book("sam", ["Acme", "Beta", "Gamma", "Delta", "Epsilon"])  # amber, none escalated

    reply = team.do("mia", "digest @sam")

    notes = {s.heading: s.note for s in reply.sections}
    assert [h for h in notes if h is not None] == [
        "By salesperson",
        "Quiet accounts",
        "Escalations",
        "Concentration risk",
        "Single-threaded (at most one contact touched in 180 days)",
        "Health distribution",
    ]
    assert notes["Escalations"] == "None: nothing escalated."
    assert notes["Concentration risk"] == ("None: no customer is more than 25% of a book's value.")
    quiet = next(s for s in reply.sections if s.heading == "Quiet accounts")
    assert len(quiet.items) == 5 and notes["Quiet accounts"] is None


def test_escalated_and_single_threaded_accounts_name_their_owner(team: Team) -> None:
    team.book("sam", ["Acme"], quiet_days=50)  # red long enough to be escalated

    reply = team.do("mia", "digest @sam")

    items = {s.heading: [i.title for i in s.items] for s in reply.sections}
    assert items["Escalations"] == ["Acme (Sam)"]
    assert items["Single-threaded (at most one contact touched in 180 days)"] == ["Acme (Sam)"]
