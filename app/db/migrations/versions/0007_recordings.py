"""recordings: operator recordings (WAV) stored with the message, played by radio and phone

Revision ID: 0007_recordings
Revises: 0006_merge_heads
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_recordings"
down_revision: str | None = "0006_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("digest", sa.String(length=64), primary_key=True),
        sa.Column("wav", sa.LargeBinary(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("recordings")
