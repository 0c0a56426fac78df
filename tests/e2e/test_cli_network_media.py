"""`issei send --media sms,x,facebook,push,slack,teams,webhook,apprise` as a real subprocess:
in training everything lands in the drill sink with realistic answers; for real, a configured
medium reaches its spec-validating peer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

from tests.peers.twilio_peer import TwilioPeer
from tests.peers.x_peer import XPeer

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ("sms", "x", "facebook", "push", "slack", "teams", "webhook", "apprise")


def issei(*args: str, env: dict[str, str] | None = None,
          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "widgets.launcher", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def test_every_network_medium_drills_into_the_sink(tmp_path: Path) -> None:
    result = issei("--data-dir", str(tmp_path), "send", "--title", "避難指示",
                   "--body", "土砂災害の危険があります。直ちに避難してください。",
                   "--media", ",".join(MEDIA), "--urgency", "緊急", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["training"] is True
    for medium in MEDIA:
        counts = data["media"][medium]
        assert counts["total"] >= 1 and counts["sent"] == counts["total"], (medium, counts)
        records = [json.loads(line) for line in
                   (tmp_path / "drill" / f"{medium}.jsonl").read_text("utf-8").splitlines()]
        bodies = [r["body"] for r in records]
        # Twilio and Graph take form-encoded parameters: the sink keeps them as text
        text = " ".join(" ".join(v for vs in parse_qs(b).values() for v in vs)
                        if isinstance(b, str) else json.dumps(b, ensure_ascii=False)
                        for b in bodies)
        assert "【訓練】" in text, medium
    x_post = json.loads((tmp_path / "drill" / "x.jsonl").read_text("utf-8").splitlines()[0])
    assert x_post["body"]["text"].startswith("【訓練】【緊急】【避難指示】")
    push = [json.loads(line) for line in
            (tmp_path / "drill" / "push.jsonl").read_text("utf-8").splitlines()]
    assert push[0]["path"] == "/token"  # the JWT exchange happens in training too
    assert push[1]["body"]["message"]["topic"] == "issei-disaster"


def test_configured_media_reach_their_real_endpoints(tmp_path: Path) -> None:
    sid = "AC" + "b2" * 16
    with TwilioPeer(sid, "tw-token") as twilio, XPeer("x-token") as x:
        config = tmp_path / "issei.toml"
        config.write_text(
            f'[channels.sms]\nbase_url = "{twilio.base_url}"\naccount_sid = "{sid}"\n'
            f'from_number = "+815011112222"\n\n'
            f'[channels.x]\nbase_url = "{x.base_url}"\nlong_text = "shorten"\n',
            encoding="utf-8")
        from sqlalchemy import insert

        from app.db.models import Recipient
        from app.db.session import make_engine, upgrade

        engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"name": "a", "sms": "090-1234-5678"}])
        engine.dispose()
        result = issei("--config", str(config), "--data-dir", str(tmp_path), "send",
                       "--title", "大雨警報", "--body", "警戒してください。" * 40,
                       "--media", "sms,x", "--wait", "--json",
                       env={"ISSEI_SMS_AUTH_TOKEN": "tw-token",
                            "ISSEI_X_ACCESS_TOKEN": "x-token"})
        assert result.returncode == 0, result.stdout + result.stderr
        data = json.loads(result.stdout)
        assert data["training"] is False
        assert data["media"]["sms"]["sent"] == 1 and data["media"]["x"]["sent"] == 1
        assert twilio.sent_to == ["+819012345678"]
        [post] = x.posts.values()
        assert post["text"].endswith("。")  # long_text = "shorten" from the file
        twilio.assert_clean()
        x.assert_clean()


def test_x_thread_resumes_after_sigkill_without_reposting(tmp_path: Path) -> None:
    """A worker killed between two posts of a thread: the restarted worker continues from the
    last post it made (saved in the ledger), so nothing is posted twice and the chain holds."""
    import signal
    import time

    from tests.peers.scripted_http import Fault

    with XPeer("x-token") as x:
        config = tmp_path / "issei.toml"
        config.write_text(f'[channels.x]\nbase_url = "{x.base_url}"\ntimeout = 60.0\n',
                          encoding="utf-8")
        env = {"ISSEI_X_ACCESS_TOKEN": "x-token"}
        body = "".join(f"{i}番目の避難所を開設しました。" for i in range(1, 41))
        queued = issei("--config", str(config), "--data-dir", str(tmp_path), "send",
                       "--title", "避難所開設", "--body", body, "--media", "x", "--json",
                       env=env)
        assert queued.returncode == 0, queued.stderr
        message_id = json.loads(queued.stdout)["message_id"]
        # posts 1 and 2 go through; the third hangs until the worker is killed
        x.script(Fault(accept=True), Fault(accept=True), Fault(status=503, delay=60))
        worker = subprocess.Popen(
            [sys.executable, "-m", "widgets.launcher", "--config", str(config), "--data-dir",
             str(tmp_path), "worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env})
        try:
            deadline = time.monotonic() + 60
            while len(x.requests) < 3:
                assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
                assert time.monotonic() < deadline, "the worker did not start the thread"
                time.sleep(0.02)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.communicate(timeout=10)
        assert len(x.posts) == 2
        resumed = issei("--config", str(config), "--data-dir", str(tmp_path), "worker",
                        "--until-idle", env=env)
        assert resumed.returncode == 0, resumed.stderr
        status = issei("--config", str(config), "--data-dir", str(tmp_path), "status",
                       message_id, "--json", env=env)
        counts = json.loads(status.stdout)["media"]["x"]
        root = min(x.posts)
        thread = x.thread_of(root)
        x.assert_clean()
    assert counts["sent"] == 1 and counts["failed"] == 0
    assert len(thread) == len(x.posts) > 3  # one chain, every post once, replies in order
    assert [t.rsplit(" (", 1)[1] for t in thread] == [
        f"{i}/{len(thread)})" for i in range(1, len(thread) + 1)]
    assert 403 not in x.statuses()  # X would refuse a repeated post as a duplicate
