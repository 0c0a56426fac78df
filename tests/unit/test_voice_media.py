"""Radio, phone and FAX as media of the one-click send (issue 5): renditions and their
findings, recordings stored with the message, ``issei send --media radio,phone,fax`` in
training mode, and through real ports: a V.253 modem simulator on a pty, the RFC 2217 server
for the radio's contacts, efax against a class 2 fax-modem simulator on a pty."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.compose.phone import render_phone
from app.compose.render import render
from app.config import load_config
from app.db.models import Delivery, Recipient
from app.db.session import make_engine, session_factory, upgrade
from app.dispatch.driver import BatchJob, Outcome, Target
from app.domain import Draft, Medium, Severity
from app.voice import recordings
from app.voice.assembly import REPEAT_TEXT, radio_programme
from app.voice.audio import Audio, from_mulaw, write_wav
from app.voice.fax import FaxPageError, find_font
from app.voice.tts import Speaker
from drivers import voice_media
from tests.conftest import require
from tests.peers.fax_modem_sim import FaxModemSimulator, decode_page
from tests.peers.modem_sim import ModemSimulator, Plan
from tests.peers.rfc2217 import RFC2217_CLIENT_WARNINGS, FakeDevice, Rfc2217Server
from tests.unit.test_radio_cli import run

BODY = "震度5弱の地震がありました。海岸から離れてください。"


def tone(seconds: float, rate: int = 16_000, hz: float = 440.0) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return Audio((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def has_font() -> bool:
    try:
        find_font()
    except FaxPageError:
        return False
    return True


# -- renditions --------------------------------------------------------------------------


def test_radio_rendition_is_the_operator_script_with_reading_and_time() -> None:
    draft = Draft("地震情報", BODY, (Medium.RADIO,), areas=("東地区",))
    rendition = render(draft, Medium.RADIO)
    p = rendition.payload
    lines = str(p["script"]).splitlines()
    assert lines[0] == "（開始チャイム）" and lines[-1] == "（終了チャイム）"
    assert REPEAT_TEXT in lines
    spoken = str(p["text"])
    assert spoken == f"地震情報。\n{BODY}"
    assert str(p["script"]).count(BODY) == 2  # message, 繰り返します, message
    assert "シンドゴジャク" in str(p["reading"])
    assert p["zones"] == ["東地区"] and p["voice"] == "tts"
    assert not rendition.has_errors
    # The estimate is within 15 % of what the synthesised programme really lasts.
    programme = radio_programme(Speaker(), spoken)
    assert abs(float(p["seconds"]) - programme.seconds) < 0.15 * programme.seconds  # type: ignore[arg-type]


def test_phone_rendition_asks_for_the_digit() -> None:
    rendition = render(Draft("避難指示", BODY, (Medium.PHONE,), training=True), Medium.PHONE)
    p = rendition.payload
    assert "確認された方は1を押してください" in str(p["script"])
    assert p["confirm_digit"] == "1"
    assert str(p["text"]).startswith("これは訓練です。")
    assert float(p["seconds"]) > 5  # type: ignore[arg-type]


def test_spoken_findings_too_long_and_unspeakable() -> None:
    odd = render(Draft("お知らせ", "詳しくは https://example.jp ★をご覧ください", (Medium.RADIO,)),
                 Medium.RADIO)
    codes = {f.code: f for f in odd.findings}
    assert codes["url_spoken"].severity is Severity.WARNING
    assert "★" in codes["unspeakable"].message
    long = render(Draft("お知らせ", BODY * 40, (Medium.RADIO,)), Medium.RADIO)
    assert any(f.code == "too_long" and f.severity is Severity.ERROR for f in long.findings)
    phone = render(Draft("お知らせ", BODY * 25, (Medium.PHONE,)), Medium.PHONE)
    assert any(f.code == "too_long" for f in phone.findings)
    empty = render(Draft("", " ", (Medium.PHONE,)), Medium.PHONE)
    assert any(f.code == "body_empty" for f in empty.findings)
    english = render_phone(Draft("Evacuation", "Leave now.", (Medium.PHONE,)), "en")
    assert any(f.code == "voice_japanese_only" for f in english.findings)
    recorded = render(Draft("避難指示", "", (Medium.RADIO,), recording="ab" * 32), Medium.RADIO)
    assert recorded.payload["voice"] == "recording" and not recorded.has_errors
    assert "（録音）" in str(recorded.payload["script"])


def test_fax_rendition_pages_and_findings() -> None:
    require(has_font(), "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
    one = render(Draft("避難指示", BODY, (Medium.FAX,), training=True), Medium.FAX)
    assert one.payload["pages"] == 1 and one.payload["title"] == "【訓練】避難指示"
    assert not one.has_errors
    emoji = render(Draft("避難指示", "避難してください🏃", (Medium.FAX,)), Medium.FAX)
    assert any(f.code == "unprintable" and "🏃" in f.message for f in emoji.findings)
    long = render(Draft("お知らせ", BODY * 200, (Medium.FAX,)), Medium.FAX)
    assert any(f.code == "too_long" and f.severity is Severity.ERROR for f in long.findings)


# -- recordings --------------------------------------------------------------------------


def test_recording_is_stored_with_its_digest_and_survives_a_restart(db_url: str) -> None:
    url = db_url  # SQLite (embedded) and PostgreSQL (shared by several consoles)
    engine = make_engine(url)
    upgrade(engine)
    take = tone(1.0)
    digest = recordings.store(session_factory(engine), take, name="take.wav")
    assert recordings.store(session_factory(engine), take) == digest  # idempotent
    engine.dispose()
    engine = make_engine(url)  # a restart: a new process, the same store
    sessions = session_factory(engine)
    try:
        back = recordings.load(sessions, digest)
        assert back.rate == 16_000 and np.allclose(back.samples, take.samples, atol=1e-4)
        with pytest.raises(recordings.RecordingError, match="無音"):
            recordings.store(sessions, Audio(np.zeros(16_000, np.float32), 16_000))
        with pytest.raises(recordings.RecordingError, match="長すぎます"):
            recordings.store(sessions, tone(301.0, rate=8000))
        with pytest.raises(recordings.RecordingError, match="見つかりません"):
            recordings.load(sessions, "0" * 64)
        with sessions.begin() as session:  # a damaged row is refused, never played
            session.execute(update(recordings.Recording).values(wav=b"RIFF"))
        with pytest.raises(recordings.RecordingError, match="壊れています"):
            recordings.load(sessions, digest)
    finally:
        engine.dispose()


def test_radio_driver_plays_the_stored_recording(tmp_path: Path) -> None:
    """The drill set's radio: the programme on air carries the operator's recording."""
    config = load_config(None, tmp_path)
    engine = make_engine(config.database_url)
    upgrade(engine)
    take = tone(0.8, rate=48_000, hz=700)
    digest = recordings.store(session_factory(engine), take)
    engine.dispose()
    drivers = voice_media.drill_drivers(config)
    radio = drivers[Medium.RADIO]
    job = BatchJob("m1", Medium.RADIO, "k1", 1, True,
                   {"text": "", "recording": digest, "zones": []}, (Target(1, "public"),))

    async def scenario() -> None:
        try:
            result = await radio.send(job)
            assert result.results[0].outcome is Outcome.SENT
            assert "放送中確認" in (result.results[0].provider_ref or "")
        finally:
            for driver in drivers.values():
                await driver.aclose()

    asyncio.run(scenario())
    # What the outbox recovery brings back after a crash is not broadcast again by itself.
    again = asyncio.run(radio.send(BatchJob("m1", Medium.RADIO, "k1", 2, True, job.payload,
                                            job.targets)))
    assert again.results[0].outcome is Outcome.PERMANENT
    assert "自動では再放送しません" in (again.results[0].error or "")
    assert [e for _, e in radio.station.backend.events].count("key on") == 1
    played = radio.station.audio_out.samples
    # The body holds message, 繰り返します, message: the recording appears twice, exactly.
    window = take.samples
    hits = [i for i in range(0, len(played) - len(window), 480)
            if np.allclose(played[i:i + len(window)], window, atol=1e-3)]
    assert len(hits) == 2


# -- the one-click send in training mode ---------------------------------------------------


def test_send_radio_phone_fax_in_training_end_to_end(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require(has_font(), "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
    data = tmp_path / "data"
    write_wav(tone(1.0), tmp_path / "take.wav")
    code, out, _ = run(capsys, "--data-dir", str(data), "send", "--title", "避難指示",
                       "--body", BODY, "--media", "radio,phone,fax", "--urgency", "緊急",
                       "--audio", str(tmp_path / "take.wav"), "--wait", "--json")
    assert code == 0, out
    status = json.loads(out)
    assert status["training"] is True
    media = status["media"]
    assert media["radio"] == {**media["radio"], "total": 1, "sent": 1, "failed": 0}
    # The embedded sample residents: 5 flagged for calls, 2 with a fax number.
    assert media["phone"]["total"] == media["phone"]["sent"] == 5
    assert media["fax"]["total"] == media["fax"]["sent"] == 2
    faxes = sorted((data / "drill" / "fax").glob("fax-*.pdf"))
    assert len(faxes) == 2 and all(f.read_bytes().startswith(b"%PDF") for f in faxes)
    engine = make_engine(f"sqlite:///{data / 'issei.sqlite3'}")
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(select(Delivery)).all()
            stored = session.scalars(select(recordings.Recording.digest)).all()
    finally:
        engine.dispose()
    radio = next(r for r in rows if r.medium == "radio")
    ref = radio.provider_ref or ""
    assert "シミュレータ" in ref and "放送中確認" in ref
    assert all("confirmed digits=1" in (r.provider_ref or "") for r in rows if r.medium == "phone")
    assert len(stored) == 1
    # A recording that cannot be read is refused before anything is queued.
    code, out, _ = run(capsys, "--data-dir", str(data), "send", "--title", "避難指示",
                       "--body", BODY, "--media", "radio", "--audio",
                       str(tmp_path / "none.wav"), "--json")
    assert code == 2 and "見つかりません" in json.loads(out)["error"]


# -- through real ports ----------------------------------------------------------------------


def real_config(tmp_path: Path, tables: str) -> Path:
    path = tmp_path / "issei.toml"
    path.write_text("[app]\ntraining = false\nretry_base_seconds = 0.05\n"
                    "retry_max_seconds = 0.2\n" + tables, encoding="utf-8")
    return path


def add_residents(data: Path, rows: list[dict[str, object]]) -> None:
    data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{data / 'issei.sqlite3'}")
    upgrade(engine)
    with session_factory(engine).begin() as session:
        session.add_all(Recipient(**row) for row in rows)
    engine.dispose()


def deliveries(data: Path, medium: str) -> dict[str, Delivery]:
    engine = make_engine(f"sqlite:///{data / 'issei.sqlite3'}")
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(select(Delivery).where(Delivery.medium == medium)).all()
            session.expunge_all()
    finally:
        engine.dispose()
    return {r.target: r for r in rows}


def dialer_table(port: str) -> str:
    return (f'[dialer]\nbackend = "v253"\nports = ["{port}"]\npace = 0.0\nretry_delay = 0.05\n'
            "answer_timeout = 3.0\nconfirm_timeout = 1.0\nmax_attempts = 2\n")


def test_send_phone_through_the_modem_simulator_on_a_pty(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim = ModemSimulator({
        "0311110000": Plan(["VCON"], dtmf="1", dtmf_after=2000),
        "0322220000": Plan(["BUSY", "VCON"], dtmf="1", dtmf_after=100),
        "0333330000": Plan(["NO ANSWER"]),
    }).start()
    data = tmp_path / "data"
    add_residents(data, [
        {"name": "一", "phone": "03-1111-0000", "needs_phone_call": True},
        {"name": "二", "phone": "０３２２２２００００", "needs_phone_call": True},
        {"name": "三", "phone": "0333330000", "needs_phone_call": True},
        {"name": "四", "phone": "0344440000", "needs_phone_call": False},  # not flagged
    ])
    take = tone(0.5, rate=8000, hz=600)
    write_wav(take, tmp_path / "take.wav")
    try:
        code, out, _ = run(capsys, "--config", str(real_config(tmp_path, dialer_table(sim.path))),
                           "--data-dir", str(data), "send", "--title", "避難指示", "--body", BODY,
                           "--media", "phone", "--urgency", "緊急",
                           "--audio", str(tmp_path / "take.wav"), "--wait", "--json")
    finally:
        sim.close()
    status = json.loads(out)
    assert code == 1 and status["training"] is False  # one number never answered
    assert sorted(sim.dialled) == ["0311110000", "0322220000", "0322220000", "0333330000",
                                   "0333330000"]
    assert not sim.errors
    rows = deliveries(data, "phone")
    assert set(rows) == {"03-1111-0000", "０３２２２２００００", "0333330000"}
    assert rows["03-1111-0000"].state == "sent"
    wide = rows["０３２２２２００００"]  # full-width digits dial the same number
    assert wide.state == "sent" and wide.attempts == 2
    assert rows["0333330000"].state == "failed"
    assert "応答なし" in (rows["0333330000"].last_error or "")
    # The modem received the recording (not speech), DLE-decoded, as µ-law at 8 kHz.
    first = sim.transmissions[0]
    heard = from_mulaw(bytes(first.audio[:len(take.samples)]))
    assert np.corrcoef(heard, take.samples)[0, 1] > 0.99


def test_send_radio_through_the_rfc2217_contact_interface(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device = FakeDevice()

    def lines(dev: FakeDevice) -> None:
        dev.cts = dev.rts  # the console answers 起動 with its 放送中 contact

    device.on_lines = lines
    server = Rfc2217Server(device).start()
    table = (f'[radio]\nbackend = "contact"\nport = "{server.url}"\nkey_line = "rts"\n'
             'on_air_line = "cts"\non_air_timeout = 2.0\nzones = { "東地区" = "dtr" }\n')
    data = tmp_path / "data"
    try:
        code, out, _ = run(capsys, "--config", str(real_config(tmp_path, table)),
                           "--data-dir", str(data), "send", "--title", "津波注意報",
                           "--body", "海岸から離れてください。", "--media", "radio",
                           "--area", "東地区", "--urgency", "緊急", "--wait", "--json")
    finally:
        server.close()
    assert code == 0, out
    assert json.loads(out)["media"]["radio"]["sent"] == 1
    changes = [(name, value) for _, name, value in device.lines]
    assert changes.index(("dtr", True)) < changes.index(("rts", True))  # zone, then 起動
    assert not device.rts and not device.dtr  # released
    row = next(iter(deliveries(data, "radio").values()))
    assert row.state == "sent" and "放送中確認" in (row.provider_ref or "")
    assert "終了" in (row.provider_ref or "")


@pytest.mark.timeout(120)
def test_send_fax_through_efax_and_a_class2_fax_modem_simulator(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require(shutil.which("efax") is not None, "efax not installed (.ci/apt/voice.txt)")
    require(has_font(), "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
    sim = FaxModemSimulator({"0399990000": "BUSY", "0388880000": "NO CARRIER"},
                            line_bps=200_000).start()
    table = (f'[fax]\nbackend = "efax"\ndevice = "{sim.path}"\nfax_class = "2"\n'
             "max_attempts = 1\nretry_delay = 0.05\n")
    data = tmp_path / "data"
    add_residents(data, [
        {"name": "一", "fax": "03-1111-0000"},
        {"name": "話中", "fax": "0399990000"},
        {"name": "不通", "fax": "0388880000"},
    ])
    try:
        code, out, _ = run(capsys, "--config", str(real_config(tmp_path, table)),
                           "--data-dir", str(data), "send", "--title", "避難所開設",
                           "--body", "市民会館を避難所として開設しました。", "--media", "fax",
                           "--urgency", "緊急", "--wait", "--json")
    finally:
        sim.close()
    assert code == 1, out
    rows = deliveries(data, "fax")
    assert rows["03-1111-0000"].state == "sent"
    assert "1枚送信" in (rows["03-1111-0000"].provider_ref or "")
    assert rows["0399990000"].state == "failed"
    assert "話し中" in (rows["0399990000"].last_error or "")
    assert rows["0388880000"].state == "failed"
    assert "発信できませんでした" in (rows["0388880000"].last_error or "")
    assert not sim.errors
    sent = next(c for c in sim.calls if c.number == "0311110000")
    assert sent.hangup == "+FHNG:0" and len(sent.pages) == 1
    # Decode what reached the far machine and compare with the page we drew.
    from app.voice.fax import render as draw

    page = np.asarray(draw("避難所開設", "市民会館を避難所として開設しました。").pages[0])
    received = decode_page(bytes(sent.pages[0]), page.shape[0] + 20)  # efax's header lines
    got = np.asarray(received)[20:]
    body = slice(0, page.shape[0] - 200)  # the footer holds the time of sending
    assert (got[body] == page[body]).mean() > 0.995
    ink_sent, ink_got = (~page[body]).sum(), (~got[body]).sum()
    assert ink_sent > 10_000 and abs(int(ink_got) - int(ink_sent)) < 0.02 * ink_sent


pytestmark = RFC2217_CLIENT_WARNINGS


@pytest.mark.timeout(180)
def test_phone_campaign_after_sigkill_calls_only_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SIGKILL the sending process in the middle of the calls; a restarted worker does not
    call again those already confirmed and finishes the rest (at most the call in progress
    at the kill is made twice: nobody knows whether it was confirmed)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    numbers = [f"03{i:04d}0000" for i in range(1, 7)]
    sim = ModemSimulator({n: Plan(["VCON"], dtmf="1", dtmf_after=100) for n in numbers},
                         dial_delay=0.3).start()
    data = tmp_path / "data"
    add_residents(data, [{"name": n, "phone": n, "needs_phone_call": True} for n in numbers])
    write_wav(tone(0.3, rate=8000), tmp_path / "take.wav")
    config = real_config(tmp_path, dialer_table(sim.path))
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--config", str(config), "--data-dir", str(data),
         "send", "--title", "避難指示", "--body", BODY, "--media", "phone", "--urgency", "緊急",
         "--audio", str(tmp_path / "take.wav"), "--wait", "--json"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        confirmed: set[str] = set()
        while time.monotonic() < deadline and len(confirmed) < 2:
            time.sleep(0.05)
            if (data / "issei.sqlite3").exists():
                try:
                    confirmed = {t for t, r in deliveries(data, "phone").items()
                                 if r.state == "sent"}
                except Exception:  # noqa: BLE001 - the schema may still be being created
                    continue
        assert len(confirmed) >= 2, "the campaign did not start"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        sim.drop_dtr()  # the modem hangs up when the computer's DTR drops
        before = list(sim.dialled)
        confirmed = {t for t, r in deliveries(data, "phone").items() if r.state == "sent"}
        assert len(confirmed) < len(numbers), "the kill came too late to test anything"
        code, _, _ = run(capsys, "--config", str(config), "--data-dir", str(data),
                         "worker", "--until-idle")
        assert code == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        sim.close()
    rows = deliveries(data, "phone")
    assert all(r.state == "sent" for r in rows.values()), {t: r.state for t, r in rows.items()}
    after = sim.dialled[len(before):]
    assert not set(after) & confirmed  # nobody confirmed before the kill is called again
    assert set(before) | set(after) == set(numbers)
    assert len(sim.dialled) <= len(numbers) + 1  # the call in progress at most twice
    in_flight = set(after) & set(before)
    assert all(rows[n].possible_duplicate for n in in_flight)


def test_efax_on_a_class_2_0_modem_and_on_a_device_that_is_not_there(tmp_path: Path) -> None:
    require(shutil.which("efax") is not None, "efax not installed (.ci/apt/voice.txt)")
    require(has_font(), "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
    from app.voice.fax import render as draw
    from drivers.dialer.efax import EfaxModem

    document = draw("避難所開設", "市民会館を避難所として開設しました。")
    sim = FaxModemSimulator(fax_class="2.0", line_bps=200_000).start()
    try:
        result = EfaxModem(sim.path, fax_class="2.0", timeout=60).send(
            "0311110000", "避難所開設", document)
    finally:
        sim.close()
    assert result.sent, result.error
    assert "AT+FCLASS=2.0" in sim.commands and not sim.errors
    call = sim.calls[0]
    assert call.hangup == "+FHS:00" and len(call.pages) == 1
    page = np.asarray(document.pages[0])
    got = np.asarray(decode_page(bytes(call.pages[0]), page.shape[0] + 20))[20:]
    body = slice(0, page.shape[0] - 200)
    assert (got[body] == page[body]).mean() > 0.995
    missing = EfaxModem(str(tmp_path / "ttyNONE"), timeout=30).send("0311110000", "t", document)
    assert not missing.sent and not missing.temporary
    assert "発信できませんでした" in missing.error


def test_fax_cli_through_efax(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``issei fax`` uses the same efax sender as the one-click send."""
    require(shutil.which("efax") is not None, "efax not installed (.ci/apt/voice.txt)")
    require(has_font(), "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
    sim = FaxModemSimulator({"0399990000": "BUSY"}, line_bps=200_000).start()
    table = (f'[fax]\nbackend = "efax"\ndevice = "{sim.path}"\nmax_attempts = 1\n')
    try:
        code, out, _ = run(capsys, "--config", str(real_config(tmp_path, table)),
                           "--data-dir", str(tmp_path / "data"), "fax", "--to",
                           "03-1111-0000,0399990000", "--title", "給水のお知らせ",
                           "--text", "市役所前で給水を行います。", "--json")
    finally:
        sim.close()
    assert code == 1
    faxes = {f["number"]: f for f in json.loads(out)["faxes"]}
    assert faxes["0311110000"]["outcome"] == "sent"
    assert faxes["0399990000"]["outcome"] == "failed"
    assert "話し中" in faxes["0399990000"]["error"]
    assert [c.number for c in sim.calls if c.pages] == ["0311110000"]
