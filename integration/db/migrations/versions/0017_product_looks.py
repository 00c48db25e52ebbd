"""product looks (issue 19): the product's picture and each variant's title and picture, for the customer's and
the merchant's pages; rows from before keep working without them (the pages fall back to the SKU)

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('products') as batch:
        batch.add_column(sa.Column('image_url', sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column('looks', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('products') as batch:
        batch.drop_column('looks')
        batch.drop_column('image_url')
