"""The core behind the console's voice screens (no Qt): takes, saved recordings, the radio
gate a J-Alert holds, and the alarm watch on its own loop with its audit trail."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import load_config
from app.db.models import AuditEntry
from app.db.session import make_engine, session_factory, upgrade
from app.events import EventBus
from app.voice.alarm import JAlertAlarm, JAlertEvent
from app.voice.audio import Audio, read_wav
from app.voice.config import hardware_config
from app.voice.levels import level
from app.voice.session import (
    AlarmWatch,
    ManualRadioGate,
    VoiceError,
    acknowledge,
    finish_take,
    save_recording,
)

RATE = 48_000


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def speech_like(rate: int = RATE) -> Audio:
    """0.5 s silence, 1 s of a quiet 300 Hz tone, 0.5 s silence."""
    t = np.arange(rate) / rate
    tone = 0.05 * np.sin(2 * np.pi * 300 * t)
    silence = np.zeros(rate // 2)
    return Audio(np.concatenate([silence, tone, silence]).astype(np.float32), rate)


def test_a_take_is_trimmed_and_normalised() -> None:
    take = finish_take(speech_like(), clipped=0)
    assert 1.0 <= take.audio.seconds <= 1.0 + 2 * 0.15 + 0.05  # the margins kept, no more
    assert take.recorded_seconds == 2.0 and not take.clipping
    speech = take.audio.samples[round(0.15 * RATE):round(1.15 * RATE)]
    assert abs(level(speech).rms_dbfs - (-20.0)) < 0.5  # the speech at the target loudness
    assert abs(level(take.audio.samples).rms_dbfs - take.rms_dbfs) < 1e-6  # margins included


def test_a_silent_take_is_refused_in_japanese() -> None:
    with pytest.raises(VoiceError, match="声が録音されていません"):
        finish_take(Audio(np.zeros(RATE, dtype=np.float32), RATE), clipped=0)


def test_saved_recordings_never_overwrite(tmp_path: Path) -> None:
    take = finish_take(speech_like(), clipped=0)
    now = dt.datetime(2026, 11, 26, 3, 0, 0)
    first = save_recording(take, tmp_path / "rec", now=now)
    second = save_recording(take, tmp_path / "rec", now=now)
    assert first.name == "rec-20261126-030000.wav" and second.name == "rec-20261126-030000-2.wav"
    assert read_wav(second).rate == RATE
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(VoiceError, match="録音を保存できませんでした"):
        save_recording(take, blocker / "rec", now=now)


class FakeStation:
    def __init__(self) -> None:
        self.alarm: str | None = None

    def preempt(self, reason: str) -> None:
        self.alarm = reason

    def clear_alarm(self) -> None:
        self.alarm = None


def test_the_gate_holds_stations_registered_before_and_after_the_alarm() -> None:
    gate = ManualRadioGate()
    early, late = FakeStation(), FakeStation()
    gate.register(early)
    gate.preempt("ミサイル")
    assert early.alarm == "ミサイル" and gate.held == "ミサイル"
    gate.register(late)  # a station that starts during the alarm is held at once
    assert late.alarm == "ミサイル"
    gate.release()
    assert early.alarm is None and late.alarm is None and gate.held is None


def test_alarm_watch_raises_audits_and_is_acknowledged(
        tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    hw = hardware_config(load_config(None, tmp_path / "data"))
    events = EventBus()
    seen: list[JAlertAlarm] = []
    arrived = threading.Event()

    def on_event(event: object) -> None:
        if isinstance(event, JAlertAlarm):
            seen.append(event)
            arrived.set()

    events.subscribe(on_event)
    station = FakeStation()
    watch = AlarmWatch(hw, events, sessions, "console-1").start()
    try:
        watch.gate.register(station)
        assert watch.errors == []
        event = JAlertEvent("simulator", "Jアラート（シミュレータ）")
        watch.submit(event)
        assert arrived.wait(10)
        assert seen[0].preempted and station.alarm == "Jアラート（シミュレータ）"
        acknowledge(sessions, event, operator="tanaka", console="console-1")
    finally:
        watch.stop()
    with sessions() as session:
        rows = [(e.action, e.operator) for e in
                session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert rows == [("jalert_alarm", "Jアラート"), ("jalert_ack", "tanaka")]
