"""Kept per-customer facts (when the relationship turns amber, red and escalates, its health,
dates coming up, contacts touched lately), written with every decision so digests and Home are
sums in the database rather than a pass over the whole book.

Revision ID: 0006
Revises: 0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INSTANTS = ('quiet_since', 'amber_at', 'red_at', 'escalation_at', 'facts_at')
_COUNTS = ('health', 'upcoming_dates', 'threads')


def upgrade() -> None:
    with op.batch_alter_table('customer') as batch:
        for name in _INSTANTS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        for name in _COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
    # Every customer has its facts kept by its next decision: the first sweep after the
    # upgrade decides the whole book, in its batches, rather than the first digest.
    op.execute(
        "UPDATE customer SET next_due_at = created_at "
        "WHERE archived = false AND (next_due_at IS NULL OR next_due_at > created_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table('customer') as batch:
        for name in reversed(_COUNTS + _INSTANTS):
            batch.drop_column(name)
