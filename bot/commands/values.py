"""Option values as users type them: people, birthdays, money, cadences, zones, tags."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TypeVar

from bot.commands.commands import Birthday, UserRef
from bot.commands.durations import OutOfRange, parse_iso_date
from bot.commands.problems import Invalid
from nudges.model import Cadence

E = TypeVar("E", bound=StrEnum)

_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>", re.ASCII)
_TEAMS_USER = re.compile(r"<at>(.+)</at>", re.DOTALL)
_MONTH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_MONEY = re.compile(r"([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([km]?)", re.ASCII)


def parse_user(token: str) -> UserRef:
    raw = token.strip()
    if slack := _SLACK_USER.fullmatch(raw):
        return UserRef(raw, user_id=slack.group(1), name=slack.group(2) or None)
    if teams := _TEAMS_USER.fullmatch(raw):
        name = " ".join(teams.group(1).split())
        if name:
            return UserRef(raw, name=name)
    if raw.startswith("@") and raw[1:].strip():
        return UserRef(raw, name=" ".join(raw[1:].split()))
    raise Invalid(f"Not a person: {token!r} (expected a mention like @maria).")


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def parse_email(token: str) -> str:
    """An email address (Slack sends ``<mailto:a@b.c|a@b.c>``)."""
    text = token.strip()
    if text.startswith("<mailto:") and text.endswith(">"):
        text = text[len("<mailto:") : -1].split("|", 1)[0]
    if len(text) > 320 or not _EMAIL.fullmatch(text):
        raise Invalid(f"Not an email address: {token!r} (expected e.g. jane@example.com).")
    return text


def looks_like_user(token: str) -> bool:
    return token.startswith(("@", "<@", "<at>"))


def parse_birthday(token: str) -> Birthday:
    """MM-DD (February 29 allowed) or YYYY-MM-DD."""
    text = token.strip()
    if match := _MONTH_DAY.fullmatch(text):
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(2000, month, day)  # a leap year: 02-29 is a birthday
        except ValueError:
            raise Invalid(f"Not a birthday: {token!r} (expected MM-DD or YYYY-MM-DD).") from None
        return Birthday(month, day)
    try:
        full = parse_iso_date(text)
    except OutOfRange:
        raise
    except Invalid:
        raise Invalid(f"Not a birthday: {token!r} (expected MM-DD or YYYY-MM-DD).") from None
    return Birthday(full.month, full.day, full.year)


def parse_int(token: str, *, what: str, low: int, high: int) -> int:
    text = token.strip()
    if not re.fullmatch(r"[0-9]{1,9}", text, re.ASCII):
        raise Invalid(f"Not a whole number for {what}: {token!r}.")
    value = int(text)
    if not low <= value <= high:
        raise Invalid(f"{what} must be between {low} and {high}, not {value}.")
    return value


def parse_money(token: str) -> int:
    """Whole currency units: ``120000``, ``120,000``, ``120k``, ``1.5m``; a symbol is ignored."""
    text = token.strip().lower().lstrip("$€£¥").rstrip("$€£¥")
    match = _MONEY.fullmatch(text)
    if match is None or len(text) > 20:
        raise Invalid(f"Not an amount: {token!r} (expected e.g. 120000 or 120k).")
    number = float(match.group(1).replace(",", "").replace("_", ""))
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    return round(number * scale)


def parse_cadence(token: str) -> Cadence:
    """``14/30``: ideal days / maximum days."""
    match = re.fullmatch(r"([0-9]{1,4})d?\s*/\s*([0-9]{1,4})d?", token.strip().lower(), re.ASCII)
    if match is None:
        raise Invalid(f"Not a cadence: {token!r} (expected ideal/max days, e.g. 14/30).")
    ideal, most = int(match.group(1)), int(match.group(2))
    if not 1 <= ideal <= most:
        raise Invalid(f"Cadence {token!r}: the ideal must be at least 1 and at most the maximum.")
    return Cadence(ideal_days=ideal, max_days=most)


def parse_word(token: str, *, what: str) -> str:
    """A lower-case identifier (ritual, life event kind): ``case-study`` -> case_study."""
    word = "_".join(token.strip().lower().replace("-", "_").split())
    if not word or len(word) > 60 or not all(c.isalnum() or c == "_" for c in word):
        raise Invalid(f"Not a valid {what}: {token!r} (letters, digits, - and _ only).")
    return word


def parse_tier(token: str) -> str:
    # Tier names are configurable ("long-tail"): keep hyphens, only normalise case.
    word = token.strip().lower()
    if not word or len(word) > 40 or not all(c.isalnum() or c in "-_" for c in word):
        raise Invalid(f"Not a valid tier: {token!r} (letters, digits, - and _ only).")
    return word


def parse_list(token: str, *, what: str) -> frozenset[str]:
    """Comma-separated tiers or tags, lower-cased: ``fintech,EMEA`` -> {fintech, emea}."""
    items = [item.strip() for item in token.split(",")]
    if not any(items):
        raise Invalid(f"Empty list of {what}s: {token!r}.")
    return frozenset(parse_tier(item) for item in items if item)


def parse_enum(token: str, enum: type[E], *, what: str) -> E:
    word = token.strip().lower().replace("-", "_").replace(" ", "_")
    for member in enum:
        if member.value == word:
            return member
    choices = [member.value for member in enum]
    close = tuple(difflib.get_close_matches(word, choices, n=1))
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise Invalid(
        f"Unknown {what} {token!r}; one of: {', '.join(choices)}.{hint}", suggestions=close
    )


def parse_enums(token: str, enum: type[E], *, what: str) -> frozenset[E]:
    items = [item for item in (part.strip() for part in token.split(",")) if item]
    if not items:
        raise Invalid(f"Empty list of {what}s: {token!r}.")
    return frozenset(parse_enum(item, enum, what=what) for item in items)


@cache
def _zones() -> dict[str, str]:
    return {zone.lower(): zone for zone in zoneinfo.available_timezones()}


def parse_timezone(token: str) -> str:
    """An IANA zone name, in its canonical spelling (``europe/berlin`` -> Europe/Berlin)."""
    text = token.strip()
    zones = _zones()
    if not zones:  # no zone database to check against: leave it to the service
        return text
    if found := zones.get(text.lower()):
        return found
    close = tuple(
        zones[z] for z in difflib.get_close_matches(text.lower(), list(zones), n=3, cutoff=0.7)
    )
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise Invalid(
        f"Unknown time zone {token!r} (expected an IANA name like Europe/Berlin).{hint}",
        suggestions=close,
    )


def parse_country(token: str) -> str:
    text = token.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text, re.ASCII):
        raise Invalid(f"Not a country code: {token!r} (expected two letters, e.g. US or DE).")
    return text
