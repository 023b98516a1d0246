"""Teams cards kept for redraws and for messages sent in parts; digest channels.

Revision ID: 0003
Revises: 0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('digest_channel',
    sa.Column('person_id', _ID, nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('channel_id', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_digest_channel_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_digest_channel'))
    )
    op.create_table('teams_card',
    sa.Column('id', _ID, nullable=False),
    sa.Column('person_id', _ID, nullable=False),
    sa.Column('delivery_id', _ID, nullable=True),
    sa.Column('conversation_id', sa.String(length=300), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('activity_id', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_teams_card_delivery_id_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_teams_card_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams_card'))
    )
    op.create_index('ix_teams_card_created_at', 'teams_card', ['created_at'], unique=False)
    op.create_index('ix_teams_card_delivery_id_conversation_id', 'teams_card', ['delivery_id', 'conversation_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_teams_card_delivery_id_conversation_id', table_name='teams_card')
    op.drop_index('ix_teams_card_created_at', table_name='teams_card')
    op.drop_table('teams_card')
    op.drop_table('digest_channel')
