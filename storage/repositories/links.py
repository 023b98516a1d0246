"""Secrets behind links the bot gives out: a person's calendar feed token, and one-time export
downloads (only a digest of their token is stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from nudges.model import Person
from storage.repositories import mapping
from storage.tables import download_link_t, person_t


@dataclass(frozen=True, slots=True)
class Download:
    person_id: int
    everything: bool
    format: str


@dataclass
class LinkRepository:
    session: Session

    def calendar_token(self, person_id: int) -> str | None:
        return self.session.scalar(
            select(person_t.c.calendar_token).where(person_t.c.id == person_id)
        )

    def set_calendar_token(self, person_id: int, token: str) -> None:
        self.session.execute(
            update(person_t).where(person_t.c.id == person_id).values(calendar_token=token)
        )

    def person_by_calendar_token(self, token: str) -> Person | None:
        row = self.session.execute(
            select(person_t).where(person_t.c.calendar_token == token)
        ).first()
        return mapping.person(row) if row else None

    def add_download(
        self,
        *,
        token_hash: str,
        person_id: int,
        everything: bool,
        fmt: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self.session.execute(
            download_link_t.insert().values(
                token_hash=token_hash,
                person_id=person_id,
                everything=everything,
                format=fmt,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def take_download(self, token_hash: str, *, now: datetime) -> Download | None:
        """The download behind a token, used up: a second request finds nothing."""
        row = self.session.execute(
            select(download_link_t).where(download_link_t.c.token_hash == token_hash)
        ).first()
        self.session.execute(
            delete(download_link_t).where(
                (download_link_t.c.token_hash == token_hash) | (download_link_t.c.expires_at < now)
            )
        )
        if row is None or row.expires_at < now:
            return None
        return Download(row.person_id, row.everything, row.format)
