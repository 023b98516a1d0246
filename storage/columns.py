"""What every table shares: the constraint naming convention (set on import, before any
table is declared) and the column types used again and again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String
from sqlalchemy.dialects import postgresql
from sqlmodel import SQLModel

from storage.types import BigId, UTCDateTime

metadata = SQLModel.metadata
metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def key_type() -> String:
    """Name keys compare byte-wise (collation "C") on PostgreSQL, like Python strings, so a
    prefix search is an index range scan there too."""
    return String(200).with_variant(postgresql.VARCHAR(200, collation="C"), "postgresql")


def fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(BigId, ForeignKey(target, ondelete=ondelete), nullable=nullable)


def instant(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)
