"""shops, policy versions and the webhook inbox

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('webhook_secret', sa.String(length=1024), nullable=False),
    sa.Column('previous_webhook_secret', sa.String(length=1024), nullable=True),
    sa.Column('api_token', sa.String(length=1024), nullable=True),
    sa.Column('consumer_key', sa.String(length=1024), nullable=True),
    sa.Column('consumer_secret', sa.String(length=1024), nullable=True),
    sa.Column('api_base_url', sa.String(length=500), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uninstalled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('platform', 'domain', name=op.f('uq_shops_platform_domain'))
    )
    op.create_table('policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=100), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_policy_versions_shop_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_versions')),
    sa.UniqueConstraint('shop_id', 'version', name=op.f('uq_policy_versions_shop_id_version'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('delivery_id', sa.String(length=255), nullable=True),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('resource_id', sa.String(length=100), nullable=True),
    sa.Column('customer_ref', sa.String(length=100), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_webhook_deliveries_shop_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('shop_id', 'dedupe_key', name=op.f('uq_webhook_deliveries_shop_id_dedupe_key'))
    )
    # shops <-> policy_versions reference each other: the shops side is added once both exist.
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_shops_policy_version_id'), 'policy_versions',
                                    ['policy_version_id'], ['id'])
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_customer_ref'), ['customer_ref'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_status', ['status', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_status')
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_customer_ref'))

    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_shops_policy_version_id'), type_='foreignkey')
    op.drop_table('policy_versions')
    op.drop_table('shops')
