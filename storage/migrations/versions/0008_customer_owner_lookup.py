"""A customer's owner by its key from a narrow index: a digest's touches of the two periods
(320k at 1M customers) each look their customer's owner up there, not in the wide row.

Revision ID: 0008
Revises: 0007

"""

from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_customer_id_owner_id_archived', 'customer', ['id', 'owner_id', 'archived'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_customer_id_owner_id_archived', table_name='customer')
