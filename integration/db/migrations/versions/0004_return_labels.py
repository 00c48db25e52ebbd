"""return labels: the shop's EasyPost key, and an action's recorded progress

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('easypost_api_key', sa.String(length=1024), nullable=True))
    with op.batch_alter_table('actions') as batch:
        batch.add_column(sa.Column('progress', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('actions') as batch:
        batch.drop_column('progress')
    with op.batch_alter_table('shops') as batch:
        batch.drop_column('easypost_api_key')
