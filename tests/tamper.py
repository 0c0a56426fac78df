"""What an attacker with DDL rights does first: drop the audit table's guard triggers
(migration 0009), so that plain UPDATE/DELETE on ``audit_log`` go through."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def drop_audit_guards(session: Session, *, anchor_too: bool = False) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("DROP TRIGGER audit_log_refuse ON audit_log"))
        if anchor_too:
            session.execute(text("DROP TRIGGER audit_anchor_forward ON audit_anchor"))
        return
    session.execute(text("DROP TRIGGER audit_log_no_update"))
    session.execute(text("DROP TRIGGER audit_log_no_delete"))
    if anchor_too:
        session.execute(text("DROP TRIGGER audit_anchor_forward"))
