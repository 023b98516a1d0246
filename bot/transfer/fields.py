"""One parser per field: raw cell text in, our value out, or :class:`BadValue` saying what
was expected. Pure; the file's choices (date order, value maps, tiers) come in a
:class:`Choices` value."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.commands.problems import Invalid
from bot.commands.values import parse_birthday, parse_cadence, parse_timezone, parse_word
from bot.transfer.values import (
    BadValue,
    DateOrder,
    parse_country,
    parse_day,
    parse_flag,
    parse_moment,
    parse_money,
    parse_whole,
)
from nudges.model import NudgeReason, NudgeState, OfferKind, PitchState, RelationshipKind


@dataclass(frozen=True, slots=True)
class Choices:
    """What a file's values mean: made once per file, from the preset, a mapping file and the
    command line."""

    order: DateOrder
    tiers: tuple[str, ...]  # the configured tier names, best first
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> map
    bands: tuple[tuple[str, int], ...] = ()  # (tier, least annual value), best first


Parser = Callable[[str, Choices], Any]


def _mapped(name: str, text: str, choices: Choices) -> str:
    table = choices.values.get(name)
    if not table:
        return text
    word = " ".join(text.strip().lower().split())
    return table.get(word, table.get("*", text))


def _wrap(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parsed(text: str) -> Any:
        try:
            return parse(text)
        except Invalid as problem:
            raise BadValue(problem.message.rstrip(".")) from None

    return parsed


def text(limit: int) -> Parser:
    def parse(value: str, _choices: Choices) -> str:
        cleaned = " ".join(value.split())
        if len(cleaned) > limit:
            raise BadValue(f"at most {limit} characters (this has {len(cleaned)})")
        return cleaned

    return parse


def note(value: str, _choices: Choices) -> str:
    return value.strip().replace("\r\n", "\n")


def day(value: str, choices: Choices) -> date:
    return parse_day(value, order=choices.order)


def moment(value: str, choices: Choices) -> date | datetime:
    return parse_moment(value, order=choices.order)


def money(value: str, _choices: Choices) -> int:
    return parse_money(value)


def whole(low: int, high: int) -> Parser:
    return lambda value, _choices: parse_whole(value, low=low, high=high)


def flag(value: str, _choices: Choices) -> bool:
    return parse_flag(value)


def tier(value: str, choices: Choices) -> str:
    word = _mapped("tier", value, choices).strip().lower()
    if word not in choices.tiers:
        raise BadValue(f"a tier: {', '.join(choices.tiers)}")
    return word


def kind(value: str, choices: Choices) -> str:
    word = _mapped("kind", value, choices).strip().lower().replace(" ", "_")
    known = [k.value for k in RelationshipKind]
    if word not in known:
        raise BadValue(f"a kind: {', '.join(known)} (or map it in --mapping [values.kind])")
    return word


def enum_of(values: type[NudgeReason | NudgeState | OfferKind | PitchState]) -> Parser:
    def parse(value: str, _choices: Choices) -> str:
        word = value.strip().lower()
        known = [v.value for v in values]
        if word not in known:
            raise BadValue(f"one of {', '.join(known)}")
        return word

    return parse


def ritual(value: str, choices: Choices) -> str:
    result: str = _wrap(lambda v: parse_word(v, what="ritual"))(_mapped("ritual", value, choices))
    return result


def cadence(value: str, _choices: Choices) -> Any:
    return _wrap(parse_cadence)(value)


def timezone(value: str, _choices: Choices) -> str:
    zone: str = _wrap(parse_timezone)(_mapped("timezone", value, _choices))
    return zone


def country(value: str, choices: Choices) -> str:
    return parse_country(_mapped("country", value, choices))


def tags(value: str, _choices: Choices) -> frozenset[str]:
    """``fintech, EMEA`` or a CRM's ``Computer Software``: lower case, words joined by -."""
    found = set()
    for item in re.split(r"[,;]", value):
        slug = re.sub(r"[^0-9a-z_]+", "-", item.strip().lower()).strip("-")
        if slug:
            found.add(slug[:64])
    return frozenset(found)


def email(value: str, _choices: Choices) -> str:
    address = value.strip()
    if len(address) > 320 or not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
        raise BadValue("an e-mail address")
    return address


def birthday(value: str, choices: Choices) -> tuple[int, int, int | None]:
    try:
        found = parse_birthday(value)
        return (found.month, found.day, found.year)
    except Invalid:
        pass
    full = parse_day(value, order=choices.order)
    return (full.month, full.day, full.year)


def weekdays(value: str, _choices: Choices) -> frozenset[int]:
    try:
        days = frozenset(int(d) for d in value.split(",") if d.strip())
    except ValueError:
        raise BadValue("weekday numbers, Monday = 0, e.g. 0,1,2,3,4") from None
    if not days <= set(range(7)):
        raise BadValue("weekday numbers, Monday = 0, e.g. 0,1,2,3,4")
    return days


def words(value: str, _choices: Choices) -> frozenset[str]:
    return frozenset(w.strip() for w in value.split(",") if w.strip())


def number(value: str, _choices: Choices) -> float:
    try:
        return float(value)
    except ValueError:
        raise BadValue("a number") from None


def facts(value: str, _choices: Choices) -> tuple[tuple[str, str], ...]:
    try:
        loaded = json.loads(value)
        return tuple((str(k), str(v)) for k, v in loaded)
    except (ValueError, TypeError):
        raise BadValue('a JSON list of [label, value] pairs, e.g. [["level", "red"]]') from None


NAME = text(200)
KEY = text(160)
REF = text(320)  # a person: e-mail, handle or display name

CUSTOMER: Mapping[str, Parser] = {
    "key": KEY, "name": NAME, "owner": REF, "tier": tier, "kind": kind, "cadence": cadence,
    "since": day, "renewal": day, "value": money, "timezone": timezone, "country": country,
    "tags": tags, "dnc_until": day, "dnc_reason": note, "min_gap_days": whole(0, 365),
    "archived": flag, "last_touch": moment, "owner_last_touch": moment, "added_at": moment,
}  # fmt: skip
CONTACT: Mapping[str, Parser] = {
    "key": KEY, "customer": NAME, "customer_key": KEY, "name": NAME, "first_name": NAME,
    "last_name": NAME, "role": NAME, "email": email, "birthday": birthday, "added_at": moment,
}  # fmt: skip
TOUCH: Mapping[str, Parser] = {
    "key": KEY, "customer": NAME, "customer_key": KEY, "person": REF, "contact": NAME,
    "contact_key": KEY, "ritual": ritual, "at": moment, "note": note, "done": flag,
}  # fmt: skip
WORKSPACE: Mapping[str, Parser] = {
    "platform": text(16), "external_id": text(64), "name": NAME, "timezone": timezone,
    "holiday_country": country,
}  # fmt: skip
PERSON: Mapping[str, Parser] = {
    "key": text(128), "display_name": NAME, "email": email, "timezone": timezone,
    "working_days": weekdays, "delivery_hour": whole(0, 23), "holiday_country": country,
    "manager": text(128), "ooo_until": day, "cover": text(128), "daily_cap": whole(1, 1000),
    "is_admin": flag, "unreachable": flag, "added_at": moment,
}  # fmt: skip
DATE: Mapping[str, Parser] = {
    "key": KEY, "customer": NAME, "customer_key": KEY, "contact_key": KEY, "label": NAME,
    "on": day, "yearly": flag, "lead_days": whole(0, 365),
}  # fmt: skip
EVENT: Mapping[str, Parser] = {
    "key": KEY, "customer": NAME, "customer_key": KEY, "contact_key": KEY,
    "kind": lambda v, c: _wrap(lambda w: parse_word(w, what="life event kind"))(v),
    "on": day, "note": note,
}  # fmt: skip
OFFER: Mapping[str, Parser] = {
    "title": NAME, "kind": enum_of(OfferKind), "existing_first_on": day, "public_on": day,
    "quantity": whole(1, 10**9), "tiers": words, "kinds": words, "tags": words,
    "description": note, "added_at": moment,
}  # fmt: skip
PITCH: Mapping[str, Parser] = {
    "offer": NAME, "customer": NAME, "customer_key": KEY, "state": enum_of(PitchState),
    "at": moment, "person": text(128),
}  # fmt: skip
NUDGE: Mapping[str, Parser] = {
    "key": text(400), "customer": NAME, "customer_key": KEY, "recipient": text(128),
    "reason": enum_of(NudgeReason), "level": text(8), "due_on": day, "deliver_on": day,
    "priority": number, "ritual": text(32), "detail": note, "facts": facts,
    "state": enum_of(NudgeState), "snoozed_until": day, "state_reason": note, "offer": NAME,
    "contact_key": KEY, "date_key": KEY, "event_key": KEY, "person_key": text(128),
    "added_at": moment, "updated_at": moment,
}  # fmt: skip
