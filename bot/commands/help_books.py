"""Help for the commands that bring a book in and out, as (command, usage, summary, examples,
notes), made into ``HelpEntry`` values by ``bot.commands.help``."""

from __future__ import annotations

BOOK_ENTRIES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "import",
        "import [customers|contacts|touches]",
        "How to bring your customers in from HubSpot, Salesforce, Pipedrive or any CSV.",
        ("import", "import touches"),
        ("Imports run on the bot's server (`nudgebot import …`); this tells you the command.",),
    ),
    (
        "export",
        "export [all] [json]",
        "Download your book (customers, contacts, dates, events, touches, nudges) as a zip.",
        ("export", "export all json"),
        ("`all`: the whole workspace (admins). The link works once, for 15 minutes.",),
    ),
    (
        "customer erase",
        "customer erase <customer> [confirm]",
        "Erase a customer for good: contacts, notes, dates, events, nudges (owner or admin).",
        ("customer erase acme", "customer erase acme confirm"),
        ("Without `confirm` it only says what would be erased.",),
    ),
    (
        "person erase",
        "person erase @user [confirm]",
        "Erase a colleague who left, once their customers are reassigned (admins).",
        ("person erase @lee", "person erase @lee confirm"),
        (),
    ),
    (
        "audit",
        "audit [<customer>] [since=YYYY-MM-DD]",
        "Who changed what and when (your team's customers; admins: everything).",
        ("audit", "audit acme since=2026-01-01"),
        (),
    ),
    (
        "calendar",
        "calendar [reset]",
        "Your calendar feed: birthdays, anniversaries, renewals, dates and snoozed follow-ups.",
        ("calendar", "calendar reset"),
        ("Subscribe to the address in Google, Outlook or Apple Calendar; `reset` revokes it.",),
    ),
)
