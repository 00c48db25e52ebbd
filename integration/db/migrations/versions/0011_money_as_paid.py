"""orders: the tax paid per unit and on shipping, and when the order first shipped

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(20, 6)


def upgrade() -> None:
    with op.batch_alter_table('order_lines') as batch:
        batch.add_column(sa.Column('unit_tax', _MONEY, nullable=False, server_default='0'))
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('shipping_tax', _MONEY, nullable=False, server_default='0'))
        batch.add_column(sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('shipped_at')
        batch.drop_column('shipping_tax')
    with op.batch_alter_table('order_lines') as batch:
        batch.drop_column('unit_tax')
