"""Fixing mistakes and reading lists back: the change log behind `undo`, and the last
numbered list each person was shown.

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('id', _ID, nullable=False),
    sa.Column('workspace_id', _ID, nullable=False),
    sa.Column('person_id', _ID, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('images', sa.Text(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_change_log_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_change_log_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    op.create_index('ix_change_log_person_id_at', 'change_log', ['person_id', 'at'], unique=False)

    op.create_table('shown_list',
    sa.Column('person_id', _ID, nullable=False),
    sa.Column('refs', sa.Text(), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_shown_list_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_shown_list'))
    )


def downgrade() -> None:
    op.drop_table('shown_list')
    op.drop_index('ix_change_log_person_id_at', table_name='change_log')
    op.drop_table('change_log')
