"""Tables and columns for bringing books in and out: where an imported record came from, and
one-time download links to exports. Constraint names are explicit, as the naming convention of
``storage.tables`` would make them (this module is imported before it is set)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, PrimaryKeyConstraint, String
from sqlmodel import Field, SQLModel

from storage.types import BigId, UTCDateTime


class Imported(SQLModel):
    """``source`` (``hubspot``, ``salesforce``, ..., or another database's export) and the
    record's id there, so importing the same file again updates the record and never doubles
    it. Both NULL for a record typed into the bot."""

    source: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=128)


class DownloadLinkRow(SQLModel, table=True):
    """A one-time link to an export (``/download/<token>``): only the token's SHA-256 is kept,
    and the row is deleted when the file is fetched (or found expired)."""

    __tablename__ = "download_link"
    __table_args__ = (PrimaryKeyConstraint("token_hash", name="pk_download_link"),)

    token_hash: str = Field(sa_column=Column(String(64), nullable=False))
    person_id: int = Field(
        sa_column=Column(
            BigId,
            ForeignKey("person.id", ondelete="CASCADE", name="fk_download_link_person_id_person"),
            nullable=False,
        )
    )
    everything: bool = False  # an admin's whole workspace; else the person's own book
    format: str = Field(max_length=8)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


download_link_t = DownloadLinkRow.__table__  # type: ignore[attr-defined]
