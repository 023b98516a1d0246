"""Storage: tables, engines, migrations, repositories and the unit of work.

Imports ``nudges`` (to hand out domain values) and never ``bot``. Table classes stay inside.
"""

from sqlalchemy import Engine  # the engine's type, for the composition root

from storage.conflicts import is_conflict, is_duplicate, is_transient
from storage.dry_run import rolled_back
from storage.engine import (
    DatabaseUnusable,
    display_url,
    has_password,
    in_memory,
    is_sqlite,
    make_engine,
    make_session_factory,
    normalize_url,
    unusable_reason,
)
from storage.migrate import SchemaOutOfDate, ensure_schema, migrate, schema_status
from storage.retry import is_busy, is_retryable, is_unavailable, run_in_transaction
from storage.uow import ReadOnlyError, SqlUnitOfWork

__all__ = [
    "DatabaseUnusable",
    "Engine",
    "ReadOnlyError",
    "SchemaOutOfDate",
    "SqlUnitOfWork",
    "display_url",
    "ensure_schema",
    "has_password",
    "in_memory",
    "is_busy",
    "is_conflict",
    "is_duplicate",
    "is_retryable",
    "is_sqlite",
    "is_transient",
    "is_unavailable",
    "make_engine",
    "make_session_factory",
    "migrate",
    "normalize_url",
    "rolled_back",
    "run_in_transaction",
    "schema_status",
    "unusable_reason",
]
