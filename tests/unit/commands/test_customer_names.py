"""Customer names: quoted or not, longest match, did-you-mean and ambiguity."""

from __future__ import annotations

from bot.commands import LogTouch, NameIndex, ShowHealth, Snooze, name_key
from bot.commands.names import Ambiguous, Found, NotFound, resolve_leading, resolve_whole
from tests.unit.commands.factories import parsed, rejected


def test_unquoted_customer_name_with_spaces_takes_the_longest_known_match() -> None:
    assert parsed("touch acme corp coffee -- lunch went well") == LogTouch(
        "Acme Corp", "coffee", "lunch went well"
    )


def test_a_shorter_known_name_wins_when_the_next_word_does_not_continue_a_name() -> None:
    assert parsed("touch acme coffee") == LogTouch("Acme", "coffee")


def test_quoted_customer_names_are_taken_whole() -> None:
    assert parsed('touch "Acme Corp" coffee') == LogTouch("Acme Corp", "coffee")
    assert parsed("touch 'Acme Labs' call") == LogTouch("Acme Labs", "call")
    assert parsed("touch “Globex Inc” call") == LogTouch("Globex Inc", "call")


def test_names_match_case_insensitively_with_normalised_whitespace() -> None:
    assert parsed("touch   ACME    corp   call") == LogTouch("Acme Corp", "call")
    assert parsed('touch "  acme   CORP " call') == LogTouch("Acme Corp", "call")


def test_a_long_name_is_found_over_many_words() -> None:
    assert parsed("health umbrella corporation of america") == ShowHealth(
        "Umbrella Corporation of America"
    )


def test_the_leading_words_of_exactly_one_name_are_enough() -> None:
    assert parsed("touch umbrella call") == LogTouch("Umbrella Corporation of America", "call")
    assert parsed("touch globex call") == LogTouch("Globex Inc", "call")


def test_names_with_apostrophes_umlauts_and_ampersands_resolve() -> None:
    assert parsed("touch mcdonald's call") == LogTouch("McDonald's", "call")
    assert parsed("touch müller gmbh") == LogTouch("Müller GmbH")
    assert parsed("touch AT&amp;T call") == LogTouch("AT&T", "call")  # as Slack escapes it


def test_a_name_that_matches_nothing_gets_did_you_mean_suggestions() -> None:
    error = rejected("touch acne corp coffee")
    assert "No known customer at the start of 'acne corp coffee'" in error.message
    assert "Did you mean" in error.message
    assert error.suggestions[0] == "Acme Corp"


def test_a_misspelled_whole_name_gets_suggestions() -> None:
    error = rejected("snooze initek 1w")
    assert error.message.startswith("No known customer matches 'initek'.")
    assert error.suggestions == ("Initech",)
    assert "snooze <customer|number>" in error.usage


def test_a_prefix_of_several_customers_lists_the_candidates() -> None:
    error = rejected(
        "touch acme corporation call", names=["Acme Corporation Europe", "Acme Corporation Asia"]
    )
    assert error.message.startswith(
        "'acme corporation' could be more than one customer: "
        "Acme Corporation Asia, Acme Corporation Europe."
    )
    assert error.suggestions == ("Acme Corporation Asia", "Acme Corporation Europe")


def test_many_candidates_are_listed_with_an_ellipsis() -> None:
    names = [f"Northwind {i}" for i in range(10)]
    error = rejected("touch northwind", names=names)
    assert ", …." in error.message
    assert len(error.suggestions) == 5


def test_the_resolved_name_is_the_exact_known_spelling() -> None:
    command = parsed("snooze ACME LABS 1w")
    assert isinstance(command, Snooze)
    assert command.customer == "Acme Labs"


def test_an_empty_book_says_how_to_add_a_customer() -> None:
    error = rejected("touch acme", names=[])
    assert "customer add <name>" in error.message


def test_extra_words_after_a_whole_name_are_not_silently_dropped() -> None:
    error = rejected("health acme corp please")
    assert "No known customer matches 'acme corp please'" in error.message


def test_a_quoted_name_followed_by_more_words_is_refused() -> None:
    error = rejected('health "Acme" corp')
    assert "Unexpected 'corp' next to the quoted name 'Acme'" in error.message


def test_name_key_casefolds_normalises_and_collapses_spaces() -> None:
    assert name_key("  Müller   GMBH ") == "müller gmbh"
    assert name_key("\uff21\uff23\uff2d\uff25") == "acme"  # full-width ACME
    assert name_key("Straße") == name_key("STRASSE")


def test_resolve_leading_reports_how_many_words_the_name_took() -> None:
    index = NameIndex(["Acme", "Acme Corp"])
    assert resolve_leading(["acme", "corp", "call"], index) == Found("Acme Corp", 2)
    assert resolve_leading(["acme", "call"], index) == Found("Acme", 1)
    assert resolve_leading(["acme", "corp"], index, max_words=1) == Found("Acme", 1)


def test_the_longest_match_prefers_more_words_even_over_a_shorter_exact_name() -> None:
    index = NameIndex(["Acme", "Acme Corp Europe"])
    assert resolve_leading(["acme", "corp", "call"], index) == Found("Acme Corp Europe", 2)


def test_resolve_reports_ambiguity_and_misses_as_values() -> None:
    index = NameIndex(["Acme Corp", "Acme Labs"])
    assert isinstance(resolve_leading(["acme"], index), Ambiguous)
    assert isinstance(resolve_whole(["zzz"], index), NotFound)


def test_the_name_index_answers_prefix_queries_within_the_limit() -> None:
    index = NameIndex(f"Customer {i:05d}" for i in range(10_000))
    assert index.exact("customer 01234") == "Customer 01234"
    assert len(index.starting_with("customer 0", limit=6)) == 6
    assert index.starting_with("customer 09999", limit=6) == ["Customer 09999"]
    assert index.starting_with("nobody", limit=6) == []


def test_a_large_book_resolves_by_prefix_queries_only() -> None:
    class CountingIndex(NameIndex):
        calls = 0

        def starting_with(self, prefix: str, *, limit: int) -> list[str]:
            CountingIndex.calls += 1
            return list(super().starting_with(prefix, limit=limit))

    index = CountingIndex(f"Customer {i:05d}" for i in range(10_000))
    assert resolve_leading(["customer", "04242", "call"], index) == Found("Customer 04242", 2)
    assert CountingIndex.calls <= 3


def test_duplicate_names_after_normalisation_keep_the_first_spelling() -> None:
    index = NameIndex(["ACME", "acme", "  "])
    assert index.exact("acme") == "ACME"
    assert index.starting_with("", limit=10) == ["ACME"]


def test_a_typo_after_a_shared_prefix_is_not_found_with_suggestions_not_ambiguous() -> None:
    from bot.commands.names import NameIndex, NotFound, resolve_whole

    found = resolve_whole(["acme", "crop"], NameIndex(["Acme Corp", "Acme Labs"]))
    assert isinstance(found, NotFound)
    assert "Acme Corp" in found.suggestions
