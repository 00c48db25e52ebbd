"""request_fingerprint (issue 16): an API request's source_ref is its caller and Idempotency-Key alone, and the body
it asked is kept beside it, so the unique source_ref takes one request per key even when two arrive at once

Revision ID: 0013
Revises: 0012_hardening
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012_hardening'
branch_labels = None
depends_on = None

_cases = sa.table('return_cases', sa.column('id', sa.Integer), sa.column('shop_id', sa.Integer),
                  sa.column('source', sa.String), sa.column('source_ref', sa.String),
                  sa.column('request_fingerprint', sa.String))


def _api_refs(bind, where):
    return bind.execute(sa.select(_cases.c.id, _cases.c.shop_id, _cases.c.source_ref, _cases.c.request_fingerprint)
                        .where(_cases.c.source == 'api', _cases.c.source_ref.like('idem:%'), where)
                        .order_by(_cases.c.id)).all()


def upgrade() -> None:
    with op.batch_alter_table('return_cases') as batch:
        batch.add_column(sa.Column('request_fingerprint', sa.String(length=32), nullable=True))
    bind, taken = op.get_bind(), set()
    # idem:<scope>:<body> becomes idem:<scope> with <body> beside it. Two requests taken with one key before this
    # (the race it closes): the first keeps the key, a later one keeps its whole old source_ref.
    for row in _api_refs(bind, sa.true()):
        scope, _, body = row.source_ref.rpartition(':')
        if scope == 'idem':   # idem:<scope> already
            continue
        keep = (row.shop_id, scope) not in taken
        taken.add((row.shop_id, scope))
        bind.execute(sa.update(_cases).where(_cases.c.id == row.id).values(
            source_ref=scope if keep else row.source_ref, request_fingerprint=body))


def downgrade() -> None:
    bind = op.get_bind()
    for row in _api_refs(bind, _cases.c.request_fingerprint.is_not(None)):
        if row.source_ref.count(':') == 1:
            bind.execute(sa.update(_cases).where(_cases.c.id == row.id).values(
                source_ref=f'{row.source_ref}:{row.request_fingerprint}'))
    with op.batch_alter_table('return_cases') as batch:
        batch.drop_column('request_fingerprint')
