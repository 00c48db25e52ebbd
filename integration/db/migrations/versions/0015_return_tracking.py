"""return tracking (issue 17): the return parcels we bought labels for, and the shop's EasyPost webhook secret

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('easypost_webhook_secret', sa.String(length=1024), nullable=True))
    op.create_table(
        'return_parcels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('case_pk', sa.Integer(), nullable=False),
        sa.Column('action_pk', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.String(length=100), nullable=False),
        sa.Column('tracker_id', sa.String(length=100), nullable=True),
        sa.Column('tracking_code', sa.String(length=100), nullable=True),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('carrier_status', sa.String(length=40), nullable=True),
        sa.Column('label_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('in_transit_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_return_parcels_shop_id'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_pk'], ['return_cases.id'], name=op.f('fk_return_parcels_case_pk'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['action_pk'], ['actions.id'], name=op.f('fk_return_parcels_action_pk'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_parcels')),
        sa.UniqueConstraint('shop_id', 'shipment_id', name=op.f('uq_return_parcels_shop_id_shipment_id')),
    )
    with op.batch_alter_table('return_parcels') as batch:
        batch.create_index(batch.f('ix_return_parcels_shop_id'), ['shop_id'], unique=False)
        batch.create_index(batch.f('ix_return_parcels_case_pk'), ['case_pk'], unique=False)


def downgrade() -> None:
    op.drop_table('return_parcels')
    with op.batch_alter_table('shops') as batch:
        batch.drop_column('easypost_webhook_secret')
