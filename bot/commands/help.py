"""The help texts, as data: one entry per command.

The console, Slack, Teams and the CLI's ``--help`` all render these same entries, and the parser
quotes an entry's usage line in every error about that command.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.help_books import BOOK_ENTRIES


@dataclass(frozen=True, slots=True)
class HelpEntry:
    command: str  # the words that select it, e.g. "customer add"
    usage: str
    summary: str
    examples: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.command.split()[0]


HELP: tuple[HelpEntry, ...] = (
    HelpEntry(
        "touch",
        "touch <customer> [<ritual>] [contact=<name>] [on=<day>] [-- <note>]",
        "Log a touchpoint: you were in touch with a customer. Resets its quiet clock.",
        (
            "touch acme",
            "touch acme corp coffee -- lunch went well, they want the audit",
            'touch "Globex Inc" call contact="Jane Doe" on=yesterday',
            "log acme lunch contact=Claire on=last friday",
        ),
        (
            "Rituals: call, coffee, lunch, meeting, email, card, gift, audit, workshop, "
            "case_study, pitch, …",
            "Customer names need no quotes: the longest name you know wins.",
            "`log` is another word for `touch`. on=: yesterday, friday, last friday, 3 days "
            "ago or YYYY-MM-DD. contact=: a contact's name, or the start of it when only one "
            "matches (Claire for Claire Dubois).",
        ),
    ),
    HelpEntry(
        "customer add",
        "customer add <name> [tier=…] [since=YYYY-MM-DD] [renewal=YYYY-MM-DD] [value=N] [tz=…] "
        "[country=XX] [kind=…] [owner=@user] [cadence=ideal/max] [tags=a,b] [last=YYYY-MM-DD]",
        "Add a customer (or partner, supplier, referrer, internal stakeholder).",
        (
            'customer add "Acme Corp" tier=key since=2021-03-01 renewal=2027-01-31 value=120000 '
            "tz=America/New_York country=US owner=@maria cadence=14/30 tags=fintech,emea",
            "customer add Initech kind=partner last=2025-02-20",
        ),
        (
            "kind: customer, partner, supplier, referrer, internal. value: whole units, 120k "
            "works. cadence: touch every 14 days ideally, 30 at most. last: the day it was last "
            "touched, so its status is right from day one; without it, a first check-in is due "
            "after a short onboarding window.",
        ),
    ),
    HelpEntry(
        "customer edit",
        "customer edit <customer> [tier=…] [since=…] [renewal=…] [value=…] [tz=…] [country=…] "
        "[kind=…] [owner=@user] [cadence=…] [tags=…] [last=…]",
        "Change a customer's details; `<option>=none` clears since, renewal, tz, country, "
        "cadence or tags.",
        ("customer edit acme renewal=2028-01-31 value=150k", "customer edit acme cadence=none"),
    ),
    HelpEntry(
        "customer show",
        "customer show <customer>",
        "Show a customer: owner, tier, cadence, last touches, dates, contacts, open nudges.",
        ("customer show acme",),
    ),
    HelpEntry(
        "customer list",
        "customer list [tier=…] [owner=@user] [kind=…] [tag=…] [all] [archived]",
        "List your customers (`all`: everyone's; `archived`: include archived ones).",
        ("customer list", "customer list tier=key owner=@maria", "customer list all"),
    ),
    HelpEntry(
        "customer archive",
        "customer archive <customer> [-- <reason>]",
        "Archive a customer: no more nudges about it.",
        ("customer archive initech -- acquired by Globex",),
    ),
    HelpEntry(
        "customer assign",
        "customer assign <customer> owner=@user",
        "Hand a customer over to another owner.",
        ("customer assign acme owner=@bob", "customer assign acme @bob"),
    ),
    HelpEntry(
        "customer unarchive",
        "customer unarchive <customer>",
        "Bring an archived customer back: its nudges resume.",
        ("customer unarchive initech",),
    ),
    HelpEntry(
        "history",
        "history <customer> [<n>]",
        "The customer's touches, newest first: when, who, ritual, contact and note "
        "(10 unless you say how many, at most 100).",
        ("history acme", "history acme corp 25"),
    ),
    HelpEntry(
        "contact add",
        "contact add <customer> <name> [birthday=MM-DD|YYYY-MM-DD] [role=…] [email=…]",
        "Add a contact at a customer; birthdays are remembered every year.",
        (
            'contact add acme Jane Doe birthday=05-17 role="Head of Operations"',
            "contact add acme Claire Dubois role=VP Procurement email=claire@acme.example",
        ),
    ),
    HelpEntry(
        "contact edit",
        "contact edit <customer> <contact> [name=…] [role=…|none] [birthday=…|none] [email=…|none]",
        "Correct a contact: their name, role, birthday or email (`none` clears it).",
        (
            "contact edit acme Jane Doe role=CFO",
            "contact edit acme claire birthday=1980-04-02 email=none",
        ),
        ("<contact>: their name, or the start of it when only one contact matches.",),
    ),
    HelpEntry(
        "contact remove",
        "contact remove <customer> <contact>",
        "Remove a contact (added by mistake, or gone); their touches stay in the history.",
        ("contact remove acme Jane Doe",),
    ),
    HelpEntry(
        "date add",
        "date add <customer> <label> <YYYY-MM-DD> [yearly] [lead=<days>]",
        "Remember an important date (one-off unless `yearly`); nudged `lead` days ahead.",
        ("date add acme founding day 2009-06-01 yearly lead=7", "date add acme go-live 2026-09-15"),
    ),
    HelpEntry(
        "date list",
        "date list <customer>",
        "The dates remembered for a customer: birthdays, anniversary, renewal and your own.",
        ("date list acme",),
    ),
    HelpEntry(
        "date edit",
        "date edit <customer> <label> [on=YYYY-MM-DD] [label=…] [lead=<days>|none] [yearly|once]",
        "Correct a date you added: its day, label, notice or whether it comes back yearly.",
        ("date edit acme go-live on=2026-10-01", "date edit acme founding day lead=14 yearly"),
    ),
    HelpEntry(
        "date remove",
        "date remove <customer> <label>",
        "Forget a date you added.",
        ("date remove acme go-live",),
    ),
    HelpEntry(
        "event add",
        "event add <customer|contact> <kind> [<date>] [contact=<name>] [-- <note>]",
        "Record a life event (illness, bereavement, new_role, promotion, new_baby, …); "
        "sensitive ones pause upbeat nudges and suggest a card.",
        ("event add Jane Doe new_baby -- a girl, Mia", "event add acme new_role 2026-03-01"),
    ),
    HelpEntry(
        "event remove",
        "event remove <customer|contact> <kind> [<date>] [contact=<name>]",
        "Remove a life event recorded by mistake (the latest of that kind, or the one on "
        "that day); what it paused resumes.",
        ("event remove acme illness", "event remove Jane Doe new_baby 2026-03-01"),
    ),
    HelpEntry(
        "quiet",
        "quiet [@user]",
        "Relationships that have gone quiet, worst first: yours (a manager's: the team's), or "
        "someone's in your team.",
        ("quiet", "quiet @sam"),
    ),
    HelpEntry(
        "nudges",
        "nudges [@user]",
        "Your open nudges, numbered (`done 2` answers the second), or someone's in your team.",
        ("nudges", "nudges @sam"),
    ),
    HelpEntry(
        "snooze",
        "snooze <customer|number> <3d|2w|1 week|1m|YYYY-MM-DD|friday> [-- <reason>]",
        "Snooze a customer's nudges until then.",
        (
            "snooze acme 1w -- waiting for their reorg",
            "snooze acme corp 2026-09-01",
            "snooze acme 1 week",
            "snooze 2 1w",
        ),
        ("A number instead of the customer is the item's number in the last list you saw.",),
    ),
    HelpEntry(
        "skip",
        "skip <customer|number> [-- <reason>]",
        "Skip a customer's current nudges.",
        ("skip acme -- spoke at the conference", "skip 3"),
    ),
    HelpEntry(
        "done",
        "done <customer|number>",
        "Mark a customer's current nudges done (a check-in or pitch is logged with them).",
        ("done acme", "done 2"),
        ("A number is the item's number in the last list you saw (`nudges`, your daily message).",),
    ),
    HelpEntry(
        "escalation acknowledge",
        "escalation acknowledge <customer|number>",
        "Managers: you have seen the escalation; the customer stays with its owner. No touch "
        "is logged (nobody called them).",
        ("escalation acknowledge acme", "escalation acknowledge 2"),
    ),
    HelpEntry(
        "escalation remind",
        "escalation remind <customer|number>",
        "Managers: the owner gets a message asking them to get in touch. No touch is logged.",
        ("escalation remind acme",),
    ),
    HelpEntry(
        "escalation takeover",
        "escalation takeover <customer|number>",
        "Managers: the customer becomes yours. No touch is logged: it is still red.",
        ("escalation takeover acme",),
    ),
    HelpEntry(
        "escalation reassign",
        "escalation reassign <customer|number> @user",
        "Managers: hand the customer to someone in your team, who is told. No touch is logged.",
        ("escalation reassign acme @sue", "escalation reassign 1 @bob"),
    ),
    HelpEntry(
        "dnc",
        "dnc <customer> until=<date|3m> [-- <reason>] | dnc <customer> off",
        "Do not contact a customer until a day (no nudges about it); `off` lifts it.",
        ("dnc acme until=2026-06-30 -- legal dispute", "dnc acme off"),
    ),
    HelpEntry(
        "ooo",
        "ooo until=<date|2w> [cover=@user] | ooo off",
        "Out of office: no nudges for you until then (your cover gets them).",
        ("ooo until=2026-08-15 cover=@bob", "ooo off"),
    ),
    HelpEntry(
        "me",
        "me [tz=<Area/City>] [hour=0-23] [days=mon-fri] [cap=N] [country=XX]",
        "Show your settings, or change when and how many nudges you get.",
        ("me", "me tz=Europe/Berlin hour=8 days=mon-fri cap=5 country=DE"),
    ),
    HelpEntry(
        "offer add",
        "offer add <title> kind=product|incentive|case_study|win from=<date> public=<date> "
        "[qty=N] [tiers=a,b] [kinds=a,b] [tags=a,b] [-- <description>]",
        "Add an offer: existing customers hear of it from `from`, before it goes public.",
        (
            "offer add Analytics Pro kind=product from=2026-04-01 public=2026-05-01 qty=20 "
            "tiers=key,core",
        ),
    ),
    HelpEntry("offer list", "offer list", "List the current offers.", ("offer list",)),
    HelpEntry(
        "offer show",
        "offer show <offer>",
        "Show an offer and its pitches.",
        ("offer show analytics pro",),
    ),
    HelpEntry(
        "offer pitched",
        "offer pitched <offer> <customer> [accepted|declined]",
        "Record that you pitched an offer to a customer, and how it went.",
        ('offer pitched "Analytics Pro" acme accepted', "offer pitched analytics pro acme corp"),
    ),
    HelpEntry(
        "digest",
        "digest [@user|team] | digest channel [off]",
        "Your digest, a colleague's, or your team's. `digest channel`, typed in a team "
        "channel (mentioning the bot), posts your weekly team digest there too; `off` stops it.",
        ("digest", "digest team", "digest @maria", "digest channel", "digest channel off"),
    ),
    HelpEntry(
        "health",
        "health <customer> | health @user",
        "How a relationship is doing and why (recency, trend, breadth, pitches, tenure); or "
        "how someone's book in your team is doing, weakest first.",
        ("health acme", "health @sam"),
    ),
    HelpEntry(
        "team add",
        "team add @user [manager=@user] [admin]",
        "Add a colleague to the team (admins only).",
        ("team add @maria manager=@lee", "team add @lee admin"),
    ),
    HelpEntry("team list", "team list", "List the team.", ("team list",)),
    HelpEntry(
        "deliveries",
        "deliveries [failed] [all]",
        "Messages to you: sent in the last 7 days (when, where, how many items), waiting, and "
        "failed with the reason (`failed`: failed ones only; `all`: everyone's, admins only).",
        ("deliveries failed", "deliveries failed all"),
    ),
    *(HelpEntry(*entry) for entry in BOOK_ENTRIES),
    HelpEntry(
        "undo",
        "undo",
        "Take back your last change, made in the last 15 minutes (a touch, an edit, an answer "
        "to a nudge, …); it says what it took back. Again: the change before.",
        ("undo",),
    ),
    HelpEntry(
        "help",
        "help [<command>]",
        "This help, or one command's.",
        ("help", "help snooze"),
        (
            "Options: an option's value runs up to the next option, so role=VP Procurement "
            'needs no quotes (role="VP Procurement" works too); the command\'s own words go '
            "before its options.",
        ),
    ),
)

_BY_COMMAND = {entry.command: entry for entry in HELP}
TOPICS: tuple[str, ...] = tuple(dict.fromkeys([e.command for e in HELP] + [e.group for e in HELP]))


def entry(command: str) -> HelpEntry | None:
    return _BY_COMMAND.get(command)


def usage(command: str) -> str:
    found = _BY_COMMAND.get(command)
    return found.usage if found is not None else overview_usage()


def overview_usage() -> str:
    return "help [<command>] — commands: " + ", ".join(dict.fromkeys(e.group for e in HELP))


def entries_for(topic: str | None) -> tuple[HelpEntry, ...]:
    """The entries for a command ("customer add"), a group ("customer") or all (None)."""
    if topic is None:
        return HELP
    key = " ".join(topic.lower().split())
    if key in _BY_COMMAND:
        return (_BY_COMMAND[key],)
    return tuple(e for e in HELP if e.group == key)


def render_entry(help_entry: HelpEntry) -> str:
    lines = [help_entry.usage, f"  {help_entry.summary}"]
    lines += [f"  {note}" for note in help_entry.notes]
    lines += [f"  e.g. {example}" for example in help_entry.examples]
    return "\n".join(lines)


#: How each surface takes commands: the first line of the full help.
INTROS: dict[str, str] = {
    "slack": "Commands (in Slack: /nudge <command>, or /touch …):",
    "teams": "Commands: type them in this chat, e.g. touch acme coffee (the commands menu "
    "suggests them as you type; in a channel, mention me first):",
}
DEFAULT_INTRO = "Commands:"


def render_help(topic: str | None = None, *, surface: str | None = None) -> str:
    """Plain-text help for a command, a group, or (no topic) every command; ``surface``
    ("slack", "teams", …) says how commands are typed there."""
    chosen = entries_for(topic)
    if not chosen:
        return f"No help for {topic!r}. {overview_usage()}"
    body = "\n\n".join(render_entry(e) for e in chosen)
    if topic is None:
        return INTROS.get(surface or "", DEFAULT_INTRO) + "\n\n" + body
    return body
