"""Two real consoles (the app as subprocesses, offscreen, driven by ``ISSEI_E2E_SCRIPT``) on
one PostgreSQL database with operator accounts: 防災's 配信者 signs in on 1番卓 and sends an
evacuation order (緊急: held for a second operator); the request appears in 2番卓's 承認 tab
within a second; 2番卓's 承認者 approves it there; 1番卓 is told and its monitor sees the
send finish. Both consoles log JSON lines (``--log-json``) that the test reads."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from app.accounts.operators import Role, add_department, add_operator
from app.db.models import AuditEntry, Message, Recipient
from app.db.session import make_engine, session_factory, upgrade

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-password-1"
TITLE = "避難指示（北地区）"


class Console:
    def __init__(self, tmp: Path, name: str, url: str, plan: dict[str, Any]) -> None:
        config = tmp / f"{name}.toml"
        config.write_text(f'[app]\nconsole_name = "{name}"\ntraining = true\n'
                          f'[database]\nurl = "{url}"\n', encoding="utf-8")
        plan_file = tmp / f"{name}.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
                    "ISSEI_E2E_SCRIPT": str(plan_file)})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "widgets.launcher", "--config", str(config), "--data-dir",
             str(tmp / name), "--log-json", "gui"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            encoding="utf-8")
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self.other: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, event: str, deadline: float) -> dict[str, Any]:
        for entry in self.events:
            if entry.get("event") == event:
                return entry
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            try:
                entry = json.loads(line)
            except ValueError:
                self.other.append(line)
                continue
            self.events.append(entry)
            if entry.get("event") == event:
                return entry
        raise AssertionError(f"no {event}; exit={self.process.poll()}; log tail:\n"
                             + "\n".join(json.dumps(e, ensure_ascii=False)
                                         for e in self.events[-15:])
                             + "".join(self.other[-20:]))

    def stop(self) -> int:
        try:
            return self.process.wait(timeout=60)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()


def test_second_console_sees_and_approves_a_held_send(tmp_path: Path, pg_url: str) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        add_department(session, "防災", sender_name="防災課")
        add_operator(session, "bousai", PASSWORD, Role.SENDER, department="防災")
        add_operator(session, "shonin", PASSWORD, Role.APPROVER, department="防災")
        session.execute(insert(Recipient), [
            {"name": f"住民{i}", "email": f"r{i}@example.jp", "area": "北地区"}
            for i in range(20)])
    deadline = time.monotonic() + 150
    approver = Console(tmp_path, "2番卓", pg_url, {
        "sign_in": {"login": "shonin", "password": PASSWORD},
        "approve": {"title": TITLE}, "timeout": 120})
    sender: Console | None = None
    try:
        approver.wait_for("e2e_approvals_ready", deadline)
        sender = Console(tmp_path, "1番卓", pg_url, {
            "sign_in": {"login": "bousai", "password": PASSWORD},
            "title": TITLE, "body": "北地区に避難指示を発令しました。直ちに避難してください。",
            "urgency": "emergency", "media": ["email"], "timeout": 120})
        queued = sender.wait_for("message_queued", deadline)
        seen = approver.wait_for("e2e_approval_seen", deadline)
        approver.wait_for("e2e_approved", deadline)
        decided = sender.wait_for("approval_decided", deadline)
        sender.wait_for("e2e_done", deadline)
        assert approver.stop() == 0
        assert sender.stop() == 0
    finally:
        for console in (approver, sender):
            if console is not None:
                console.close()

    latency = seen["t"] - queued["t"]
    print(f"\nheld send on 1番卓 → in 2番卓's 承認 tab: {latency * 1000:.0f} ms")
    assert latency < 1.0, f"the approval request took {latency:.2f} s to appear"
    assert "state=approved" in decided["msg"] and "by=shonin" in decided["msg"]
    with session_factory(engine)() as session:
        message = session.scalars(select(Message).where(Message.title == TITLE)).one()
        assert message.approval == "approved" and message.approval_by == "shonin"
        assert message.created_by == "bousai" and message.department == "防災"
        approve = session.scalars(select(AuditEntry).where(AuditEntry.action == "approve")).one()
        assert approve.operator == "shonin" and approve.console == "2番卓"
    engine.dispose()
