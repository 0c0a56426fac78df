"""audit anchor: the chain head kept by the database itself, and an append-only audit table

Revision ID: 0009_audit_anchor
Revises: 0008_merge_heads
Create Date: 2026-11-26

``audit_anchor`` holds one row (id 1): how many audit rows were ever written, the newest id
and its hash. A trigger on ``audit_log`` moves it forward on every insert; the application
never writes it. Further triggers refuse UPDATE and DELETE on ``audit_log`` (and TRUNCATE on
PostgreSQL), and refuse any change of the anchor that is not "one more row". See
``app.audit`` for what this protects against and what it cannot.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_audit_anchor"
down_revision: str | tuple[str, ...] | None = "0008_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE_LOG = "監査ログは追記のみです（変更・削除はできません）"
REFUSE_ANCHOR = "監査ログのアンカーは追記でしか進みません"

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_anchor_advance AFTER INSERT ON audit_log BEGIN
        UPDATE audit_anchor SET entries = entries + 1, last_id = NEW.id,
            last_hash = NEW.hash WHERE id = 1;
    END""",
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, '{REFUSE_LOG}');
    END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, '{REFUSE_LOG}');
    END""",
    f"""CREATE TRIGGER audit_anchor_forward BEFORE UPDATE ON audit_anchor
        WHEN NEW.entries <> OLD.entries + 1 OR NEW.id <> OLD.id BEGIN
        SELECT RAISE(ABORT, '{REFUSE_ANCHOR}');
    END""",
    f"""CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor BEGIN
        SELECT RAISE(ABORT, '{REFUSE_ANCHOR}');
    END""",
]
SQLITE_DROP = ["audit_anchor_advance", "audit_log_no_update", "audit_log_no_delete",
               "audit_anchor_forward", "audit_anchor_no_delete"]

POSTGRES = [
    """CREATE FUNCTION issei_audit_anchor_advance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE audit_anchor SET entries = entries + 1, last_id = NEW.id, last_hash = NEW.hash
            WHERE id = 1;
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION issei_audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSE_LOG}';
    END $$""",
    f"""CREATE FUNCTION issei_audit_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NEW.entries <> OLD.entries + 1 OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION '{REFUSE_ANCHOR}';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER audit_anchor_advance AFTER INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION issei_audit_anchor_advance()""",
    """CREATE TRIGGER audit_log_refuse BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION issei_audit_log_refuse()""",
    """CREATE TRIGGER audit_log_refuse_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION issei_audit_log_refuse()""",
    """CREATE TRIGGER audit_anchor_forward BEFORE UPDATE OR DELETE ON audit_anchor
        FOR EACH ROW EXECUTE FUNCTION issei_audit_anchor_forward()""",
    """CREATE TRIGGER audit_anchor_refuse_truncate BEFORE TRUNCATE ON audit_anchor
        FOR EACH STATEMENT EXECUTE FUNCTION issei_audit_log_refuse()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_anchor_advance ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_refuse ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_refuse_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_anchor_forward ON audit_anchor",
    "DROP TRIGGER IF EXISTS audit_anchor_refuse_truncate ON audit_anchor",
    "DROP FUNCTION IF EXISTS issei_audit_anchor_advance()",
    "DROP FUNCTION IF EXISTS issei_audit_log_refuse()",
    "DROP FUNCTION IF EXISTS issei_audit_anchor_forward()",
]


def upgrade() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    # The head of the chain as it stands now (an existing log is taken as it is).
    op.execute(
        "INSERT INTO audit_anchor (id, entries, last_id, last_hash) SELECT 1, "
        "(SELECT COUNT(*) FROM audit_log), COALESCE((SELECT MAX(id) FROM audit_log), 0), "
        "COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '" + "0" * 64 + "')"
    )
    statements = POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DROP:
            op.execute(statement)
    else:
        for name in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_anchor")
