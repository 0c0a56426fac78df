"""Kill a real worker process with SIGKILL in mid-send; the next start loses nobody."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert

from app.db.models import Recipient
from app.db.session import make_engine, upgrade
from tests.peers.smtp_peer import SmtpPeer

ISSEI = [sys.executable, "-m", "widgets.launcher"]
ROOT = Path(__file__).resolve().parents[2]


class SlowPeer(SmtpPeer):
    """Each DATA takes a while, so a kill lands with transactions in flight."""


def _issei(args: list[str], config: Path, data: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ISSEI, "--config", str(config), "--data-dir", str(data), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs,  # type: ignore[arg-type]
    )


def test_sigkill_mid_send_loses_nobody_and_counts_duplicates(tmp_path: Path) -> None:
    total = 3000
    with SmtpPeer() as peer:
        handler = peer._controller.handler  # type: ignore[union-attr]
        original = handler.handle_DATA

        async def slow_data(*args: object) -> str:
            await asyncio.sleep(0.02)
            return await original(*args)

        handler.handle_DATA = slow_data
        db = tmp_path / "issei.sqlite3"
        config = tmp_path / "issei.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{db}"\n'
            f'[channels.email]\nhost = "127.0.0.1"\nport = {peer.port}\nsecurity = "none"\n'
            'recipients_per_transaction = 50\nconnections = 4\n',
            encoding="utf-8",
        )
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        addresses = [f"r{i:05d}@example.jp" for i in range(total)]
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"email": a, "name": ""} for a in addresses])
        engine.dispose()

        queued = _issei(["send", "--title", "断水のお知らせ", "--body", "本日午後、断水します。",
                         "--media", "email", "--json"], config, tmp_path / "d")
        out, err = queued.communicate(timeout=120)
        assert queued.returncode == 0, err
        message_id = json.loads(out)["message_id"]

        worker = _issei(["worker"], config, tmp_path / "d")
        deadline = time.monotonic() + 60
        while len(peer.delivered_to()) < total // 4:
            assert time.monotonic() < deadline, "worker made no progress"
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=10)  # also closes its pipes
        before_restart = len(peer.delivered_to())
        assert before_restart < total, "the kill came too late to prove anything"

        resumed = _issei(["worker", "--until-idle"], config, tmp_path / "d")
        _, err = resumed.communicate(timeout=180)
        assert resumed.returncode == 0, err

        status = _issei(["status", message_id, "--json"], config, tmp_path / "d")
        out, err = status.communicate(timeout=60)
        counts = json.loads(out)["media"]["email"]

    received = Counter(peer.delivered_to())
    assert set(received) == set(addresses), "a recipient was lost"
    actual_duplicates = sum(n - 1 for n in received.values() if n > 1)
    in_flight_bound = 4 * 50  # connections × recipients per transaction
    print(f"before restart {before_restart}, duplicates {actual_duplicates}, reported {counts}")
    assert actual_duplicates <= in_flight_bound
    assert counts["total"] == total and counts["sent"] == total and counts["pending"] == 0
    # Every actual duplicate is among those the status reports as possible duplicates.
    assert actual_duplicates <= counts["duplicates"] <= in_flight_bound


def test_sigkill_mid_send_on_line_delivers_everyone_exactly_once(tmp_path: Path) -> None:
    """LINE deduplicates by X-Line-Retry-Key: a batch resent after the crash answers 409."""
    from tests.helpers import line_user_id
    from tests.peers.line_peer import Fault, LinePeer

    total = 5000
    token = "crash-test-token"
    with LinePeer(token=token) as peer:
        # Every request is accepted at once but answered slowly, so the kill always lands
        # between "LINE took it" and "Issei recorded it".
        peer.script(Fault.slow(0.3, accept=True), times=total // 500)
        db = tmp_path / "issei.sqlite3"
        config = tmp_path / "issei.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{db}"\n'
            f'[channels.line]\nbase_url = "{peer.base_url}"\nconcurrency = 2\n',
            encoding="utf-8",
        )
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        users = [line_user_id(i) for i in range(total)]
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"line_user_id": u, "name": ""} for u in users])
        engine.dispose()
        os.environ["ISSEI_LINE_ACCESS_TOKEN"] = token
        try:
            queued = _issei(["send", "--title", "避難指示", "--body", "避難してください。",
                             "--media", "line", "--json"], config, tmp_path / "d")
            out, err = queued.communicate(timeout=120)
            assert queued.returncode == 0, err
            message_id = json.loads(out)["message_id"]
            worker = _issei(["worker"], config, tmp_path / "d")
            deadline = time.monotonic() + 60
            while len(peer.accepted) < 3:
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            worker.communicate(timeout=10)
            resumed = _issei(["worker", "--until-idle"], config, tmp_path / "d")
            _, err = resumed.communicate(timeout=180)
            assert resumed.returncode == 0, err
            status = _issei(["status", message_id, "--json"], config, tmp_path / "d")
            out, _ = status.communicate(timeout=60)
        finally:
            del os.environ["ISSEI_LINE_ACCESS_TOKEN"]
        counts = json.loads(out)["media"]["line"]
        peer.assert_clean()
        assert set(peer.delivered) == set(users)
        assert max(peer.delivered.values()) == 1, "LINE delivered someone twice"
        assert 409 in peer.statuses(), "the crash left no accepted-but-unrecorded batch"
    assert counts == {"total": total, "sent": total, "failed": 0, "pending": 0,
                      "duplicates": 0, "cancelled": 0}
