"""防災行政無線: the operator procedure, its backends over real serial transports, the ledger."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import serial
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import AuditEntry, Delivery, Message, RenditionRow
from app.db.session import make_engine, session_factory, upgrade
from app.voice.assembly import Programme
from app.voice.audio import Audio
from drivers.audio.sinks import PacedSink
from drivers.radio.contact import ContactBackend, ContactWiring
from drivers.radio.procedure import ProcedureSettings, RadioProcedure, RadioState
from drivers.radio.simulator import SimulatedRadio
from drivers.radio.station import BroadcastRequest, RadioError, RadioStation
from drivers.radio.vendor import FrameReader, VendorBackend, VendorProfile, checksum
from tests.peers.rfc2217 import RFC2217_CLIENT_WARNINGS, FakeDevice, Rfc2217Server

pytestmark = RFC2217_CLIENT_WARNINGS

RATE = 8000


def tone(seconds: float, hz: float) -> Audio:
    t = np.arange(round(seconds * RATE)) / RATE
    return Audio((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), RATE)


def tiny_programme(body_s: float = 0.2) -> Programme:
    """Distinct tones for each part, so the played audio shows the order."""
    return Programme(tone(0.05, 500), tone(body_s, 1000), tone(0.05, 1500), (), "テスト")


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


FAST = ProcedureSettings(on_air_timeout=0.5, tx_limit=10.0, poll_interval=0.005, settle=0.01)


def test_procedure_follows_the_operator_steps_in_order() -> None:
    radio, sink = SimulatedRadio(zones=("東地区", "西地区")), PacedSink()
    states: list[RadioState] = []
    result = RadioProcedure(radio, sink, FAST, lambda s, _n: states.append(s)).run(
        tiny_programme(), ("東地区",))
    assert result.ok, result.error
    assert states == [RadioState.SELECTING, RadioState.KEYING, RadioState.WAITING_ON_AIR,
                      RadioState.OPENING_CHIME, RadioState.PROGRAMME, RadioState.CLOSING_CHIME,
                      RadioState.RELEASING, RadioState.DONE]
    assert [e for _, e in radio.events] == ["select 東地区", "key on", "key off", "clear"]
    programme = tiny_programme()
    assert [len(a.samples) for a in sink.played] == [
        len(programme.opening.samples), len(programme.body.samples),
        len(programme.closing.samples)]
    assert result.keyed_at and result.on_air_at and result.released_at
    assert result.keyed_at <= result.on_air_at <= result.released_at
    assert "放送中確認" in result.confirmation


def test_console_that_plays_its_own_chime_gets_only_the_programme() -> None:
    sink = PacedSink()
    settings = ProcedureSettings(on_air_timeout=0.5, settle=0.0, play_chimes=False)
    assert RadioProcedure(SimulatedRadio(), sink, settings).run(tiny_programme()).ok
    assert len(sink.played) == 1


def test_no_on_air_within_the_timeout_releases_and_fails() -> None:
    radio = SimulatedRadio(busy=True)
    settings = ProcedureSettings(on_air_timeout=0.15, poll_interval=0.005, settle=0.0)
    started = time.monotonic()
    result = RadioProcedure(radio, PacedSink(), settings).run(tiny_programme())
    assert result.state is RadioState.FAILED
    assert "放送中の応答がありません" in result.error
    assert 0.15 <= time.monotonic() - started < 1.0
    assert not radio.keyed and result.on_air_at is None
    assert [e for _, e in radio.events][-2:] == ["key off", "clear"]


@pytest.mark.parametrize("state", [
    RadioState.SELECTING, RadioState.KEYING, RadioState.WAITING_ON_AIR,
    RadioState.OPENING_CHIME, RadioState.PROGRAMME, RadioState.CLOSING_CHIME,
])
def test_abort_from_any_state_releases(state: RadioState) -> None:
    radio, sink = SimulatedRadio(on_air_delay=0.02), PacedSink()
    procedure: RadioProcedure

    def on_state(entered: RadioState, _note: str) -> None:
        if entered is state:
            procedure.abort()

    procedure = RadioProcedure(radio, sink, FAST, on_state)
    result = procedure.run(tiny_programme())
    assert result.state is RadioState.ABORTED
    assert result.aborted_by == "operator" and "中止" in result.error
    assert not radio.keyed and radio.selected == ()
    assert result.transitions[-2].state is RadioState.RELEASING
    if state is not RadioState.SELECTING:
        assert [e for _, e in radio.events][-2:] == ["key off", "clear"]


def test_transmit_time_limit_releases_a_slow_device() -> None:
    radio = SimulatedRadio(on_air_delay=0.0)
    sink = PacedSink(pace=4.0)  # the device plays four times slower than it should
    settings = ProcedureSettings(on_air_timeout=0.1, tx_limit=0.5, poll_interval=0.005,
                                 settle=0.0)
    started = time.monotonic()
    result = RadioProcedure(radio, sink, settings).run(tiny_programme())
    elapsed = time.monotonic() - started
    assert result.state is RadioState.ABORTED and result.aborted_by == "time_limit"
    assert "送信時間の上限" in result.error
    assert 0.45 < elapsed < 1.0 and sink.interrupted and not radio.keyed


def test_programme_longer_than_the_limit_is_refused_before_keying() -> None:
    radio = SimulatedRadio()
    settings = ProcedureSettings(on_air_timeout=1.0, tx_limit=2.0)
    result = RadioProcedure(radio, PacedSink(), settings).run(tiny_programme(body_s=3.0))
    assert result.state is RadioState.FAILED and "上限" in result.error
    assert radio.events == []


def test_station_ledger_and_jalert_preemption(sessions: sessionmaker[Session]) -> None:
    radio = SimulatedRadio(on_air_delay=0.01)
    sink = PacedSink(pace=1.0)
    on_air = threading.Event()
    station = RadioStation(
        radio, sink, FAST, sessions=sessions, console="卓1",
        on_state=lambda s, _n: on_air.set() if s is RadioState.PROGRAMME else None)

    async def scenario() -> None:
        ok = await station.broadcast(BroadcastRequest(
            tiny_programme(0.1), ("東地区",), "避難所開設", "避難所を開設しました。",
            operator="yamada"))
        assert ok.result.ok
        on_air.clear()
        long = asyncio.create_task(station.broadcast(BroadcastRequest(
            tiny_programme(5.0), (), "長い放送", "…")))
        await asyncio.to_thread(on_air.wait, 5)
        station.preempt("弾道ミサイル情報")
        cut = await asyncio.wait_for(long, 3)
        assert cut.result.state is RadioState.ABORTED and cut.result.aborted_by == "jalert"
        with pytest.raises(RadioError, match="Jアラート受信中"):
            await station.broadcast(BroadcastRequest(tiny_programme(), (), "手動", "…"))
        jalert = await station.broadcast(BroadcastRequest(
            tiny_programme(0.05), (), "Jアラート", "…", source="jalert"))
        assert jalert.result.ok
        station.clear_alarm()
        again = await station.broadcast(BroadcastRequest(tiny_programme(0.05), (), "再開", "…"))
        assert again.result.ok
        await station.aclose()
        with sessions() as session:
            rows = {m.title: (m, d) for m, d in session.execute(
                select(Message, Delivery).join(Delivery, Delivery.message_id == Message.id))}
            message, delivery = rows["避難所開設"]
            assert message.media == ["radio"] and message.training  # a simulator is training
            assert delivery.medium == "radio" and delivery.state == "sent"
            assert delivery.target == "東地区" and "放送中確認" in (delivery.provider_ref or "")
            assert delivery.last_error is None
            rendition = session.scalars(select(RenditionRow).where(
                RenditionRow.message_id == message.id)).one()
            assert rendition.payload["zones"] == ["東地区"]
            assert rendition.payload["script"] == "避難所を開設しました。"
            _, cut_row = rows["長い放送"]
            assert cut_row.state == "failed" and "Jアラート" in (cut_row.last_error or "")
            assert rows["Jアラート"][1].state == "sent"
            actions = list(session.scalars(select(AuditEntry.action)))
            assert actions.count("radio_start") == 4 and actions.count("radio_finish") == 4

    asyncio.run(scenario())


# -- backend (a): contacts on serial control lines, through a real RFC 2217 server ----------


@pytest.fixture
def console_device() -> Iterator[tuple[FakeDevice, Rfc2217Server]]:
    device = FakeDevice()

    def lines(dev: FakeDevice) -> None:
        dev.cts = dev.rts  # the console answers 起動 with its 放送中 contact
    device.on_lines = lines
    server = Rfc2217Server(device).start()
    yield device, server
    server.close()


def test_plain_pyserial_would_key_the_radio_on_open(
        console_device: tuple[FakeDevice, Rfc2217Server]) -> None:
    """The hazard the backend avoids, shown on the same peer: pyserial raises RTS/DTR."""
    device, server = console_device
    port = serial.serial_for_url(server.url, timeout=0.2)
    port.close()
    assert device.ever("rts") and device.ever("dtr")


def test_contact_backend_over_rfc2217(console_device: tuple[FakeDevice, Rfc2217Server]) -> None:
    device, server = console_device
    wiring = ContactWiring(key_line="rts", on_air_line="cts", zone_lines={"東地区": "dtr"})
    backend = ContactBackend(server.url, wiring)
    backend.open()
    try:
        assert not device.ever("rts") and not device.ever("dtr")  # held low through open
        settings = ProcedureSettings(on_air_timeout=2.0, poll_interval=0.01, settle=0.05)
        result = RadioProcedure(backend, PacedSink(), settings).run(
            tiny_programme(), ("東地区",))
        assert result.ok, result.error
        changes = [(name, value) for _, name, value in device.lines]
        # zone relay first, then 起動, released in the reverse order
        assert changes.index(("dtr", True)) < changes.index(("rts", True))
        after = changes[changes.index(("rts", True)):]
        assert after.index(("rts", False)) < after.index(("dtr", False))
        assert not device.rts and not device.dtr
        key_on = next(t for t, n, v in device.lines if n == "rts" and v)
        assert result.on_air_at is not None and result.keyed_at is not None
        with pytest.raises(RadioError, match="西地区"):
            backend.select_zones(("西地区",))
    finally:
        backend.close()
    assert key_on > 0


def test_contact_backend_on_air_never_comes(
        console_device: tuple[FakeDevice, Rfc2217Server]) -> None:
    device, server = console_device
    device.on_lines = None  # the console ignores the start contact (busy, or miswired)
    backend = ContactBackend(server.url, ContactWiring(on_air_line="dsr"))
    backend.open()
    try:
        settings = ProcedureSettings(on_air_timeout=0.3, poll_interval=0.01, settle=0.0)
        result = RadioProcedure(backend, PacedSink(), settings).run(tiny_programme())
    finally:
        backend.close()
    assert result.state is RadioState.FAILED and "応答がありません" in result.error
    assert device.ever("rts") and not device.rts  # it keyed, then released


def test_contact_wiring_is_checked() -> None:
    with pytest.raises(ValueError, match="rts か dtr"):
        ContactWiring(key_line="cts")
    with pytest.raises(ValueError, match="東地区"):
        ContactWiring(key_line="rts", zone_lines={"東地区": "rts"})


# -- backend (b): a vendor serial profile -------------------------------------------------------

PROFILE = VendorProfile(name="試験用プロファイル", framing="7E1", checksum="sum8",
                        zone_codes={"東地区": "01", "西地区": "02"}, reply_timeout=0.3)
STX, ETX, ACK, NAK = b"\x02", b"\x03", b"\x06", b"\x15"


def test_frames_through_loop_and_across_chunk_boundaries() -> None:
    frame = PROFILE.frame("TXON")
    # sum8 over payload + ETX, by hand: 54+58+4F+4E+03 = 0x14C -> "4C"
    assert frame == b"\x02TXON\x03" + b"4C"
    port = serial.serial_for_url("loop://", timeout=0.2, **PROFILE.serial_settings)
    port.write(frame + ACK + PROFILE.frame("STS,ONAIR") + NAK)
    echoed = port.read(64)
    port.close()
    reader = FrameReader(PROFILE)
    tokens = [t for b in echoed for t in reader.feed(bytes([b]))]  # one byte at a time
    assert [(t.kind, t.payload) for t in tokens] == [
        ("FRAME", "TXON"), ("ACK", ""), ("FRAME", "STS,ONAIR"), ("NAK", "")]
    bad = bytearray(PROFILE.frame("TXON"))
    bad[-1:] = b"0"
    assert [t.kind for t in FrameReader(PROFILE).feed(bytes(bad))] == ["BAD"]
    assert checksum("xor", b"\x01\x02\x04") == 7 and checksum("lrc", b"\x01\x02") == 0xFD
    raw = VendorProfile(checksum="xor", checksum_ascii=False, checksum_covers_stx=True)
    assert raw.frame("A") == b"\x02A\x03" + bytes([0x02 ^ 0x41 ^ 0x03])
    with pytest.raises(ValueError, match="7ビット"):
        VendorProfile(framing="7E1", checksum="sum8", checksum_ascii=False)


class VendorConsole:
    """An invented console protocol, parsed here independently of the driver's reader."""

    FRAME = re.compile(rb"\x02([^\x03]*)\x03([0-9A-F]{2})")

    def __init__(self, device: FakeDevice) -> None:
        self.device = device
        self.buffer = b""
        self.keyed = False
        self.commands: list[str] = []
        self.nak_first = True  # refuse the first command once: the driver must resend
        self.corrupt_first_status = True
        device.on_bytes = self.on_bytes

    def reply(self, payload: bytes, *, corrupt: bool = False) -> None:
        total = (sum(payload) + 3) & 0xFF
        self.device.send(STX + payload + ETX + (b"00" if corrupt else b"%02X" % total))

    def on_bytes(self, _device: FakeDevice, data: bytes) -> None:
        self.buffer += data
        while True:
            match = self.FRAME.search(self.buffer)
            if not match:
                self.buffer = self.buffer.lstrip(ACK + NAK) if not self.buffer.startswith(
                    STX) else self.buffer
                return
            self.buffer = self.buffer[match.end():]
            payload, got = match.group(1), int(match.group(2), 16)
            if (sum(payload) + 3) & 0xFF != got:
                self.device.send(NAK)
                continue
            command = payload.decode()
            if self.nak_first:
                self.nak_first = False
                self.device.send(NAK)
                continue
            self.commands.append(command)
            if command == "STS":
                self.reply(b"STS,ONAIR" if self.keyed else b"STS,IDLE",
                           corrupt=self.corrupt_first_status)
                if self.corrupt_first_status:
                    self.corrupt_first_status = False
                    self.pending_status = True
                continue
            self.keyed = {"TXON": True, "TXOFF": False}.get(command, self.keyed)
            self.device.send(ACK)


def test_vendor_profile_over_rfc2217_at_7e1() -> None:
    device = FakeDevice()
    console = VendorConsole(device)
    original = device.deliver

    def deliver(data: bytes) -> None:  # the host's NAK after a bad reply: send it again
        if data == NAK and getattr(console, "pending_status", False):
            console.pending_status = False
            console.reply(b"STS,ONAIR" if console.keyed else b"STS,IDLE")
            return
        original(data)
    device.deliver = deliver  # type: ignore[method-assign]
    server = Rfc2217Server(device).start()
    backend = VendorBackend(server.url, PROFILE)
    try:
        backend.open()
        assert (device.bytesize, device.parity, device.stopbits) == (7, "E", 1)
        settings = ProcedureSettings(on_air_timeout=2.0, poll_interval=0.01, settle=0.0)
        result = RadioProcedure(backend, PacedSink(), settings).run(
            tiny_programme(), ("東地区", "西地区"))
        assert result.ok, result.error
        assert console.commands[:3] == ["SEL01,02", "TXON", "STS"]
        assert console.commands[-2:] == ["TXOFF", "SELCLR"]
        sent = b"".join(data for direction, data in backend.log if direction == ">")
        assert sent.count(PROFILE.frame("SEL01,02")) == 2  # NAKed once, sent again
        assert NAK in sent  # the corrupted status reply was refused
    finally:
        backend.close()
        server.close()


def test_vendor_console_that_never_answers() -> None:
    device = FakeDevice()  # swallows everything
    server = Rfc2217Server(device).start()
    profile = VendorProfile(reply_timeout=0.1, retries=1)
    backend = VendorBackend(server.url, profile)
    try:
        backend.open()
        with pytest.raises(RadioError, match="応答なし（2回試行）"):
            backend.key(True)
        assert device.received.count(profile.frame("TXON")) == 2
    finally:
        backend.close()
        server.close()


def test_broadcast_cut_by_a_crash_is_recorded_as_failed(
        sessions: sessionmaker[Session]) -> None:
    from app.domain import Medium
    from app.voice import ledger

    left = ledger.open_entry(sessions, medium=Medium.RADIO, title="停電で中断", body="…",
                             targets=[(None, "一括")], payload={}, training=True,
                             console="卓1")
    other = ledger.open_entry(sessions, medium=Medium.RADIO, title="別の卓", body="…",
                              targets=[(None, "一括")], payload={}, training=True,
                              console="卓2")
    station = RadioStation(SimulatedRadio(), PacedSink(), FAST, sessions=sessions,
                           console="卓1")

    async def scenario() -> None:
        await station.broadcast(BroadcastRequest(tiny_programme(), (), "次の放送", "…"))
        await station.aclose()

    asyncio.run(scenario())
    with sessions() as session:
        states = {d.message_id: (d.state, d.last_error) for d in session.scalars(
            select(Delivery))}
    assert states[left.message_id][0] == "failed"
    assert "途中で停止" in (states[left.message_id][1] or "")
    assert states[other.message_id][0] == "sending"  # another console's: not ours to judge
