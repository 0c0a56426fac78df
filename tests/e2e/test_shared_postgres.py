"""Several workers on one PostgreSQL outbox: SKIP LOCKED claims, one worker killed mid-send."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from app.db.models import Delivery, Recipient
from app.db.session import make_engine, upgrade
from tests.helpers import line_user_id
from tests.peers.line_peer import Fault, LinePeer
from tests.peers.smtp_peer import SmtpPeer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "shared-pg-token"


def _issei(args: list[str], config: Path, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "widgets.launcher", "--config", str(config), "--data-dir",
         str(data), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ISSEI_LINE_ACCESS_TOKEN": TOKEN},
    )


def _pending(url: str, message_id: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(
                select(func.count()).select_from(Delivery).where(
                    Delivery.message_id == message_id, Delivery.state.in_(["queued", "sending"])
                )
            ) or 0)
    finally:
        engine.dispose()


def test_two_workers_one_killed_nobody_lost_line_exactly_once(
    tmp_path: Path, pg_url: str
) -> None:
    emails = [f"r{i:05d}@example.jp" for i in range(6000)]
    users = [line_user_id(i) for i in range(6000)]
    with SmtpPeer() as smtp, LinePeer(token=TOKEN) as line:
        line.script(Fault.slow(0.2, accept=True), times=6)  # keep LINE batches in flight
        config = tmp_path / "issei.toml"
        config.write_text(
            f'[database]\nurl = "{pg_url}"\n'
            f'[channels.email]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
            'recipients_per_transaction = 50\nconnections = 2\n'
            f'[channels.line]\nbase_url = "{line.base_url}"\nconcurrency = 2\n',
            encoding="utf-8",
        )
        engine = make_engine(pg_url)
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [
                {"email": e, "line_user_id": u, "name": ""} for e, u in zip(emails, users,
                                                                             strict=True)
            ])
        engine.dispose()
        queued = _issei(["send", "--title", "土砂災害警戒情報", "--body", "警戒してください。",
                         "--media", "email,line", "--json"], config, tmp_path / "q")
        out, err = queued.communicate(timeout=120)
        assert queued.returncode == 0, err
        message_id = json.loads(out)["message_id"]

        workers = [_issei(["worker"], config, tmp_path / f"w{i}") for i in range(2)]
        try:
            deadline = time.monotonic() + 60
            while len(smtp.delivered_to()) < len(emails) // 5:
                assert time.monotonic() < deadline, "no progress"
                time.sleep(0.01)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].communicate(timeout=10)
            deadline = time.monotonic() + 120
            while _pending(pg_url, message_id):
                assert time.monotonic() < deadline, "the surviving worker did not finish"
                assert workers[1].poll() is None, workers[1].communicate()[1]
                time.sleep(0.2)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGKILL)
                worker.communicate(timeout=10)
        status = _issei(["status", message_id, "--json"], config, tmp_path / "s")
        out, _ = status.communicate(timeout=60)
        counts = json.loads(out)["media"]

    received = Counter(smtp.delivered_to())
    assert set(received) == set(emails), "an e-mail recipient was lost"
    email_duplicates = sum(n - 1 for n in received.values())
    assert email_duplicates <= 2 * 50  # what the killed worker had in flight
    assert email_duplicates <= counts["email"]["duplicates"]
    line.assert_clean()
    assert set(line.delivered) == set(users) and max(line.delivered.values()) == 1
    assert counts["line"]["duplicates"] == 0
    for medium in ("email", "line"):
        assert counts[medium]["sent"] == counts[medium]["total"] == 6000


def test_a_console_sees_another_workers_progress_within_a_second(
    tmp_path: Path, pg_url: str
) -> None:
    import asyncio

    from app.config import Config
    from app.dispatch.driver import DriverSet
    from app.events import DeliveryProgress, Event, MessageFinished
    from app.service import Issei

    emails = [f"r{i:04d}@example.jp" for i in range(3000)]
    with SmtpPeer() as smtp:
        config = tmp_path / "issei.toml"
        config.write_text(
            f'[database]\nurl = "{pg_url}"\n'
            f'[channels.email]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
            'recipients_per_transaction = 20\nconnections = 1\n',
            encoding="utf-8",
        )
        engine = make_engine(pg_url)
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"email": e, "name": ""} for e in emails])
        engine.dispose()
        queued = _issei(["send", "--title", "t", "--body", "b", "--media", "email", "--json"],
                        config, tmp_path / "q")
        out, err = queued.communicate(timeout=120)
        assert queued.returncode == 0, err
        message_id = json.loads(out)["message_id"]

        # The watching console delivers nothing itself: it has no drivers.
        console = Issei(Config(database_url=pg_url, data_dir=tmp_path / "console",
                               training=False, embedded=False), DriverSet(), DriverSet())
        seen: list[tuple[float, int]] = []
        finished: list[float] = []

        def on_event(event: Event) -> None:
            if isinstance(event, DeliveryProgress) and event.message_id == message_id:
                seen.append((time.monotonic(), event.counts.sent))
            elif isinstance(event, MessageFinished) and event.message_id == message_id:
                finished.append(time.monotonic())

        console.events.subscribe(on_event)

        async def watch() -> float:
            runner = asyncio.create_task(console.engine.run())
            await asyncio.sleep(0.5)  # listening before the worker starts
            worker = _issei(["worker"], config, tmp_path / "w")
            try:
                deadline = time.monotonic() + 60
                while not smtp.delivered_to():
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.005)
                first_delivery = time.monotonic()
                while not finished:
                    assert time.monotonic() < deadline, "the console never saw the end"
                    await asyncio.sleep(0.05)
                return first_delivery
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.communicate(timeout=10)
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)
                await console.aclose()

        first_delivery = asyncio.run(watch())
    assert console.engine.shared_channel_up is True
    first_seen = next(t for t, sent in seen if sent > 0)
    assert first_seen - first_delivery < 1.0
    assert seen[-1][1] == len(emails)


def _claimed_by(url: str, pid: int) -> int:
    """Batches a process holds right now (in flight), from its worker id ``host:pid:start``."""
    from app.db.models import DeliveryBatch

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(
                select(func.count()).select_from(DeliveryBatch).where(
                    DeliveryBatch.state == "sending",
                    DeliveryBatch.claimed_by.like(f"%:{pid}:%"))
            ) or 0)
    finally:
        engine.dispose()


def test_two_workers_two_consoles_50000_line_exactly_once_one_worker_killed(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's done-means: two worker processes (``issei worker``) and two consoles on one
    PostgreSQL database deliver a 50,000-recipient send, every recipient exactly once, while one
    worker is SIGKILLed with batches in flight; a console sees another's progress within 1 s.

    The consoles are headless console engines in this process (``Issei`` + its engine, as the
    window runs it): console A composes and sends and delivers too; console B has no drivers
    and only watches through LISTEN/NOTIFY. LINE is the medium because its retry key makes
    exactly-once strict (e-mail may repeat in-flight transactions; see the 6,000 test)."""
    import asyncio

    from app.config import Config, LineChannel
    from app.dispatch.driver import DriverSet
    from app.domain import Draft, Medium
    from app.events import DeliveryProgress, Event, MessageFinished
    from app.service import Issei
    from drivers.registry import real_drivers
    from tests.helpers import make_config

    n = 50_000
    users = [line_user_id(i) for i in range(n)]
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", TOKEN)
    with LinePeer(token=TOKEN) as line:
        config_file = tmp_path / "issei.toml"
        config_file.write_text(
            f'[database]\nurl = "{pg_url}"\n'
            f'[channels.line]\nbase_url = "{line.base_url}"\nconcurrency = 3\n',
            encoding="utf-8",
        )
        engine = make_engine(pg_url)
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"line_user_id": u, "name": ""} for u in users])
        engine.dispose()
        console_a_config = make_config(tmp_path / "a", pg_url, line=LineChannel(
            base_url=line.base_url, concurrency=2))
        console_a = Issei(console_a_config, real_drivers(console_a_config), DriverSet())
        console_b = Issei(Config(database_url=pg_url, data_dir=tmp_path / "b", training=False,
                                 embedded=False), DriverSet(), DriverSet())
        seen: list[tuple[float, int]] = []
        finished: list[tuple[float, int]] = []

        def on_event(event: Event) -> None:  # console B: someone else's progress
            if isinstance(event, DeliveryProgress) and event.medium == "line":
                seen.append((time.monotonic(), event.counts.sent))
            elif isinstance(event, MessageFinished):
                finished.append((time.monotonic(), event.counts["line"].sent))

        console_b.events.subscribe(on_event)
        workers = [_issei(["worker"], config_file, tmp_path / f"w{i}") for i in range(2)]

        async def run() -> tuple[str, float, float, int]:
            tasks = [asyncio.create_task(c.engine.run()) for c in (console_a, console_b)]
            try:
                await asyncio.sleep(2.0)  # workers and both consoles are listening
                started = time.monotonic()
                message_id = await asyncio.to_thread(console_a.send, Draft(
                    title="避難指示", body="直ちに避難してください。", media=(Medium.LINE,)))
                queued = time.monotonic() - started
                deadline = time.monotonic() + 60
                while not line.delivered_count:
                    assert time.monotonic() < deadline, "no delivery"
                    await asyncio.sleep(0.005)
                first_delivery = time.monotonic()
                # From now on slow answers keep batches in flight, so the kill lands
                # mid-request (the first answer was prompt: it times console B's view).
                line.script(Fault.slow(0.3, accept=True), times=30)
                # Kill worker 0 while it holds a batch in flight.
                while not _claimed_by(pg_url, workers[0].pid):
                    assert time.monotonic() < deadline, "worker 0 never claimed a batch"
                    assert line.delivered_count < n, "finished before the kill"
                    await asyncio.sleep(0.01)
                workers[0].send_signal(signal.SIGKILL)
                await asyncio.to_thread(workers[0].communicate, timeout=10)
                killed_at = line.delivered_count
                while line.delivered_count < n:
                    assert time.monotonic() < deadline, "the send did not finish"
                    await asyncio.sleep(0.005)
                last_delivery = time.monotonic()
                while not finished or finished[-1][1] < n:
                    assert time.monotonic() < deadline, "console B never saw the end"
                    await asyncio.sleep(0.02)
                print(f"\n50,000 LINE: outbox written in {queued:.2f} s; "
                      f"send→last delivery {last_delivery - started:.1f} s; killed at "
                      f"{killed_at:,} delivered")
                return message_id, first_delivery, last_delivery, killed_at
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await console_a.aclose()
                await console_b.aclose()

        try:
            message_id, first_delivery, last_delivery, killed_at = asyncio.run(run())
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGKILL)
                worker.communicate(timeout=10)
        status = _issei(["status", message_id, "--json"], config_file, tmp_path / "s")
        out, _ = status.communicate(timeout=60)
        counts = json.loads(out)["media"]["line"]

    assert 0 < killed_at < n
    line.assert_clean()  # every request valid against LINE's OpenAPI document
    assert set(line.delivered) == set(users), "a recipient was lost"
    assert max(line.delivered.values()) == 1, "a recipient got it twice"
    assert counts["sent"] == counts["total"] == n and counts["duplicates"] == 0
    first_seen = next(t for t, sent in seen if sent > 0)
    print(f"console B saw the first delivery after {(first_seen - first_delivery) * 1000:.0f} ms"
          f", the end after {(finished[-1][0] - last_delivery) * 1000:.0f} ms")
    assert first_seen - first_delivery < 1.0
    assert finished[-1][0] - last_delivery < 1.0
