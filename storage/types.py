"""Column types that keep the domain's promises on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Dialect, Integer
from sqlalchemy.types import DateTime, TypeDecorator

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC instant. Naive values are refused on the way in; UTC is re-attached on the
    way out, because SQLite stores no offset at all."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store aware instants only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, one function from the instant to the stored text (the text SQLite's
        ``DATETIME`` stores, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC) instead of two layers of
        conversion: a sweep binds hundreds of thousands of instants."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not UTC:  # UTC itself (most instants) needs no check
                if value.tzinfo is None or value.utcoffset() is None:
                    raise ValueError(f"naive datetime {value!r}: store aware instants only")
                value = value.astimezone(UTC)
            return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"

        return process

    def result_processor(
        self, dialect: Dialect, coltype: Any
    ) -> Callable[[Any], datetime | None] | None:
        """On SQLite, the stored text straight to an aware UTC instant (see ``bind_processor``)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
            if not isinstance(parsed, datetime):  # pragma: no cover - the column stores text
                raise TypeError(f"expected a datetime from the database, got {value!r}")
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers return datetimes
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
