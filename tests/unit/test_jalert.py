"""J-Alert input: a debounced contact through a real RFC 2217 server, the receiver's e-mail
through a real SMTP session, and the alarm that pre-empts a manual broadcast."""

from __future__ import annotations

import asyncio
import json
import smtplib
import threading
import time
from collections.abc import Iterator
from email.header import Header
from email.mime.text import MIMEText
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import AuditEntry, Delivery
from app.db.session import make_engine, session_factory, upgrade
from app.events import EventBus
from app.voice.alarm import JAlertAlarm, JAlertEvent, JAlertMonitor
from app.voice.assembly import Programme
from app.voice.audio import Audio
from drivers.audio.sinks import PacedSink
from drivers.jalert.contact import ContactWatcher, Debouncer
from drivers.jalert.mail import MailListener
from drivers.radio.procedure import ProcedureSettings, RadioState
from drivers.radio.simulator import SimulatedRadio
from drivers.radio.station import BroadcastRequest, RadioStation
from tests.peers.rfc2217 import FakeDevice, Rfc2217Server
from tests.peers.smtp_peer import free_port


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def test_debouncer_ignores_bounces_and_reports_a_held_change() -> None:
    d = Debouncer(0.1)
    feed = [(0.00, True), (0.02, False), (0.03, True), (0.05, False), (0.20, False),
            (0.30, True), (0.35, True), (0.39, True), (0.40, True), (0.45, True),
            (0.50, False), (0.55, True), (0.70, True)]
    changes = [(t, c) for t, raw in feed if (c := d.feed(t, raw)) is not None]
    assert changes == [(0.40, True)]  # held 0.30–0.40; the 0.50 glitch never counted
    assert d.feed(0.80, False) is None and d.feed(0.91, False) is False


@pytest.mark.filterwarnings(r"ignore:setDaemon\(\) is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings(r"ignore:setName\(\) is deprecated:DeprecationWarning")
def test_contact_on_a_serial_line_over_rfc2217() -> None:
    """(pyserial's rfc2217:// client uses two deprecated Thread methods; see peers.rfc2217)"""
    device = FakeDevice()
    server = Rfc2217Server(device).start()
    changes: list[tuple[float, bool]] = []
    seen = threading.Event()

    def on_change(active: bool) -> None:
        changes.append((time.monotonic(), active))
        seen.set()

    watcher = ContactWatcher(server.url, on_change, line="dsr", debounce=0.15, poll=0.01,
                             supply_line="dtr")
    try:
        watcher.start()
        deadline = time.monotonic() + 2
        while not device.dtr:  # the contact's supply is up (and RTS was never raised)
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not device.ever("rts")
        for _ in range(3):  # a bouncing relay: 50 ms pulses
            device.dsr = True
            time.sleep(0.05)
            device.dsr = False
            time.sleep(0.05)
        assert changes == []
        device.dsr = True
        closed_at = time.monotonic()
        assert seen.wait(2)
        assert [c for _, c in changes] == [True]
        assert changes[0][0] - closed_at >= 0.15  # only after the debounce time
        seen.clear()
        device.dsr = False
        assert seen.wait(2)
        assert [c for _, c in changes] == [True, False]
    finally:
        watcher.stop()
        server.close()


def test_receiver_mail_becomes_an_event() -> None:
    events: list[JAlertEvent] = []
    arrived = threading.Event()

    def on_event(event: JAlertEvent) -> None:
        events.append(event)
        arrived.set()

    port = free_port()
    listener = MailListener(on_event, port=port, allowed_senders=["jalert@town.example.jp"])
    listener.start()
    try:
        # Japanese mail systems still send ISO-2022-JP; the subject arrives decoded.
        mail = MIMEText("弾道ミサイル発射。建物の中、又は地下に避難して下さい。",
                        "plain", "iso-2022-jp")
        mail["Subject"] = Header("【Jアラート】弾道ミサイル情報", "iso-2022-jp")
        mail["From"] = "jalert@town.example.jp"
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.sendmail("jalert@town.example.jp", ["console@town.example.jp"],
                            mail.as_bytes())
            with pytest.raises(smtplib.SMTPSenderRefused):
                client.sendmail("someone@example.com", ["console@town.example.jp"],
                                b"Subject: x\r\n\r\nx")
        assert arrived.wait(5)
    finally:
        listener.stop()
    assert len(events) == 1
    event = events[0]
    assert event.source == "mail" and event.sender == "jalert@town.example.jp"
    assert event.title == "【Jアラート】弾道ミサイル情報"
    assert "地下に避難" in event.body and not event.is_test
    assert JAlertEvent("mail", "Jアラート テスト").is_test


def test_alarm_preempts_the_manual_broadcast_and_starts_follow_ups(
        sessions: sessionmaker[Session]) -> None:
    radio = SimulatedRadio(on_air_delay=0.0)
    on_air = threading.Event()
    station = RadioStation(
        radio, PacedSink(pace=1.0),
        ProcedureSettings(on_air_timeout=1.0, poll_interval=0.005, settle=0.0),
        sessions=sessions,
        on_state=lambda s, _n: on_air.set() if s is RadioState.PROGRAMME else None)
    bus = EventBus()
    published: list[object] = []
    bus.subscribe(published.append)
    followed: list[str] = []

    async def dial_residents(event: JAlertEvent) -> None:
        followed.append(event.title)

    monitor = JAlertMonitor(bus, sessions, console="卓1", radio=station,
                            follow_ups=[dial_residents])

    async def scenario() -> None:
        monitor.attach(asyncio.get_running_loop())
        long = Audio(np.zeros(8000 * 5, dtype=np.float32), 8000)
        chime = Audio(np.zeros(80, dtype=np.float32), 8000)
        manual = asyncio.create_task(station.broadcast(BroadcastRequest(
            Programme(chime, long, chime, (), ""), (), "手動放送", "…")))
        await asyncio.to_thread(on_air.wait, 5)
        started = time.monotonic()
        monitor.submit(JAlertEvent("mail", "【Jアラート】弾道ミサイル情報", "避難してください"))
        record = await asyncio.wait_for(manual, 3)
        assert time.monotonic() - started < 1.0
        assert record.result.state is RadioState.ABORTED
        assert record.result.aborted_by == "jalert"
        # The same alarm by contact a moment later is the same event, not a second alarm.
        await monitor.handle(JAlertEvent("mail", "【Jアラート】弾道ミサイル情報"))
        test_alarm = await monitor.handle(JAlertEvent("contact", "Jアラートのテストです"))
        assert test_alarm is not None and not test_alarm.preempted
        await monitor.aclose()
        await station.aclose()

    asyncio.run(scenario())
    alarms = [e for e in published if isinstance(e, JAlertAlarm)]
    assert [a.event.title for a in alarms] == [
        "【Jアラート】弾道ミサイル情報", "Jアラートのテストです"]
    assert alarms[0].preempted and followed == ["【Jアラート】弾道ミサイル情報"]
    with sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions.count("jalert_alarm") == 2
        cut = session.scalars(select(Delivery).where(Delivery.medium == "radio")).one()
        assert cut.state == "failed" and "Jアラート受信" in (cut.last_error or "")


def test_jalert_listen_cli_prints_the_alarm(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from tests.unit.test_radio_cli import run

    port = free_port()
    config = tmp_path / "issei.toml"
    config.write_text(f"[app]\ntraining = true\n[jalert]\nsmtp_port = {port}\n",
                      encoding="utf-8")

    def send_when_listening() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
                    client.sendmail("jalert@town.example.jp", ["console@town.example.jp"],
                                    b"Subject: =?utf-8?b?44CQSuOCouODqeODvOODiOOAkQ==?=\r\n"
                                    b"\r\nbody\r\n")
                return
            except OSError:
                time.sleep(0.05)

    sender = threading.Thread(target=send_when_listening)
    sender.start()
    code, out, _ = run(capsys, "--config", str(config), "--data-dir", str(tmp_path / "d"),
                       "jalert", "listen", "--seconds", "2.5", "--json")
    sender.join()
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(e["source"], e["title"], e["preempted"]) for e in lines] == [
        ("mail", "【Jアラート】", True)]
