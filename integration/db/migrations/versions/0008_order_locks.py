"""order locks: a lease per order, so two refunds never look for our marker and create at once

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_locks',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_locks_shop_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'order_id', name=op.f('pk_order_locks'))
    )


def downgrade() -> None:
    op.drop_table('order_locks')
