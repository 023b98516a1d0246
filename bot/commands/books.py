"""Commands that bring a book in and out: import (how to), export, erase, audit, calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands.commands import UserRef


@dataclass(frozen=True, slots=True)
class ImportHelp:
    kind: str | None = None  # customers, contacts, touches


@dataclass(frozen=True, slots=True)
class ExportBook:
    everything: bool = False  # `all`: the whole workspace (admins)
    fmt: str = "csv"


@dataclass(frozen=True, slots=True)
class EraseCustomer:
    customer: str
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class ErasePerson:
    user: UserRef
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class ShowAudit:
    customer: str | None = None
    since: date | None = None


@dataclass(frozen=True, slots=True)
class ShowCalendar:
    reset: bool = False  # a new secret address; the old one stops working
