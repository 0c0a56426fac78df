"""join the feature branches: triggers, translation memory, message kind and accounts

Revision ID: 0006_merge_heads
Revises: 0002_triggers, 0003_translation, 0005_accounts
Create Date: 2026-11-26
"""

from collections.abc import Sequence

revision: str = "0006_merge_heads"
down_revision: str | tuple[str, ...] | None = ("0002_triggers", "0003_translation",
                                               "0005_accounts")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # a merge point only: the branches touch separate tables


def downgrade() -> None:
    pass
