"""Channels where a manager's weekly digest is posted as well as sent to them (one per person),
chosen from that channel with ``digest channel``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from nudges.model import Platform
from storage.tables import DigestChannelRow, digest_channel_t


@dataclass(frozen=True, slots=True)
class DigestChannel:
    person_id: int
    platform: Platform
    channel_id: str
    name: str | None
    reference: dict[str, Any]  # how the platform reaches the channel (JSON object)


def _value(row: DigestChannelRow) -> DigestChannel:
    data = json.loads(row.data) if row.data else {}
    return DigestChannel(
        person_id=row.person_id,
        platform=Platform(row.platform),
        channel_id=row.channel_id,
        name=row.name,
        reference=data if isinstance(data, dict) else {},
    )


@dataclass
class DigestChannelRepository:
    session: Session

    def save(
        self,
        *,
        person_id: int,
        platform: Platform,
        channel_id: str,
        name: str | None,
        reference: dict[str, Any],
        now: datetime,
    ) -> DigestChannel:
        """Choose the person's digest channel (replacing an earlier one)."""
        row = self.session.get(DigestChannelRow, person_id)
        data = json.dumps(reference, sort_keys=True)
        if row is None:
            row = DigestChannelRow(
                person_id=person_id,
                platform=platform.value,
                channel_id=channel_id,
                name=name,
                data=data,
                created_at=now,
            )
            self.session.add(row)
        else:
            row.platform = platform.value
            row.channel_id = channel_id
            row.name = name
            row.data = data
            row.created_at = now
        self.session.flush()
        return _value(row)

    def get(self, person_id: int) -> DigestChannel | None:
        row = self.session.get(DigestChannelRow, person_id)
        return _value(row) if row is not None else None

    def remove(self, person_id: int) -> bool:
        result = self.session.execute(
            delete(digest_channel_t).where(digest_channel_t.c.person_id == person_id)
        )
        self.session.flush()
        return bool(getattr(result, "rowcount", 0))

    def remove_channel(self, channel_id: str) -> int:
        """Forget a channel for everyone (the app was removed from its team)."""
        result = self.session.execute(
            delete(digest_channel_t).where(digest_channel_t.c.channel_id == channel_id)
        )
        self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)
