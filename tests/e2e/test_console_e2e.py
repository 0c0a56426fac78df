"""The real console as a subprocess, in training mode with a throwaway data folder: a 定型文
is filled in and sent through the UI (the hidden ``ISSEI_E2E_SCRIPT`` hook drives the real
widgets: template form, 一斉配信, the confirmation's send button), and the test waits for
completion on the console's JSON log lines (``--log-json``)."""

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

from sqlalchemy import select

from app import ledger
from app.db.models import Recipient
from app.db.session import make_engine, session_factory

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0

PLAN = {
    "template": {
        "name": "避難所開設",
        "values": {"開設時刻": "16時30分", "避難所": "北小学校 体育館", "所在地": "北町1-2-3",
                   "問い合わせ先": "防災対策課 0120-000-000"},
    },
    "media": ["email", "line"],
    "timeout": 90,
}


def _read_lines(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _events(data_dir: Path, plan_file: Path) -> tuple[list[dict[str, Any]], int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
                "ISSEI_E2E_SCRIPT": str(plan_file)})
    with subprocess.Popen(
        [sys.executable, "-m", "widgets.launcher", "--data-dir", str(data_dir), "--log-json",
         "gui"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8",
    ) as process:
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(process.stderr, lines), daemon=True)
        reader.start()
        events: list[dict[str, Any]] = []
        other: list[str] = []
        deadline = time.monotonic() + TIMEOUT
        try:
            while time.monotonic() < deadline:
                try:
                    line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if line is None:
                    break
                try:
                    entry = json.loads(line)
                except ValueError:
                    other.append(line)
                    continue
                events.append(entry)
                if entry.get("event") == "message_finished":
                    break
            code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        reader.join(timeout=5)
        assert process.stdout is not None
        output = process.stdout.read()
    return events, code, "".join(other) + output


def test_a_template_sent_through_the_ui_completes(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(PLAN, ensure_ascii=False), encoding="utf-8")
    data_dir = tmp_path / "data"
    events, code, other = _events(data_dir, plan_file)
    named = [e["event"] for e in events if "event" in e]
    assert "message_finished" in named, (named, other)
    assert code == 0, other
    errors = [e for e in events if e["level"] in ("error", "critical")]
    assert errors == []

    # The order an operator would see it in.
    for earlier, later in (("console_ready", "e2e_template_inserted"),
                           ("e2e_template_inserted", "e2e_confirming"),
                           ("e2e_confirming", "message_queued"),
                           ("message_queued", "message_finished")):
        assert named.index(earlier) < named.index(later), named
    ready = next(e for e in events if e.get("event") == "console_ready")
    assert "【訓練】" in ready["msg"]  # training mode by default, in Japanese
    finished = next(e for e in events if e.get("event") == "message_finished")
    message_id = finished["msg"].split("id=", 1)[1].split()[0]
    counts = json.loads(finished["msg"].split("counts=", 1)[1])
    assert set(counts) == {"email", "line"}
    for medium in counts.values():
        assert medium["total"] > 0 and medium["sent"] == medium["total"]
        assert medium["failed"] == medium["pending"] == 0

    # The drill sink got what the residents would have received; nothing else could have.
    # Each resident reads it in their own language when the template carried a reviewed
    # translation of it (English, やさしい日本語), everyone else in Japanese.
    mails = [json.loads(line) for line in
             (data_dir / "drill" / "email.jsonl").read_text(encoding="utf-8").splitlines()]
    received = [rcpt for m in mails for rcpt in m["rcpt_tos"]]
    assert len(received) == len(set(received)) == counts["email"]["total"]
    engine = make_engine(f"sqlite:///{data_dir / 'issei.sqlite3'}")
    try:
        stored = ledger.renditions(session_factory(engine), message_id)
        with session_factory(engine)() as session:
            spoken = dict(session.execute(select(Recipient.email, Recipient.language)).all())
    finally:
        engine.dispose()
    # The ledger keeps each language the message carried: the template's reviewed
    # translations came along.
    languages = {(r.medium, r.language) for r in stored}
    assert languages == {(m, lang) for m in ("email", "line") for lang in ("ja", "ja-easy", "en")}
    subject_in = {r.language: r.payload["subject"] for r in stored if r.medium == "email"}
    assert subject_in["ja"] == "【訓練】北小学校 体育館を避難所として開設しました"
    assert subject_in["en"] == "[DRILL] Evacuation shelter open: 北小学校 体育館"
    for mail in mails:
        for rcpt in mail["rcpt_tos"]:
            expected = spoken[rcpt] if spoken[rcpt] in subject_in else "ja"
            assert mail["subject"] == subject_in[expected], (rcpt, spoken[rcpt])
    assert {m["subject"] for m in mails} >= {subject_in["ja"], subject_in["en"]}
