"""inbox: the version a processed delivery carried, unique per shop, so a webhook and a sweep of one version apply once

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_ONLY_SET = sa.text('version_key IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries') as batch:
        batch.add_column(sa.Column('version_key', sa.String(length=255), nullable=True))
    # Partial: a row the receiver just stored has no version yet, and costs this index nothing.
    op.create_index('uq_webhook_deliveries_shop_version', 'webhook_deliveries', ['shop_id', 'version_key'],
                    unique=True, sqlite_where=_ONLY_SET, postgresql_where=_ONLY_SET)


def downgrade() -> None:
    op.drop_index('uq_webhook_deliveries_shop_version', table_name='webhook_deliveries')
    with op.batch_alter_table('webhook_deliveries') as batch:
        batch.drop_column('version_key')
