"""Books in and out: where imported records came from, contact e-mail, the calendar feed's
secret, one-time export links, and touches that outlive an erased colleague.

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IMPORTED = ('customer', 'contact', 'touchpoint', 'important_date', 'life_event')
_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    for table in _IMPORTED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('source', sa.String(length=32), nullable=True))
            batch.add_column(sa.Column('external_id', sa.String(length=128), nullable=True))
    # Unique indexes, not constraints: SQLite would have to rebuild these tables for a
    # constraint, and cannot drop a table other tables' rows refer to.
    op.create_index(
        'ix_customer_workspace_id_source_external_id', 'customer',
        ['workspace_id', 'source', 'external_id'], unique=True,
    )
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('email', sa.String(length=320), nullable=True))
    op.create_index(
        'ix_contact_source_external_id', 'contact', ['source', 'external_id'], unique=False
    )
    op.create_index(
        'ix_touchpoint_source_external_id', 'touchpoint', ['source', 'external_id'], unique=False
    )
    with op.batch_alter_table('touchpoint') as batch:
        batch.drop_constraint('fk_touchpoint_person_id_person', type_='foreignkey')
        batch.alter_column('person_id', existing_type=_ID, nullable=True)
        batch.create_foreign_key(
            'fk_touchpoint_person_id_person', 'person', ['person_id'], ['id'], ondelete='SET NULL'
        )
    with op.batch_alter_table('workspace') as batch:
        batch.add_column(sa.Column('export_key', sa.String(length=16), nullable=True))
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
    op.create_index('ix_person_calendar_token', 'person', ['calendar_token'], unique=True)
    op.create_table(
        'download_link',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', _ID, nullable=False),
        sa.Column('everything', sa.Boolean(), nullable=False),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'],
            name='fk_download_link_person_id_person', ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('token_hash', name='pk_download_link'),
    )


def downgrade() -> None:
    op.drop_table('download_link')
    op.drop_index('ix_person_calendar_token', table_name='person')
    with op.batch_alter_table('person') as batch:
        batch.drop_column('calendar_token')
    with op.batch_alter_table('workspace') as batch:
        batch.drop_column('export_key')
    op.execute('DELETE FROM touchpoint WHERE person_id IS NULL')
    with op.batch_alter_table('touchpoint') as batch:
        batch.drop_constraint('fk_touchpoint_person_id_person', type_='foreignkey')
        batch.alter_column('person_id', existing_type=_ID, nullable=False)
        batch.create_foreign_key(
            'fk_touchpoint_person_id_person', 'person', ['person_id'], ['id'], ondelete='RESTRICT'
        )
    op.drop_index('ix_touchpoint_source_external_id', table_name='touchpoint')
    op.drop_index('ix_contact_source_external_id', table_name='contact')
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('email')
    op.drop_index('ix_customer_workspace_id_source_external_id', table_name='customer')
    for table in _IMPORTED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('external_id')
            batch.drop_column('source')
