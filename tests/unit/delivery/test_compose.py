"""The daily message's footer: what waits for the next days."""

from bot.delivery.compose import waiting_footer


def test_the_daily_message_says_how_many_first_check_ins_wait():
    assert waiting_footer({"waiting": "38", "waiting_first": "38"}) == (
        "38 more accounts need a first check-in; the most valuable come first."
    )
    assert waiting_footer({"waiting": "40", "waiting_first": "38"}) == (
        "38 more accounts need a first check-in; the most valuable come first. "
        "2 more waiting for the next days."
    )
    assert waiting_footer({"waiting": "3"}) == "3 more waiting for the next days."
    assert waiting_footer({"waiting": "0"}) is None
