"""triggers: JMA bulletins, feed state, trigger state and decisions

Revision ID: 0002_triggers
Revises: 0001
Create Date: 2026-11-26 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_triggers'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('jma_bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('type_code', sa.String(length=16), nullable=False),
    sa.Column('control_title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('info_type', sa.String(length=10), nullable=False),
    sa.Column('event_id', sa.String(length=300), nullable=False),
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('envelope_key', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_index(op.f('ix_jma_bulletins_envelope_key'), 'jma_bulletins', ['envelope_key'],
                    unique=False)
    op.create_table('jma_feed_state',
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_ok_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('newest_entry', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('url')
    )
    op.create_table('trigger_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('latest', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule', 'key')
    )
    op.create_table('jma_feed_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('feed', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['jma_bulletins.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    op.create_table('jma_processed',
    sa.Column('envelope_key', sa.String(length=64), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['jma_bulletins.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('envelope_key')
    )
    op.create_table('trigger_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('event_ids', sa.Text(), nullable=False),
    sa.Column('keys', sa.JSON(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('training', sa.Boolean(), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=True),
    sa.Column('cancels', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['jma_bulletins.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cancels'], ['trigger_decisions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_trigger_decisions_product', 'trigger_decisions', ['product', 'decision'],
                    unique=False)
    op.create_index('ix_trigger_decisions_state', 'trigger_decisions', ['state', 'created_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_trigger_decisions_state', table_name='trigger_decisions')
    op.drop_index('ix_trigger_decisions_product', table_name='trigger_decisions')
    op.drop_table('trigger_decisions')
    op.drop_table('jma_processed')
    op.drop_table('jma_feed_entries')
    op.drop_table('trigger_state')
    op.drop_table('jma_feed_state')
    op.drop_index(op.f('ix_jma_bulletins_envelope_key'), table_name='jma_bulletins')
    op.drop_table('jma_bulletins')
