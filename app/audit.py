"""The audit log: append-only and hash-chained, so a removed or edited row is detectable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, utcnow

GENESIS = "0" * 64
JST = dt.timezone(dt.timedelta(hours=9), "JST")


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


AUDIT_CSV_HEADERS = ["日時", "操作者", "端末", "操作", "配信ID", "内容", "ハッシュ"]
ACTION_LABELS = {
    "send": "配信", "halt": "配信中止", "retry": "再送", "correction": "訂正",
    "cancellation": "取消", "approve": "承認", "reject": "差し戻し", "override": "承認省略",
    "operator_add": "操作者追加", "department_add": "部署追加",
    "sign_in": "サインイン", "sign_in_failed": "サインイン失敗", "sign_out": "サインアウト",
    "secret_set": "秘密情報の保存", "secret_forget": "秘密情報の削除",
    "jalert_alarm": "Jアラート受信", "jalert_ack": "Jアラート確認",
}


def export_csv(session: Session, path: Path, encoding: str = "cp932") -> list[str]:
    """Write the audit log as Excel reads it (CRLF). Returns problems; on any, nothing is
    written: a character CP932 cannot hold is reported with its row, never replaced."""
    import csv
    import io
    import os
    import tempfile

    if encoding not in ("cp932", "utf-8-sig"):
        return [f"文字コード {encoding} には書き出せません（cp932 か utf-8-sig）"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_HEADERS)
    problems: list[str] = []
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        row = [
            entry.at.replace(tzinfo=dt.UTC).astimezone(JST).strftime("%Y-%m-%d %H:%M:%S"),
            entry.operator, entry.console, ACTION_LABELS.get(entry.action, entry.action),
            entry.message_id or "",
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True), entry.hash,
        ]
        for column, value in zip(AUDIT_CSV_HEADERS, row, strict=True):
            try:
                value.encode(encoding)
            except UnicodeEncodeError as exc:
                problems.append(f"#{entry.id} {column}: 「{value[exc.start:exc.end]}」は "
                                f"{encoding} で書けません（utf-8-sig で書き出してください）")
        writer.writerow(row)
    if problems:
        return problems
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buffer.getvalue().encode(encoding))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        return [f"書き出せません: {exc}"]
    return []
