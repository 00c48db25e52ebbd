"""order anchors (issue 18): each line's own production start, each shipment's own time, the event date, the
merchant's milestones, what was paid of the order's total, and the customer's tags and order count

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('event_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('milestones', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('total_price', sa.Numeric(precision=20, scale=6), nullable=True))
        batch.add_column(sa.Column('amount_paid', sa.Numeric(precision=20, scale=6), nullable=True))
        batch.add_column(sa.Column('customer_tags', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('customer_orders_count', sa.Integer(), nullable=True))
    with op.batch_alter_table('order_lines') as batch:
        batch.add_column(sa.Column('production_started_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('fulfillments') as batch:
        batch.add_column(sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fulfillments') as batch:
        batch.drop_column('shipped_at')
    with op.batch_alter_table('order_lines') as batch:
        batch.drop_column('production_started_at')
    with op.batch_alter_table('orders') as batch:
        for column in ('customer_orders_count', 'customer_tags', 'amount_paid', 'total_price', 'milestones',
                       'event_at'):
            batch.drop_column(column)
