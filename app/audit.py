"""The audit log: append-only and hash-chained, so a removed or edited row is detectable.

The chain alone cannot show a cut-off tail: delete the newest rows and what is left is still
a perfect chain. So the database also keeps an **anchor** (table ``audit_anchor``, migration
0009): how many rows were ever written, the newest id and its hash. A trigger moves it
forward on every insert; the application never writes it. ``verify`` compares the table with
the anchor, so a truncated tail (or an emptied table) is reported.

Threat model, honestly:

- Caught: an operator or a script that edits, deletes or truncates audit rows with ordinary
  SQL. Triggers refuse UPDATE/DELETE (and TRUNCATE on PostgreSQL) on ``audit_log`` and any
  anchor change other than "one more row"; rewriting history therefore needs DDL (dropping
  triggers), not just write access. If the triggers are dropped and rows deleted, the anchor
  still says how many rows there were and which hash was last, so ``verify`` reports it --
  unless the same person also rewrites the anchor.
- Not caught: someone with full control of the database (schema owner or superuser, or the
  SQLite file and an editor) can drop the triggers, delete rows, recompute every hash and set
  the anchor to match. Nothing inside one database can prevent that; it only raises the bar
  from "one DELETE" to "a deliberate rewrite of three things". The defence against that
  person is outside the database: each console PC's **witness file**
  (``<data folder>/audit-witness.json``, written by ``issei audit verify`` and the viewer
  after an intact check) remembers the head it last saw, so a later wholesale rewrite is
  still reported on that PC unless its file is edited too; and regular CSV exports
  (``issei audit export``) kept elsewhere, or a PostgreSQL log/replica held by another
  department. A rewrite done before any PC verified, or that also edits every witness file,
  is not detectable from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, utcnow

log = logging.getLogger("issei.audit")
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
    if session.get_bind().dialect.name == "postgresql":
        # Wait for the anchor row first: locking only the newest audit row is not enough
        # (a writer blocked on it would, once it is free, still see the same "newest" row
        # and fork the chain). After this lock the query below sees every committed row.
        # SQLite needs none: its BEGIN IMMEDIATE already serialises writers.
        session.execute(text("SELECT entries FROM audit_anchor WHERE id = 1 FOR UPDATE"))
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


def verify(session: Session, witness: Path | None = None) -> list[str]:
    """Problems found in the chain, in Japanese; an empty list means intact.

    ``witness``: this PC's witness file (``<data folder>/audit-witness.json``): the head of
    the log as this PC last found it intact. It is checked, and moved forward when the whole
    log is intact now."""
    problems: list[str] = []
    prev_hash = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev_hash:
            problems.append(f"#{entry.id}: 直前の記録とつながっていません（削除または改ざん）")
        if _digest(entry.prev_hash, _fields(entry)) != entry.hash:
            problems.append(f"#{entry.id}: 内容が記録時と一致しません（改ざん）")
        prev_hash = entry.hash
    problems.extend(_check_anchor(session))
    if witness is not None:
        problems.extend(_check_witness(session, witness))
        if not problems:
            _write_witness(session, witness)
    return problems


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as the database's triggers recorded it."""

    entries: int
    last_id: int
    last_hash: str


def anchor(session: Session) -> Anchor | None:
    row = session.execute(
        text("SELECT entries, last_id, last_hash FROM audit_anchor WHERE id = 1")).first()
    return Anchor(int(row[0]), int(row[1]), str(row[2])) if row is not None else None


def _check_anchor(session: Session) -> list[str]:
    """Compare the table's tail with the anchor: a cut-off tail leaves a perfect chain."""
    head = anchor(session)
    if head is None:
        return ["監査ログのアンカーがありません（削除された可能性があります）"]
    count = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    problems: list[str] = []
    if count < head.entries:
        problems.append(
            f"記録が {head.entries - count} 件足りません（アンカーでは {head.entries} 件、"
            f"表には {count} 件。末尾または途中の記録が削除されています）")
    elif count > head.entries:
        problems.append(
            f"アンカーの知らない記録が {count - head.entries} 件あります（アンカーでは "
            f"{head.entries} 件、表には {count} 件。保護のトリガーが外されています）")
    if head.entries:
        last = session.get(AuditEntry, head.last_id)
        if last is None:
            newest_id = newest.id if newest is not None else "なし"
            problems.append(f"#{head.last_id}: 最新の記録がありません（末尾が削除されています。"
                            f"表の最新は #{newest_id}）")
        elif last.hash != head.last_hash:
            problems.append(f"#{head.last_id}: 最新の記録のハッシュがアンカーと一致しません"
                            "（書き換え）")
        elif newest is not None and newest.id != last.id:
            problems.append(f"#{newest.id}: アンカーより後の記録です（保護のトリガーが"
                            "外されています）")
    return problems


WITNESS_FILE = "audit-witness.json"


def _database_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _read_witness(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("audit witness %s unreadable: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _check_witness(session: Session, path: Path) -> list[str]:
    """What this PC saw before must still be there: a log rewritten wholesale inside the
    database (triggers dropped, hashes and anchor recomputed) still differs from it."""
    seen = _read_witness(path).get(_database_key(session))
    if not isinstance(seen, dict):
        return []
    try:
        entries, last_id, last_hash = int(seen["entries"]), int(seen["last_id"]), \
            str(seen["last_hash"])
        checked_at = str(seen.get("checked_at", ""))
    except (KeyError, TypeError, ValueError):
        return []
    if not entries:
        return []
    problems: list[str] = []
    count = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    if count < entries:
        problems.append(f"この端末が {checked_at} に確かめたときは {entries} 件ありましたが、"
                        f"いまは {count} 件です（記録が削除されています）")
    row = session.get(AuditEntry, last_id)
    if row is None:
        problems.append(f"#{last_id}: この端末が {checked_at} に確かめた記録がありません"
                        "（データベースの監査ログが書き換えられています）")
    elif row.hash != last_hash:
        problems.append(f"#{last_id}: この端末が {checked_at} に確かめたときと内容が違います"
                        "（データベースの監査ログが書き換えられています）")
    return problems


def _write_witness(session: Session, path: Path) -> None:
    import os
    import tempfile

    head = anchor(session)
    if head is None:
        return
    data = _read_witness(path)
    data[_database_key(session)] = {
        "entries": head.entries, "last_id": head.last_id, "last_hash": head.last_hash,
        "checked_at": dt.datetime.now(JST).strftime("%Y-%m-%d %H:%M:%S"),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-witness-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except OSError as exc:  # the check itself stands; only the next one loses this head
        log.warning("audit witness %s not written: %s", path, exc)


AUDIT_CSV_HEADERS = ["日時", "操作者", "端末", "操作", "配信ID", "内容", "ハッシュ"]
ACTION_LABELS = {
    "send": "配信", "halt": "配信中止", "retry": "再送", "correction": "訂正",
    "cancellation": "取消", "approve": "承認", "reject": "差し戻し", "override": "承認省略",
    "operator_add": "操作者追加", "department_add": "部署追加",
    "operator_change": "操作者変更", "operator_disable": "操作者無効化",
    "operator_enable": "操作者有効化", "password_reset": "パスワード再設定",
    "department_change": "部署変更", "policy_set": "承認ポリシー変更",
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
