"""the reviewed translations a message was sent with

Revision ID: 0007_language_batches
Revises: 0006_merge_heads
Create Date: 2026-11-26

A correction or cancellation goes to each resident in the language they received; it quotes
the original in that language, so the reviewed title and body are kept with the message.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_language_batches"
down_revision: str | None = "0006_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "language"),
    )


def downgrade() -> None:
    op.drop_table("message_translations")
