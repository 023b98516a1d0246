"""Storage: tables, engines, migrations, repositories and the unit of work.

Imports ``nudges`` (to hand out domain values) and never ``bot``. Table classes stay inside.
"""

from storage.conflicts import is_conflict, is_transient
from storage.dry_run import rolled_back
from storage.engine import is_sqlite, make_engine, make_session_factory, normalize_url
from storage.migrate import SchemaOutOfDate, ensure_schema, migrate, schema_status
from storage.uow import ReadOnlyError, SqlUnitOfWork

__all__ = [
    "ReadOnlyError",
    "SchemaOutOfDate",
    "SqlUnitOfWork",
    "ensure_schema",
    "is_conflict",
    "is_sqlite",
    "is_transient",
    "make_engine",
    "make_session_factory",
    "migrate",
    "normalize_url",
    "rolled_back",
    "schema_status",
]
