"""hardening (issue 16): spent sign-ins, so a sign-in link works once and a signed-out session stays out

Revision ID: 0012_hardening
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_hardening'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'spent_signins',
        sa.Column('id', sa.String(length=80), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_spent_signins_shop_id'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spent_signins')),
    )
    with op.batch_alter_table('spent_signins') as batch:
        batch.create_index(batch.f('ix_spent_signins_shop_id'), ['shop_id'], unique=False)
        batch.create_index(batch.f('ix_spent_signins_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_table('spent_signins')
