"""a customer's orders found by an index: the customer's history (their requests and refunds at the shop) is
looked up by the order's email hash on every decision

Revision ID: 0018
Revises: 0017
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_shop_customer_email', 'orders', ['shop_id', 'customer_email_hash'])


def downgrade() -> None:
    op.drop_index('ix_orders_shop_customer_email', table_name='orders')
