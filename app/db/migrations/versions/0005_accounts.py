"""accounts: department permissions, approval policy, approval state of messages

Revision ID: 0005_accounts
Revises: 0004_message_kind
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_accounts"
down_revision: str | None = "0004_message_kind"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        for column in ("allowed_categories", "allowed_media", "allowed_areas"):
            batch.add_column(sa.Column(column, sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("approval", sa.String(20), nullable=False,
                                   server_default="none"))
        batch.add_column(sa.Column("approval_by", sa.String(100), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("approval_note", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("department", sa.String(100), nullable=False,
                                   server_default=""))
    op.create_table(
        "approval_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("urgencies", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("all_residents", sa.Boolean(), nullable=True),
        sa.Column("requirement", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("approval_rules")
    with op.batch_alter_table("messages") as batch:
        for column in ("department", "approval_note", "approval_by", "approval"):
            batch.drop_column(column)
    with op.batch_alter_table("departments") as batch:
        for column in ("allowed_areas", "allowed_media", "allowed_categories"):
            batch.drop_column(column)
