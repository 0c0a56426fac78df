"""End to end: a local Atom feed publishes a bulletin and the deliveries appear in the outbox
(in-process on SQLite and PostgreSQL, and through the real ``issei`` command), and the
verification tool prints one JSON line per bulletin without sending anything."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import build_parser
from app.config import EmailChannel
from app.db.models import Delivery, Message
from app.db.session import make_engine
from app.service import Issei
from app.triggers import cli as triggers_cli
from app.triggers.drillfeed import DrillFeed
from app.triggers.models import JmaBulletin, JmaFeedEntry
from app.triggers.rules import parse_rules
from app.triggers.service import Triggers
from tests.helpers import add_recipients, make_config, with_issei
from tests.peers.smtp_peer import SmtpPeer

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "jma" / "samples"
QUAKE = SAMPLES / "32-35_06_03_240613_VXSE53.xml"
CANCEL = SAMPLES / "32-35_06_06_100915_VXSE53.xml"
RESIDENTS = [f"resident{i}@example.jp" for i in range(5)]
KEYS = {"file", "type", "status", "info_type", "event_id", "rules", "decision", "reason",
        "title", "body"}

RULES = """
[area]
municipality = "岩手県金ケ崎町"

[feed]
feeds = ["eqvol"]
interval = 1
max_age = 1e12   # the official samples are from 2008; live, older bulletins send nothing

[[rule]]
name = "震度5弱以上"
when = { type = "earthquake", min_intensity = "5-" }
media = ["email"]
"""


def issei_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "widgets.launcher", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_published_bulletin_lands_in_the_outbox(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer, DrillFeed() as feed:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none",
                               from_address="bousai@town.example.jp", timeout=5.0)

        async def body(issei: Issei) -> None:
            add_recipients(issei, RESIDENTS)
            ruleset = parse_rules(RULES)
            ruleset = replace(ruleset, feed=replace(ruleset.feed, base_url=feed.url))
            triggers = Triggers(issei, ruleset)
            first = await triggers.poll_once()
            assert first.ok and first.outcomes == []  # nothing published yet
            feed.publish(QUAKE.read_bytes(), type_code="VXSE53")
            report = await triggers.poll_once()
            [outcome] = report.outcomes
            assert outcome.decision == "send"
            message_id = outcome.results[0].message_id
            with issei.sessions() as s:
                queued = s.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.message_id == message_id))
                assert queued == len(RESIDENTS)  # in the outbox
                entry = s.scalar(select(JmaFeedEntry))
                assert s.get(JmaBulletin, entry.bulletin_id).raw == QUAKE.read_bytes()
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == len(RESIDENTS)
            # published again (long feed, another poll): acts once
            assert (await triggers.poll_once()).outcomes == []

        with_issei(make_config(tmp_path, db_url, email=channel), body)
        assert sorted(peer.delivered_to()) == sorted(RESIDENTS)
        assert "金ケ崎町" in peer.received[0].message["Subject"]


def test_watch_command_polls_a_local_feed_and_queues_drill_sends(tmp_path: Path) -> None:
    """The embedded default is training mode: the sends go to the drill sink, visibly."""
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    with DrillFeed() as feed:
        feed.publish(QUAKE.read_bytes(), type_code="VXSE53")
        result = issei_cli("--data-dir", str(tmp_path), "triggers", "watch", "--rules",
                           str(rules), "--feed-base", feed.url, "--once")
    assert result.returncode == 0, result.stderr
    assert "[配信]" in result.stdout and "金ケ崎町" in result.stdout
    mails = [json.loads(line) for line in
             (tmp_path / "drill" / "email.jsonl").read_text(encoding="utf-8").splitlines()]
    assert mails and all(m["subject"].startswith("【訓練】") for m in mails)
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Message)) == 1
    engine.dispose()


def test_replay_prints_one_json_line_per_bulletin_and_sends_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(QUAKE.read_bytes()[:500])
    result = issei_cli("--data-dir", str(tmp_path), "triggers", "replay", str(QUAKE),
                       str(QUAKE), str(CANCEL), str(broken), str(tmp_path / "missing.xml"),
                       "--rules", str(rules), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == KEYS for line in lines)
    assert [line["decision"] for line in lines] == ["send", "ignore", "cancel", "ignore",
                                                    "ignore"]
    first = lines[0]
    assert (first["file"], first["type"], first["status"], first["info_type"],
            first["event_id"], first["rules"]) == (
        str(QUAKE), "VXSE53", "通常", "発表", "20080614084350", ["震度5弱以上"])
    assert first["title"].startswith("【地震】金ケ崎町で震度５弱以上")
    assert lines[1]["reason"] == "同じ電文は処理済みです（重複して受信）"
    assert "電文が途中で切れています" in lines[3]["reason"]
    assert "ファイルを読めません" in lines[4]["reason"]
    assert not (tmp_path / "drill" / "email.jsonl").exists()  # nothing was sent
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Message)) == 0
        assert conn.scalar(select(func.count()).select_from(JmaBulletin)) == 0  # not stored
    engine.dispose()


def replay_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The replay verb without a subprocess: the same parser and the same code path."""
    parsed = build_parser().parse_args(["triggers", "replay", *args])
    code = asyncio.run(triggers_cli.run(None, parsed))  # type: ignore[arg-type]  # unused by replay
    out = capsys.readouterr()
    return code, out.out, out.err


def test_replay_reads_a_feed_and_a_folder(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    with DrillFeed() as feed:
        feed.publish(QUAKE.read_bytes(), type_code="VXSE53")
        feed.publish(CANCEL.read_bytes(), type_code="VXSE53")
        base = feed.url
        code, out, _err = replay_in_process(capsys, "--feed", base + "eqvol_l.xml", "--rules",
                                            str(rules), "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["decision"] for line in lines] == ["send", "cancel"]
    assert lines[0]["file"].startswith(base + "data/")

    code, out, _err = replay_in_process(capsys, str(SAMPLES), "--rules", str(rules))
    assert code == 0
    assert out.count("[配信]") == 1 and out.count("[取消]") == 1
    assert "理由:" in out and "件名: 【地震】金ケ崎町" in out


def test_rules_mistakes_exit_2_with_the_reason(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES.replace('media = ["email"]',
                                   'media = ["email"]\ntemplate = "ない定型文"'),
                     encoding="utf-8")
    code, _out, err = replay_in_process(capsys, str(QUAKE), "--rules", str(rules))
    assert code == 2
    assert "定型文「ない定型文」はありません" in err
    code, _out, err = replay_in_process(capsys, "--rules", str(rules).replace("rules", "none"))
    assert code == 2 and "ファイルが見つかりません" in err


def test_watch_loop_runs_until_interrupted(tmp_path: Path) -> None:
    """The long-running watcher: started, fed, stopped (Ctrl+C), nothing lost."""
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    with DrillFeed() as feed:
        proc = subprocess.Popen(
            [sys.executable, "-m", "widgets.launcher", "--data-dir", str(tmp_path),
             "--log-json", "triggers", "watch", "--rules", str(rules), "--feed-base", feed.url,
             "--interval", "0.2"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            asyncio.run(_wait_for(lambda: feed.requests["/eqvol_l.xml"] >= 1, 60))
            feed.publish(QUAKE.read_bytes(), type_code="VXSE53")
            mail_log = tmp_path / "drill" / "email.jsonl"
            asyncio.run(_wait_for(lambda: mail_log.exists() and mail_log.stat().st_size, 60))
        finally:
            proc.send_signal(2)  # SIGINT, as Ctrl+C
            _out, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), err
    assert "triggers watch started" in err


async def _wait_for(condition: object, seconds: float) -> None:
    assert callable(condition)
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")
