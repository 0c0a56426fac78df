"""The feed poller against a real local HTTP server (DrillFeed): conditional GETs, each
bulletin fetched once, backoff, recovery through the long feeds."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import make_engine, session_factory, upgrade
from app.triggers.drillfeed import DrillFeed
from app.triggers.engine import TriggerEngine
from app.triggers.feed import FeedPoller, PollReport, backoff, parse_feed, type_code_of
from app.triggers.models import JmaBulletin, JmaFeedEntry, JmaFeedState
from app.triggers.replay import DryRunSender
from app.triggers.rules import FeedSettings, parse_rules

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"
QUAKE = (SAMPLES / "32-35_06_03_240613_VXSE53.xml").read_bytes()
CANCEL = (SAMPLES / "32-35_06_06_100915_VXSE53.xml").read_bytes()
WARNING = (SAMPLES / "15_16_03_241226_VPWW55.xml").read_bytes()
RULES = parse_rules('[area]\nmunicipality = "岩手県金ケ崎町"\n[[rule]]\nname = "震度"\n'
                    'when = { type = "earthquake", min_intensity = "5-" }\nmedia = ["email"]\n')


@dataclass
class Rig:
    feed: DrillFeed
    sessions: sessionmaker[Session]
    sender: DryRunSender
    engine: TriggerEngine

    def poller(self, client: httpx.AsyncClient, **settings: Any) -> FeedPoller:
        feed_settings = replace(FeedSettings(base_url=self.feed.url, feeds=("eqvol", "extra"),
                                             interval=0.05, long_interval=3600), **settings)
        return FeedPoller(self.sessions, self.engine, feed_settings, client)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    db = make_engine(f"sqlite:///{tmp_path / 'feed.sqlite3'}")
    upgrade(db)
    sessions = session_factory(db)
    sender = DryRunSender()
    # bulletin_time: the 2008 samples count as fresh, as they would have on the day
    engine = TriggerEngine(sessions, RULES, sender, bulletin_time=True)
    with DrillFeed(short_size=3) as feed:
        yield Rig(feed, sessions, sender, engine)
    db.dispose()


def poll(rig: Rig, *, long: bool = False, **settings: Any) -> PollReport:
    async def run() -> PollReport:
        async with httpx.AsyncClient(timeout=5) as client:
            return await rig.poller(client, **settings).poll(long=long)

    return asyncio.run(run())


def test_parse_feed_reads_jma_style_entries() -> None:
    raw = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
           'lang="ja"><title>高頻度（地震火山）</title><entry><title>震源・震度に関する情報</title>'
           '<id>urn:x</id><updated>2024-01-01T07:18:00Z</updated><author><name>気象庁</name>'
           '</author><link type="application/xml" '
           'href="../data/20240101071800_0_VXSE53_010000.xml"/>'
           '</entry></feed>').encode()
    [entry] = parse_feed(raw, "https://www.data.jma.go.jp/developer/xml/feed/eqvol.xml")
    assert entry.url == ("https://www.data.jma.go.jp/developer/xml/data/"
                         "20240101071800_0_VXSE53_010000.xml")
    assert entry.type_code == "VXSE53" and entry.title == "震源・震度に関する情報"
    assert entry.updated == dt.datetime(2024, 1, 1, 7, 18, tzinfo=dt.UTC)
    assert type_code_of("x/20240101_0_VXKOii_1.xml") == "VXKOii"


def test_conditional_get_and_each_bulletin_fetched_once(rig: Rig) -> None:
    url = rig.feed.publish(QUAKE, type_code="VXSE53")
    first = poll(rig, long=True)
    assert first.ok and [o.decision for o in first.outcomes] == ["send"]
    again_long, again_short = poll(rig, long=True), poll(rig)  # same entry in both feeds
    assert again_long.outcomes == again_short.outcomes == []
    path = url.removeprefix(rig.feed.url.rstrip("/"))
    assert rig.feed.requests[path] == 1  # fetched once
    assert rig.feed.not_modified["/eqvol_l.xml"] == 1  # the second read was a 304
    with rig.sessions() as s:
        entry = s.scalar(select(JmaFeedEntry))
        assert entry.url == url and entry.fetched_at is not None
        assert s.get(JmaBulletin, entry.bulletin_id).raw == QUAKE  # stored raw
        state = s.get(JmaFeedState, rig.feed.url + "eqvol_l.xml")
        assert state.etag and state.last_modified and state.failures == 0
    assert len(rig.sender.sent) == 1


def test_only_types_some_rule_listens_to_are_fetched(rig: Rig) -> None:
    warning = rig.feed.publish(WARNING, feed="extra", type_code="VPWW55")
    poll(rig, long=True)
    assert rig.feed.requests[warning.removeprefix(rig.feed.url.rstrip("/"))] == 0


def test_cancel_is_processed_after_the_report_even_when_both_arrive_in_one_poll(
        rig: Rig) -> None:
    rig.feed.publish(QUAKE, type_code="VXSE53")
    rig.feed.publish(CANCEL, type_code="VXSE53")
    report = poll(rig, long=True)
    assert [o.decision for o in report.outcomes] == ["send", "cancel"]


def test_errors_back_off_and_recover(rig: Rig) -> None:
    rig.feed.fail_next(2)  # both configured feeds answer 503
    report = poll(rig)
    assert not report.ok and all("HTTP 503" in e for e in report.errors)
    with rig.sessions() as s:
        assert s.get(JmaFeedState, rig.feed.url + "eqvol.xml").failures == 1
    assert backoff(1, 60) == 60 and backoff(3, 60) == 240 and backoff(10, 60) == 900

    url = rig.feed.publish(QUAKE, type_code="VXSE53")
    path = url.removeprefix(rig.feed.url.rstrip("/"))
    rig.feed.fail_next(0)

    async def feed_ok_bulletin_fails() -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            poller = rig.poller(client, interval=60)  # the retry waits a minute
            await poller._read_feed(poller.feed_url("eqvol"), "eqvol", report)
            rig.feed.fail_next(1)
            await poller._fetch_due(report)

    asyncio.run(feed_ok_bulletin_fails())
    with rig.sessions() as s:
        assert s.get(JmaFeedState, rig.feed.url + "eqvol.xml").failures == 0  # recovered
        entry = s.scalar(select(JmaFeedEntry))
        assert entry.attempts == 1 and entry.fetched_at is None and "503" in entry.last_error
        assert entry.next_attempt_at.replace(tzinfo=dt.UTC) > dt.datetime.now(dt.UTC)
    assert poll(rig, interval=60).outcomes == []  # not retried before its time
    with rig.sessions.begin() as s:
        s.execute(update(JmaFeedEntry).values(next_attempt_at=dt.datetime(2000, 1, 1)))
    assert [o.decision for o in poll(rig).outcomes] == ["send"]
    assert rig.feed.requests[path] == 2


def test_a_gap_in_the_short_feed_is_filled_from_the_long_feed(rig: Rig) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rig.feed.publish(QUAKE.replace(b"<Serial>1</Serial>", b"<Serial>91</Serial>"),
                     type_code="VXSE53", updated=base)
    poll(rig)  # the console sees the feed once …
    # … then is down while five bulletins are published; the short feed keeps three
    missed = [rig.feed.publish(QUAKE.replace(b"<Serial>1</Serial>", f"<Serial>{n}</Serial>"
                                             .encode()), type_code="VXSE53",
                               updated=base + dt.timedelta(minutes=n)) for n in range(1, 6)]
    report = poll(rig)
    assert rig.feed.requests["/eqvol_l.xml"] == 1  # the gap was noticed
    fetched = {o.source for o in report.outcomes}
    assert fetched == set(missed)


def test_the_loop_polls_until_stopped(rig: Rig) -> None:
    async def run() -> int:
        stop = asyncio.Event()
        async with httpx.AsyncClient(timeout=5) as client:
            poller = rig.poller(client)
            task = asyncio.create_task(poller.run(stop))
            await asyncio.sleep(0.2)
            rig.feed.publish(QUAKE, type_code="VXSE53")
            for _ in range(100):
                await asyncio.sleep(0.05)
                if rig.sender.sent:
                    break
            stop.set()
            await asyncio.wait_for(task, 5)
        return len(rig.sender.sent)

    assert asyncio.run(run()) == 1
    assert rig.feed.requests["/eqvol_l.xml"] >= 1  # recovery read first
    assert rig.feed.requests["/eqvol.xml"] >= 2
