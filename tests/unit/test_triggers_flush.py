"""Held (merged) updates are released when their merge window closes: once, within the cap,
dropped by a 取消, kept across a restart (the storm state is in the database), released by the
watch loop's flush step, and shown by replay as their own line."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from app.db.session import make_engine, session_factory, upgrade
from app.triggers.drillfeed import DrillFeed
from app.triggers.engine import TriggerEngine
from app.triggers.feed import FeedPoller
from app.triggers.models import TriggerDecision
from app.triggers.replay import DryRunSender, Replay
from app.triggers.rules import FeedSettings, RuleSet, parse_rules

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"
QUAKE_FILE = "32-35_06_03_240613_VXSE53.xml"
QUAKE = (SAMPLES / QUAKE_FILE).read_bytes()  # 08:47, 金ケ崎町 震度５弱以上未入電
CANCEL = (SAMPLES / "32-35_06_06_100915_VXSE53.xml").read_bytes()  # 取消 of the same event
RELEASED = "300秒以内にまとめて保留していた続報を、まとめる時間の終了時に配信"
T0 = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)


def rules(storm: str = "") -> RuleSet:
    return parse_rules('[area]\nmunicipality = "岩手県金ケ崎町"\n' + storm +
                       '\n[[rule]]\nname = "震度"\nmedia = ["email", "line"]\n'
                       'when = { type = "earthquake", min_intensity = "3" }\n')


def update(intensity: str, clock: str, serial: int) -> bytes:
    """An update of the 08:47 report: the missing station reported after all, lower."""
    text = QUAKE.decode("utf-8")
    for old, new in (
            ("<ReportDateTime>2008-06-14T08:47:00+09:00",
             f"<ReportDateTime>2008-06-14T{clock}:00+09:00"),
            ("<Serial>1</Serial>", f"<Serial>{serial}</Serial>"),
            ("<City><Name>金ケ崎町</Name><Code>0338100</Code>"
             "<Condition>震度５弱以上未入電</Condition>",
             f"<City><Name>金ケ崎町</Name><Code>0338100</Code><MaxInt>{intensity}</MaxInt>"),
            ("<Code>0338130</Code><Int>震度５弱以上未入電</Int>",
             f"<Code>0338130</Code><Int>{intensity}</Int>")):
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def cancel_at(clock: str) -> bytes:
    text = CANCEL.decode("utf-8")
    old = "<ReportDateTime>2008-06-14T09:06:00+09:00"
    assert old in text
    return text.replace(old, f"<ReportDateTime>2008-06-14T{clock}:00+09:00").encode("utf-8")


# -- replay -------------------------------------------------------------------------------

@pytest.fixture
def run() -> Iterator[Replay]:
    replay = Replay(rules())
    yield replay
    replay.close()


def lines(run: Replay, *bulletins: tuple[bytes, str]) -> list[dict[str, object]]:
    out = [o for raw, name in bulletins for o in run.bulletin_lines(raw, name)]
    return [o.as_json() for o in [*out, *run.finish()]]


def test_updates_then_silence_the_last_update_goes_out_once_at_window_end(run: Replay) -> None:
    got = lines(run, (QUAKE, "a.xml"), (update("4", "08:49", 2), "b.xml"),
                (update("3", "08:50", 3), "c.xml"))
    assert [g["decision"] for g in got] == ["send", "ignore", "ignore", "send"]
    assert "続報のため保留: まとめる時間の終了時か次の配信で" in str(got[1]["reason"])
    flushed = got[3]
    assert flushed["file"] == "c.xml" and RELEASED in str(flushed["reason"])
    assert "震度３" in str(flushed["title"]) and flushed["event_id"] == "20080614084350"
    assert len(run.sender.sent) == 2  # the first report and the newest held update, once
    assert run.finish() == []  # nothing left to release
    with run.engine.sessions() as session:
        released = session.scalars(select(TriggerDecision).order_by(TriggerDecision.id)).all()
    # dated at the window's end: 08:47 + 300 s
    assert released[-1].created_at.replace(tzinfo=dt.UTC) == dt.datetime(
        2008, 6, 13, 23, 52, tzinfo=dt.UTC)


def test_replay_places_the_release_where_bulletin_times_show_the_window_closed(
        run: Replay) -> None:
    got = lines(run, (QUAKE, "a.xml"), (update("4", "08:50", 2), "b.xml"),
                (update("4", "08:59", 3), "c.xml"))
    assert [(g["file"], g["decision"]) for g in got] == [
        ("a.xml", "send"), ("b.xml", "ignore"), ("b.xml", "send"), ("c.xml", "ignore")]
    assert RELEASED in str(got[2]["reason"]) and "震度４" in str(got[2]["title"])
    assert "同じ内容を配信済み" in str(got[3]["reason"])  # never told twice
    assert len(run.sender.sent) == 2


def test_a_cancellation_drops_the_held_update(run: Replay) -> None:
    got = lines(run, (QUAKE, "a.xml"), (update("4", "08:49", 2), "b.xml"),
                (cancel_at("08:50"), "cancel.xml"))
    assert [g["decision"] for g in got] == ["send", "ignore", "cancel"]
    assert [d.title for d in run.sender.sent][1].startswith("【取消】")
    assert len(run.sender.sent) == 2


def test_an_escalation_supersedes_the_held_update() -> None:
    with Replay(rules()) as run:
        got = lines(run, (update("4", "08:47", 1), "a.xml"), (update("3", "08:48", 2), "b.xml"),
                    (update("5+", "08:49", 3), "c.xml"))
        assert [g["decision"] for g in got] == ["send", "ignore", "send"]
        assert "以前より深刻なため直ちに配信" in str(got[2]["reason"])


def test_a_release_respects_the_cap_and_waits_for_the_rate_period() -> None:
    storm = "[storm]\nmax_per_medium = 1\nper_seconds = 3600\n"
    with Replay(rules(storm)) as run:
        got = lines(run, (QUAKE, "a.xml"), (update("4", "08:49", 2), "b.xml"))
        assert [g["decision"] for g in got] == ["send", "ignore", "send"]
        with run.engine.sessions() as session:
            last = session.scalars(select(TriggerDecision).order_by(
                TriggerDecision.id.desc())).first()
        assert last is not None  # 08:52 was capped: released one rate period later
        assert last.created_at.replace(tzinfo=dt.UTC) == dt.datetime(
            2008, 6, 14, 0, 52, tzinfo=dt.UTC)


# -- live, on both stores -----------------------------------------------------------------

def engine_on(db_url: str, sender: DryRunSender, clock: list[dt.datetime]
              ) -> tuple[TriggerEngine, Engine]:
    db = make_engine(db_url)
    upgrade(db)
    engine = TriggerEngine(session_factory(db), rules(), sender, console="test",
                           clock=lambda: clock[0])
    return engine, db


def test_restart_between_hold_and_flush_still_flushes(db_url: str) -> None:
    sender, clock = DryRunSender(), [T0]
    engine, db = engine_on(db_url, sender, clock)
    assert engine.process(QUAKE, "a.xml").decision == "send"
    clock[0] = T0 + dt.timedelta(seconds=60)
    assert engine.process(update("4", "08:48", 2), "b.xml").decision == "ignore"
    assert engine.flush_held() == []  # window still open
    db.dispose()

    clock[0] = T0 + dt.timedelta(seconds=301)
    restarted, db = engine_on(db_url, sender, clock)  # a new process, same database
    [released] = restarted.flush_held()
    assert released.decision == "send" and RELEASED in released.reason
    assert "震度４" in released.title and len(sender.sent) == 2
    clock[0] += dt.timedelta(seconds=600)
    assert restarted.flush_held() == []  # once
    with restarted.sessions() as session:
        states = session.scalars(select(TriggerDecision.state)).all()
    assert states == ["sent", "sent"]
    db.dispose()


def test_live_cancellation_drops_the_held_update(db_url: str) -> None:
    sender, clock = DryRunSender(), [T0]
    engine, db = engine_on(db_url, sender, clock)
    engine.process(QUAKE, "a.xml")
    clock[0] = T0 + dt.timedelta(seconds=60)
    engine.process(update("4", "08:48", 2), "b.xml")
    clock[0] = T0 + dt.timedelta(seconds=120)
    assert engine.process(CANCEL, "cancel.xml").decision == "cancel"
    clock[0] = T0 + dt.timedelta(seconds=900)
    assert engine.flush_held() == []
    assert [d.title.startswith("【取消】") for d in sender.sent] == [False, True]
    db.dispose()


def test_the_feed_poll_ends_with_the_flush_step(tmp_path: Path) -> None:
    sender, clock = DryRunSender(), [T0]
    engine, db = engine_on(f"sqlite:///{tmp_path / 'feed.sqlite3'}", sender, clock)
    engine.process(QUAKE, "a.xml")
    clock[0] = T0 + dt.timedelta(seconds=30)
    engine.process(update("4", "08:48", 2), "b.xml")
    clock[0] = T0 + dt.timedelta(seconds=400)

    async def poll_nothing_new() -> list[str]:
        with DrillFeed() as feed:
            async with httpx.AsyncClient(timeout=5) as client:
                settings = FeedSettings(base_url=feed.url, feeds=("eqvol",), interval=0.05)
                report = await FeedPoller(engine.sessions, engine, settings, client).poll()
        return [o.reason for o in report.outcomes]

    [reason] = asyncio.run(poll_nothing_new())
    assert RELEASED in reason and len(sender.sent) == 2
    db.dispose()
