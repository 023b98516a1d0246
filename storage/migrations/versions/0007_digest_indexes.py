"""Digests read indexes, not the book: every kept fact a digest adds up, indexed by owner
(a salesperson's sums and worst accounts come from the index alone), the customers never
decided, and touches by instant (a digest's two periods of touches are read from the period,
not from every customer).

Revision ID: 0007
Revises: 0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DIGEST_FACTS = [
    'owner_id', 'archived', 'annual_value', 'red_at', 'amber_at', 'quiet_since', 'escalation_at',
    'health', 'upcoming_dates', 'threads',
]


def upgrade() -> None:
    op.create_index('ix_customer_owner_id_digest', 'customer', _DIGEST_FACTS, unique=False)
    op.create_index(
        'ix_customer_undecided', 'customer', ['id'], unique=False,
        sqlite_where=sa.text('facts_at IS NULL'), postgresql_where=sa.text('facts_at IS NULL'),
    )
    op.create_index(
        'ix_touchpoint_at_customer_id', 'touchpoint', ['at', 'customer_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_touchpoint_at_customer_id', table_name='touchpoint')
    op.drop_index('ix_customer_undecided', table_name='customer')
    op.drop_index('ix_customer_owner_id_digest', table_name='customer')
