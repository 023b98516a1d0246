"""What comes to ``POST /slack/events`` before bolt sees it: a request without a valid, fresh
signature (or with a timestamp that is not a number) is refused with 401, and a correctly
signed body that cannot be read (bad JSON, a bad ``payload=``) with 400 — each with one log
line, never a 500 and a traceback (bolt reads the body before it checks the signature).

The signature is checked first, so that a malformed body from someone without the signing
secret is a 401 like any other unsigned request (and tells them nothing more)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

TIMESTAMP = "x-slack-request-timestamp"
SIGNATURE = "x-slack-signature"


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    reason: str


def _readable(body: bytes, content_type: str) -> str | None:
    """Why a signed body cannot be read, or None when it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type.startswith("application/json"):
        try:
            value = json.loads(text)
        except ValueError:
            return "the JSON body does not parse"
        return None if isinstance(value, dict) else "the JSON body is not an object"
    form = parse_qs(text, keep_blank_values=True)
    if "payload" not in form:
        return None  # a slash command: plain form fields
    try:
        value = json.loads(form["payload"][0])
    except ValueError:
        return "payload= does not parse as JSON"
    return None if isinstance(value, dict) else "payload= is not a JSON object"


def refusal(
    signing_secret: str, *, headers: Mapping[str, str], body: bytes, content_type: str
) -> Refusal | None:
    """None for a request bolt may handle; else what to answer."""
    found = {k.lower(): v for k, v in headers.items()}
    stamp = found.get(TIMESTAMP)
    if stamp is None or found.get(SIGNATURE) is None:
        return Refusal(401, "no signature")
    if not stamp.strip().isdigit():
        return Refusal(401, "the request timestamp is not a number")
    if not SignatureVerifier(signing_secret).is_valid(body, stamp.strip(), found[SIGNATURE]):
        return Refusal(401, "the signature does not match, or is more than 5 minutes old")
    reason = _readable(body, content_type)
    return Refusal(400, reason) if reason else None


def log_refusal(found: Refusal) -> None:
    log.warning("refused a Slack request (%s): %s", found.status, found.reason)
