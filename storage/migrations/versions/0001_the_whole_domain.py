"""The whole domain: workspaces, people, customers and their rituals, nudges, the outbox, the audit log.

Revision ID: 0001
Revises: 

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op




revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspace',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('holiday_country', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspace')),
    sa.UniqueConstraint('platform', 'external_id', name=op.f('uq_workspace_platform_external_id'))
    )
    op.create_table('offer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_key', sa.String(length=200).with_variant(sa.VARCHAR(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('existing_first_on', sa.Date(), nullable=False),
    sa.Column('public_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('tiers', sa.String(length=500), nullable=False),
    sa.Column('kinds', sa.String(length=200), nullable=False),
    sa.Column('tags', sa.String(length=1000), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_offer_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer')),
    sa.UniqueConstraint('workspace_id', 'title_key', name=op.f('uq_offer_workspace_id_title_key'))
    )
    op.create_index(op.f('ix_offer_next_due_at'), 'offer', ['next_due_at'], unique=False)
    op.create_index('ix_offer_workspace_id_public_on', 'offer', ['workspace_id', 'public_on'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform_user_id', sa.String(length=128), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('delivery_hour', sa.Integer(), nullable=False),
    sa.Column('holiday_country', sa.String(length=8), nullable=True),
    sa.Column('manager_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('ooo_until', sa.Date(), nullable=True),
    sa.Column('cover_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('daily_cap', sa.Integer(), nullable=True),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('unreachable', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cover_id'], ['person.id'], name=op.f('fk_person_cover_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['manager_id'], ['person.id'], name=op.f('fk_person_manager_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_person_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('workspace_id', 'platform_user_id', name=op.f('uq_person_workspace_id_platform_user_id'))
    )
    op.create_index(op.f('ix_person_name_key'), 'person', ['name_key'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_audit_log_actor_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_audit_log_workspace_id_workspace'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_subject', 'audit_log', ['subject_type', 'subject_id'], unique=False)
    op.create_index('ix_audit_log_workspace_id_at', 'audit_log', ['workspace_id', 'at'], unique=False)

    op.create_table('customer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200).with_variant(sa.VARCHAR(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cadence_ideal_days', sa.Integer(), nullable=True),
    sa.Column('cadence_max_days', sa.Integer(), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('renewal_on', sa.Date(), nullable=True),
    sa.Column('annual_value', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('dnc_until', sa.Date(), nullable=True),
    sa.Column('dnc_reason', sa.Text(), nullable=True),
    sa.Column('min_gap_days', sa.Integer(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('last_touch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_last_touch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_customer_owner_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_customer_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('workspace_id', 'name_key', name=op.f('uq_customer_workspace_id_name_key'))
    )
    op.create_index('ix_customer_next_due_at', 'customer', ['next_due_at'], unique=False)
    op.create_index('ix_customer_owner_id_name_key', 'customer', ['owner_id', 'name_key'], unique=False)
    op.create_index('ix_customer_workspace_id_annual_value', 'customer', ['workspace_id', 'annual_value'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('recipient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('slot_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_ref', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['person.id'], name=op.f('fk_delivery_recipient_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_delivery_dedupe_key'))
    )
    op.create_index('ix_delivery_recipient_id_slot_at', 'delivery', ['recipient_id', 'slot_at'], unique=False)
    op.create_index('ix_delivery_state_next_attempt_at', 'delivery', ['state', 'next_attempt_at'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('birthday_month', sa.Integer(), nullable=True),
    sa.Column('birthday_day', sa.Integer(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contact_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    op.create_index('ix_contact_customer_id', 'contact', ['customer_id'], unique=False)

    op.create_table('customer_tag',
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_tag_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'tag', name=op.f('pk_customer_tag'))
    )
    op.create_index('ix_customer_tag_tag', 'customer_tag', ['tag'], unique=False)

    op.create_table('pitch',
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_pitch_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_pitch_offer_id_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pitch_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('offer_id', 'customer_id', name=op.f('pk_pitch'))
    )
    op.create_index('ix_pitch_customer_id', 'pitch', ['customer_id'], unique=False)

    op.create_table('important_date',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('yearly', sa.Boolean(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_important_date_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_important_date_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_important_date'))
    )
    op.create_index('ix_important_date_customer_id', 'important_date', ['customer_id'], unique=False)

    op.create_table('life_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_life_event_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_life_event_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_event'))
    )
    op.create_index('ix_life_event_customer_id_on', 'life_event', ['customer_id', 'on'], unique=False)

    op.create_table('nudge',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recipient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('deliver_on', sa.Date(), nullable=True),
    sa.Column('priority', sa.Float(), nullable=False),
    sa.Column('ritual', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('state_reason', sa.Text(), nullable=True),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_nudge_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_nudge_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_nudge_offer_id_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['person.id'], name=op.f('fk_nudge_recipient_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudge')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_nudge_dedupe_key'))
    )
    op.create_index('ix_nudge_customer_id_state', 'nudge', ['customer_id', 'state'], unique=False)
    op.create_index('ix_nudge_recipient_id_state', 'nudge', ['recipient_id', 'state'], unique=False)

    op.create_table('touchpoint',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('ritual', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_touchpoint_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_touchpoint_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_touchpoint_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_touchpoint'))
    )
    op.create_index('ix_touchpoint_customer_id_at', 'touchpoint', ['customer_id', 'at'], unique=False)
    op.create_index('ix_touchpoint_person_id_at', 'touchpoint', ['person_id', 'at'], unique=False)

    op.create_table('delivery_item',
    sa.Column('delivery_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('nudge_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_item_delivery_id_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nudge_id'], ['nudge.id'], name=op.f('fk_delivery_item_nudge_id_nudge'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('delivery_id', 'nudge_id', name=op.f('pk_delivery_item'))
    )
    op.create_index('ix_delivery_item_nudge_id', 'delivery_item', ['nudge_id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_delivery_item_nudge_id', table_name='delivery_item')

    op.drop_table('delivery_item')
    op.drop_index('ix_touchpoint_person_id_at', table_name='touchpoint')
    op.drop_index('ix_touchpoint_customer_id_at', table_name='touchpoint')

    op.drop_table('touchpoint')
    op.drop_index('ix_nudge_recipient_id_state', table_name='nudge')
    op.drop_index('ix_nudge_customer_id_state', table_name='nudge')

    op.drop_table('nudge')
    op.drop_index('ix_life_event_customer_id_on', table_name='life_event')

    op.drop_table('life_event')
    op.drop_index('ix_important_date_customer_id', table_name='important_date')

    op.drop_table('important_date')
    op.drop_index('ix_pitch_customer_id', table_name='pitch')

    op.drop_table('pitch')
    op.drop_index('ix_customer_tag_tag', table_name='customer_tag')

    op.drop_table('customer_tag')
    op.drop_index('ix_contact_customer_id', table_name='contact')

    op.drop_table('contact')
    op.drop_index('ix_delivery_state_next_attempt_at', table_name='delivery')
    op.drop_index('ix_delivery_recipient_id_slot_at', table_name='delivery')

    op.drop_table('delivery')
    op.drop_index('ix_customer_workspace_id_annual_value', table_name='customer')
    op.drop_index('ix_customer_owner_id_name_key', table_name='customer')
    op.drop_index('ix_customer_next_due_at', table_name='customer')

    op.drop_table('customer')
    op.drop_index('ix_audit_log_workspace_id_at', table_name='audit_log')
    op.drop_index('ix_audit_log_subject', table_name='audit_log')

    op.drop_table('audit_log')
    op.drop_index(op.f('ix_person_name_key'), table_name='person')

    op.drop_table('person')
    op.drop_index('ix_offer_workspace_id_public_on', table_name='offer')
    op.drop_index(op.f('ix_offer_next_due_at'), table_name='offer')

    op.drop_table('offer')
    op.drop_table('workspace')
