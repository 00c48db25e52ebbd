"""notifications (issue 17): announcements, the message outbox (emails, outbound webhooks), webhook endpoints,
and the order's encrypted customer email

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f(f'fk_{table}_shop_id'), ondelete='CASCADE')


def _announcements() -> None:
    op.create_table(
        'announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('case_pk', sa.Integer(), nullable=True),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('step_key', sa.String(length=100), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _shop_fk('announcements'),
        sa.ForeignKeyConstraint(['case_pk'], ['return_cases.id'], name=op.f('fk_announcements_case_pk'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
        sa.UniqueConstraint('case_pk', 'event', 'step_key', name=op.f('uq_announcements_case_pk_event_step_key')),
    )
    with op.batch_alter_table('announcements') as batch:
        batch.create_index(batch.f('ix_announcements_shop_id'), ['shop_id'], unique=False)


def _endpoints() -> None:
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=1000), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', sa.String(length=1024), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _shop_fk('webhook_endpoints'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    )
    with op.batch_alter_table('webhook_endpoints') as batch:
        batch.create_index(batch.f('ix_webhook_endpoints_shop_id'), ['shop_id'], unique=False)


def _messages() -> None:
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('announcement_pk', sa.Integer(), nullable=False),
        sa.Column('endpoint_pk', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=False),
        sa.Column('step', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=1024), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('response_code', sa.Integer(), nullable=True),
        sa.Column('transport', sa.String(length=20), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _shop_fk('messages'),
        sa.ForeignKeyConstraint(['announcement_pk'], ['announcements.id'], name=op.f('fk_messages_announcement_pk'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['endpoint_pk'], ['webhook_endpoints.id'], name=op.f('fk_messages_endpoint_pk'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_messages_dedupe_key')),
    )
    with op.batch_alter_table('messages') as batch:
        batch.create_index(batch.f('ix_messages_shop_id'), ['shop_id'], unique=False)
        batch.create_index(batch.f('ix_messages_announcement_pk'), ['announcement_pk'], unique=False)
        batch.create_index('ix_messages_due', ['state', 'next_attempt_at'], unique=False)


def _attempts() -> None:
    op.create_table(
        'message_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_pk', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('response_code', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['message_pk'], ['messages.id'], name=op.f('fk_message_attempts_message_pk'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attempts')),
    )
    with op.batch_alter_table('message_attempts') as batch:
        batch.create_index(batch.f('ix_message_attempts_message_pk'), ['message_pk'], unique=False)


def upgrade() -> None:
    _announcements()
    _endpoints()
    _messages()
    _attempts()
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('customer_email', sa.String(length=1024), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('customer_email')
    for table in ('message_attempts', 'messages', 'webhook_endpoints', 'announcements'):
        op.drop_table(table)
