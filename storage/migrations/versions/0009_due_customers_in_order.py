"""Due customers in the order the sweep pages through them, (next_due_at, id), from the
index itself: an imported book has hundreds of thousands due at the same instant, and with
the index on next_due_at alone PostgreSQL sorted all of them again for every page.

Revision ID: 0009
Revises: 0008

"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_customer_next_due_at_id', 'customer', ['next_due_at', 'id'], unique=False
    )
    op.drop_index('ix_customer_next_due_at', table_name='customer')


def downgrade() -> None:
    op.create_index('ix_customer_next_due_at', 'customer', ['next_due_at'], unique=False)
    op.drop_index('ix_customer_next_due_at_id', table_name='customer')
