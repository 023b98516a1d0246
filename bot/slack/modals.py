"""The modals behind a nudge's *Log…* and *Skip* buttons, and reading their submissions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.blocks import escape, mrkdwn

LOG_CALLBACK = "nudge_log_modal"
SKIP_CALLBACK = "nudge_skip_modal"

RITUAL, CONTACT, NOTE, DATE, REASON = "ritual", "contact", "note", "date", "reason"
CUSTOMER = "customer"
NOTE_LIMIT = 2000  # what the note field takes (a longer message is cut to it, and says so)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the button was: the nudge, and the message to update once the modal is sent."""

    ref: str
    channel: str | None = None
    ts: str | None = None
    home: bool = False  # the button was on the Home tab

    def dumps(self) -> str:
        return json.dumps(
            {"ref": self.ref, "channel": self.channel, "ts": self.ts, "home": self.home}
        )

    @staticmethod
    def loads(raw: str) -> Origin:
        data = json.loads(raw or "{}")
        return Origin(
            ref=str(data.get("ref", "")),
            channel=data.get("channel"),
            ts=data.get("ts"),
            home=bool(data.get("home")),
        )


def _text(value: str) -> PlainTextObject:
    return PlainTextObject(text=value)


def _about(customer: str | None, what: str) -> SectionBlock:
    """Whom the form is about; None while it is being looked up (the form opens first)."""
    if customer is None:
        return SectionBlock(text=mrkdwn(what + " …"))
    return SectionBlock(text=mrkdwn(what + " *" + escape(customer) + "*"))


def _customer_input(guess: str | None) -> InputBlock:
    return InputBlock(
        block_id=CUSTOMER,
        label=_text("Customer"),
        hint=_text("Guessed from the channel or the message: change it if it is wrong."),
        element=PlainTextInputElement(
            action_id=CUSTOMER, max_length=200, initial_value=guess or None
        ),
    )


def log_modal(
    origin: Origin,
    *,
    customer: str | None,
    rituals: Sequence[tuple[str, str]],
    today: date | None,
    ask_customer: bool = False,
    note: str | None = None,
) -> dict[str, Any]:
    """Ritual (from the playbook), contact, note and date of the touch. It opens before the
    customer and the person's own today are known (``None``), and is updated with them.
    ``ask_customer``: a touch logged from any message (the customer a guess to confirm), with
    the message as its note."""
    options = [Option(value=name, text=_text(label[:75])) for name, label in rituals[:100]]
    blocks: list[Any] = [
        _customer_input(customer) if ask_customer else _about(customer, "Log a touch with"),
        InputBlock(
            block_id=RITUAL,
            label=_text("Ritual"),
            optional=True,
            element=StaticSelectElement(
                action_id=RITUAL, placeholder=_text("Call, coffee, card…"), options=options
            ),
        ),
        InputBlock(
            block_id=CONTACT,
            label=_text("Contact"),
            optional=True,
            element=PlainTextInputElement(action_id=CONTACT, max_length=200),
        ),
        InputBlock(
            block_id=NOTE,
            label=_text("Note"),
            optional=True,
            element=PlainTextInputElement(
                action_id=NOTE,
                multiline=True,
                max_length=NOTE_LIMIT,
                initial_value=note[:NOTE_LIMIT] if note else None,
            ),
        ),
        InputBlock(
            block_id=DATE,
            label=_text("Date"),
            optional=True,
            element=DatePickerElement(
                action_id=DATE, initial_date=today.isoformat() if today else None
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=LOG_CALLBACK,
        title=_text("Log a touch"),
        submit=_text("Log"),
        close=_text("Cancel"),
        private_metadata=origin.dumps(),
        blocks=blocks,
    ).to_dict()


def skip_modal(origin: Origin, *, customer: str | None) -> dict[str, Any]:
    blocks = [
        _about(customer, "Skip this nudge about"),
        InputBlock(
            block_id=REASON,
            label=_text("Reason"),
            optional=True,
            element=PlainTextInputElement(action_id=REASON, max_length=500),
        ),
    ]
    return View(
        type="modal",
        callback_id=SKIP_CALLBACK,
        title=_text("Skip"),
        submit=_text("Skip"),
        close=_text("Cancel"),
        private_metadata=origin.dumps(),
        blocks=blocks,
    ).to_dict()


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """What a form becomes when what it asked cannot be done (a nudge gone meanwhile)."""
    return View(
        type="modal",
        title=_text(title[:24]),
        close=_text("Close"),
        blocks=[SectionBlock(text=mrkdwn(escape(text)))],
    ).to_dict()


def submitted(view: dict[str, Any], block_id: str) -> str | None:
    """The value of one input of a submitted view (text, selected option or date)."""
    value = view.get("state", {}).get("values", {}).get(block_id, {}).get(block_id, {})
    found = (
        value.get("value")
        or (value.get("selected_option") or {}).get("value")
        or value.get("selected_date")
    )
    return str(found).strip() or None if found else None
