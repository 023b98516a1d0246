"""Words, quotes, notes and mentions."""

from __future__ import annotations

from bot.commands.lexer import Token, lex


def texts(text: str) -> list[str]:
    return [token.text for token in lex(text).tokens]


def test_words_are_split_on_any_whitespace() -> None:
    assert texts("  touch\tacme \n corp ") == ["touch", "acme", "corp"]


def test_double_quotes_group_words_and_mark_them_quoted() -> None:
    lexed = lex('touch "Acme Corp" call')
    assert lexed.tokens[1] == Token("Acme Corp", quoted=True, bare=0)
    assert lexed.tokens[2].plain


def test_typographic_quotes_from_phones_group_words() -> None:
    assert texts("touch “Acme Corp” call") == ["touch", "Acme Corp", "call"]
    assert texts("touch „Müller GmbH“ call") == ["touch", "Müller GmbH", "call"]


def test_a_quote_inside_a_word_is_an_apostrophe() -> None:
    assert texts("touch McDonald's call") == ["touch", "McDonald's", "call"]
    assert texts("touch '90s Diner") == ["touch", "'90s", "Diner"]


def test_single_quotes_group_words_when_they_close_a_word() -> None:
    assert texts("touch 'Acme Corp' call") == ["touch", "Acme Corp", "call"]


def test_an_option_value_may_be_quoted() -> None:
    token = lex('role="Head of Sales"').tokens[0]
    assert token.text == "role=Head of Sales"
    assert token.bare_text == "role="


def test_the_first_double_dash_starts_the_verbatim_note() -> None:
    lexed = lex('touch acme -- she said "call me" -- twice   ')
    assert texts('touch acme -- she said "call me"') == ["touch", "acme"]
    assert lexed.note == 'she said "call me" -- twice'


def test_an_em_dash_works_as_the_note_separator() -> None:
    assert lex("touch acme \u2014 lunch").note == "lunch"


def test_a_quoted_double_dash_is_a_word() -> None:
    lexed = lex('touch "--" acme')
    assert lexed.note is None
    assert lexed.tokens[1] == Token("--", quoted=True, bare=0)


def test_a_dash_glued_to_a_word_is_no_separator() -> None:
    assert lex("touch acme --lunch").note is None


def test_an_empty_note_is_none() -> None:
    assert lex("touch acme --   ").note is None


def test_slack_mentions_are_one_word() -> None:
    assert texts("assign acme <@U123|maria> now") == ["assign", "acme", "<@U123|maria>", "now"]
    assert texts("cover=<@U123>") == ["cover=<@U123>"]


def test_teams_mentions_with_spaces_are_one_word() -> None:
    assert texts("team add <at>Maria Schmidt</at> admin") == [
        "team",
        "add",
        "<at>Maria Schmidt</at>",
        "admin",
    ]


def test_slack_entities_are_unescaped_in_words_and_notes() -> None:
    lexed = lex("touch AT&amp;T -- 3 &lt; 4 &amp;&amp; 5 &gt; 4")
    assert lexed.tokens[1].text == "AT&T"
    assert lexed.note == "3 < 4 && 5 > 4"


def test_an_unclosed_double_quote_is_an_error_value() -> None:
    lexed = lex('touch "acme corp')
    assert lexed.error is not None
    assert "Missing closing quote" in lexed.error
