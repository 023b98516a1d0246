"""Chat platforms: Slack installations and OAuth state, processed events, Teams conversations.

Revision ID: 0002
Revises: 0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op




revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processed_event',
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'event_id', name=op.f('pk_processed_event'))
    )
    op.create_index('ix_processed_event_received_at', 'processed_event', ['received_at'], unique=False)

    op.create_table('slack_installation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.String(length=32), nullable=True),
    sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_installation'))
    )
    op.create_index('ix_slack_installation_lookup', 'slack_installation', ['client_id', 'enterprise_id', 'team_id', 'kind'], unique=False)

    op.create_table('slack_oauth_state',
    sa.Column('state', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_slack_oauth_state'))
    )
    op.create_table('teams_conversation',
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('conversation_id', sa.String(length=300), nullable=False),
    sa.Column('service_url', sa.String(length=500), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_teams_conversation_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_teams_conversation'))
    )


def downgrade() -> None:
    op.drop_table('teams_conversation')
    op.drop_table('slack_oauth_state')
    op.drop_index('ix_slack_installation_lookup', table_name='slack_installation')

    op.drop_table('slack_installation')
    op.drop_index('ix_processed_event_received_at', table_name='processed_event')

    op.drop_table('processed_event')
