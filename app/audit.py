"""The audit log: append-only and hash-chained, so a removed or edited row is detectable."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    at = entry.at.replace(tzinfo=None).isoformat(timespec="microseconds")
    return {
        "at": at,
        "operator": entry.operator,
        "console": entry.console,
        "action": entry.action,
        "message_id": entry.message_id,
        "detail": entry.detail,
    }


def append(
    session: Session,
    action: str,
    *,
    operator: str = "",
    console: str = "",
    message_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one row inside the caller's transaction (so the audit and the act commit together)."""
    last = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
    ).first()
    prev_hash = last.hash if last else GENESIS
    entry = AuditEntry(
        at=utcnow(), operator=operator, console=console, action=action,
        message_id=message_id, detail=detail or {}, prev_hash=prev_hash, hash="",
    )
    entry.hash = _digest(prev_hash, _fields(entry))
    session.add(entry)
    session.flush()
    return entry


def verify(session: Session) -> list[str]:
    """Problems found in the chain, in Japanese; an empty list means intact."""
    problems: list[str] = []
    prev_hash = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev_hash:
            problems.append(f"#{entry.id}: 直前の記録とつながっていません（削除または改ざん）")
        if _digest(entry.prev_hash, _fields(entry)) != entry.hash:
            problems.append(f"#{entry.id}: 内容が記録時と一致しません（改ざん）")
        prev_hash = entry.hash
    return problems
