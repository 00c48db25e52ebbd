"""installs: pending installs, the webhook subscriptions made for each shop, expiring Shopify tokens

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pending_installs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('domain', sa.String(length=255), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('policy_name', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_installs')),
        sa.UniqueConstraint('nonce', name=op.f('uq_pending_installs_nonce')),
    )
    op.create_table(
        'webhook_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=100), nullable=False),
        sa.Column('remote_id', sa.String(length=255), nullable=True),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=1024), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_webhook_subscriptions_shop_id'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions')),
        sa.UniqueConstraint('shop_id', 'topic', name=op.f('uq_webhook_subscriptions_shop_id_topic')),
    )
    with op.batch_alter_table('webhook_subscriptions') as batch:
        batch.create_index(batch.f('ix_webhook_subscriptions_shop_id'), ['shop_id'], unique=False)
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('refresh_token', sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('refresh_token_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('scopes', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shops') as batch:
        for column in ('scopes', 'refresh_token_expires_at', 'token_expires_at', 'refresh_token'):
            batch.drop_column(column)
    op.drop_table('webhook_subscriptions')
    op.drop_table('pending_installs')
