"""The audit tail anchor: a cut-off tail leaves a perfect chain, the anchor still finds it;
plain UPDATE/DELETE on the audit table are refused by the database itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.db.models import AuditEntry
from app.db.session import make_engine, session_factory, upgrade
from tests.tamper import drop_audit_guards


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def _append(sessions: sessionmaker[Session], n: int) -> list[int]:
    ids = []
    for i in range(n):
        with sessions.begin() as s:
            ids.append(audit.append(s, "send", operator="sato", detail={"n": i}).id)
    return ids


def test_anchor_follows_every_append(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        assert audit.anchor(s) == audit.Anchor(0, 0, audit.GENESIS)
        assert audit.verify(s) == []
    ids = _append(sessions, 3)
    with sessions() as s:
        head = audit.anchor(s)
        newest = s.get(AuditEntry, ids[-1])
        assert newest is not None
        assert head == audit.Anchor(3, ids[-1], newest.hash)
        assert audit.verify(s) == []


def test_rolled_back_append_does_not_move_the_anchor(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 1)
    s = sessions()
    s.begin()
    audit.append(s, "send")
    s.rollback()
    s.close()
    with sessions() as s:
        head = audit.anchor(s)
        assert head is not None and head.entries == 1
        assert audit.verify(s) == []


def test_the_database_refuses_to_edit_or_delete_audit_rows(
        sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, 2)
    for statement in (delete(AuditEntry).where(AuditEntry.id == ids[-1]),
                      update(AuditEntry).values(operator="someone")):
        with pytest.raises(DBAPIError, match="追記のみ"), sessions.begin() as s:
            s.execute(statement)
    with pytest.raises(DBAPIError, match="追記でしか進みません"), sessions.begin() as s:
        s.execute(text("UPDATE audit_anchor SET entries = entries - 1"))
    with sessions() as s:
        assert audit.verify(s) == []
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 2


def test_deleting_the_newest_rows_is_reported(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, 4)
    with sessions.begin() as s:
        drop_audit_guards(s)  # an attacker with DDL rights
        s.execute(delete(AuditEntry).where(AuditEntry.id >= ids[2]))
    with sessions() as s:
        problems = audit.verify(s)
    # what is left is a perfect chain; only the anchor knows two rows are gone
    assert any("記録が 2 件足りません" in p for p in problems), problems
    assert any(p.startswith(f"#{ids[-1]}: 最新の記録がありません") for p in problems), problems
    assert not any("つながっていません" in p for p in problems)


def test_emptying_the_table_is_reported(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 2)
    with sessions.begin() as s:
        drop_audit_guards(s)
        s.execute(delete(AuditEntry))
    with sessions() as s:
        assert any("記録が 2 件足りません" in p for p in audit.verify(s))


def test_rewriting_the_newest_row_with_a_fresh_hash_is_reported(
        sessions: sessionmaker[Session]) -> None:
    """A forger who recomputes the hash of the row they edited keeps the chain intact; the
    anchor still holds the hash the row had when it was written."""
    ids = _append(sessions, 2)
    with sessions.begin() as s:
        drop_audit_guards(s)
        entry = s.get(AuditEntry, ids[-1])
        assert entry is not None
        entry.operator = "someone"
        entry.hash = audit._digest(entry.prev_hash, audit._fields(entry))
    with sessions() as s:
        problems = audit.verify(s)
    assert problems == [f"#{ids[-1]}: 最新の記録のハッシュがアンカーと一致しません（書き換え）"]


def test_concurrent_appends_keep_one_chain(sessions: sessionmaker[Session]) -> None:
    """Two consoles appending at once (threads here, processes in the disaster room): each
    append waits for the anchor row, so no two rows ever claim the same predecessor."""
    import threading

    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(15):
                with sessions.begin() as s:
                    audit.append(s, "send", console=name, detail={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"卓{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as s:
        assert audit.verify(s) == []
        head = audit.anchor(s)
        assert head is not None and head.entries == 45


def test_the_witness_file_catches_a_rewrite_that_fixed_the_anchor_too(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """Full control of the database: guards dropped, the newest row deleted, the anchor set
    to match. Chain and anchor agree again; this PC's witness file still remembers."""
    witness = tmp_path / "data" / audit.WITNESS_FILE
    ids = _append(sessions, 3)
    with sessions() as s:
        assert audit.verify(s, witness=witness) == []  # this PC saw 3 rows, head ids[-1]
    seen = json.loads(witness.read_text(encoding="utf-8"))
    assert [v["last_id"] for v in seen.values()] == [ids[-1]]
    with sessions.begin() as s:
        drop_audit_guards(s, anchor_too=True)
        s.execute(delete(AuditEntry).where(AuditEntry.id == ids[-1]))
        previous = s.get(AuditEntry, ids[-2])
        assert previous is not None
        s.execute(text("UPDATE audit_anchor SET entries = 2, last_id = :id, last_hash = :h"),
                  {"id": previous.id, "h": previous.hash})
    with sessions() as s:
        assert audit.verify(s) == []  # from inside the database it looks intact
        problems = audit.verify(s, witness=witness)
    assert any("3 件ありましたが、いまは 2 件です" in p for p in problems), problems
    assert any(p.startswith(f"#{ids[-1]}: この端末が") for p in problems), problems
    # a tampered log never moves the witness forward
    assert json.loads(witness.read_text(encoding="utf-8")) == seen


def test_an_unreadable_witness_file_is_not_a_crash(sessions: sessionmaker[Session],
                                                   tmp_path: Path) -> None:
    witness = tmp_path / audit.WITNESS_FILE
    witness.write_text("{not json", encoding="utf-8")
    _append(sessions, 1)
    with sessions() as s:
        assert audit.verify(s, witness=witness) == []
    assert len(json.loads(witness.read_text(encoding="utf-8"))) == 1  # rewritten, intact
