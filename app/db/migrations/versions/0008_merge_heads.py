"""join the per-language batches and the stored recordings

Revision ID: 0008_merge_heads
Revises: 0007_language_batches, 0007_recordings
Create Date: 2026-11-26
"""

from collections.abc import Sequence

revision: str = "0008_merge_heads"
down_revision: str | tuple[str, ...] | None = ("0007_language_batches", "0007_recordings")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # a merge point only: the two branches touch separate tables


def downgrade() -> None:
    pass
