"""The SIP line (drivers/dialer/sip.py, rtp.py) against a SIP/RTP peer on the loopback.

The peer (tests/peers/sip_uas.py) is written from RFC 3261/3264/3550/4733 without importing
the code under test, and records every deviation it sees in ``errors``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import ConfigError
from app.db.models import Delivery
from app.db.session import make_engine, session_factory, upgrade
from app.voice.audio import Audio, to_mulaw
from drivers.dialer import rtp
from drivers.dialer.campaign import Campaign, CampaignSettings
from drivers.dialer.sip import (
    SipLine,
    authorization,
    digest_response,
    parse_message,
    parse_sdp,
)
from drivers.dialer.v253 import Outcome
from tests.peers.sip_uas import SipUas


def message(seconds: float = 0.3) -> Audio:
    rng = np.random.default_rng(7)
    return Audio(rng.uniform(-0.5, 0.5, int(8000 * seconds)).astype(np.float32), 8000)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@contextlib.contextmanager
def uas(plans: dict[str, str], **kwargs: object) -> Iterator[SipUas]:
    peer = SipUas(plans, **kwargs).start()  # type: ignore[arg-type]
    try:
        yield peer
    finally:
        peer.close()


@pytest.fixture
def peer() -> Iterator[SipUas]:
    with uas({"0311110000": "answer", "0322220000": "busy", "0333330000": "ring",
                    "0344440000": "nodigit", "0355550000": "unavailable",
                    "0366660000": "hangup"}) as running:
        yield running


def line(peer: SipUas, **kwargs: object) -> SipLine:
    return SipLine(peer.address, "issei", kwargs.pop("password", None),  # type: ignore[arg-type]
                   domain="pbx.example.lg.jp", **kwargs)  # type: ignore[arg-type]


def call(sip: SipLine, number: str, *, answer: float = 2.0, confirm: float = 3.0,
         audio: Audio | None = None) -> tuple[Outcome, str, str]:
    result = sip.call(number, audio or message(), confirm_digit="1", answer_timeout=answer,
                      confirm_timeout=confirm)
    return result.outcome, result.digits, result.error


# -- RFC vectors and parsers -------------------------------------------------------------------


def test_digest_matches_the_rfc_examples() -> None:
    # RFC 2617 §3.5
    assert digest_response(username="Mufasa", password="Circle Of Life",
                           realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                           method="GET", uri="/dir/index.html", qop="auth", nc="00000001",
                           cnonce="0a4f113b") == "6629fae49393a05397450978507c4ef1"
    # RFC 7616 §3.9.1, MD5 and SHA-256
    common = dict(username="Mufasa", password="Circle of Life", realm="http-auth@example.org",
                  nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", method="GET",
                  uri="/dir/index.html", qop="auth", nc="00000001",
                  cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    assert digest_response(**common) == "8ca523f5e9506fed4657c9700eebdbec"
    assert digest_response(**common, algorithm="SHA-256") == (
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")


def test_unsupported_challenge_is_a_clear_message() -> None:
    from drivers.dialer.sip import SipError

    with pytest.raises(SipError, match="対応していない認証"):
        authorization('Digest realm="r", nonce="n", algorithm=SHA-512-256', username="u",
                      password="p", method="INVITE", uri="sip:1@x")


def test_compact_headers_folding_and_content_length() -> None:
    raw = (b"SIP/2.0 200 OK\r\nv: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
           b"f: <sip:a@x>;tag=1\r\nt: <sip:b@x>\r\n ;tag=2\r\ni: abc\r\nCSeq: 2 INVITE\r\n"
           b"l: 3\r\n\r\nv=0trailing")
    msg = parse_message(raw)
    assert msg.status == 200 and msg.method == "INVITE" and msg.cseq == 2
    assert msg.get("to") == "<sip:b@x> ;tag=2" and msg.get("call-id") == "abc"
    assert msg.body == b"v=0"


@pytest.mark.parametrize("raw", [
    b"garbage", b"HELLO\r\n\r\n", b"SIP/2.0 abc OK\r\nCSeq: 1 INVITE\r\nCall-ID: x\r\n\r\n",
    b"SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n", b"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n"
    b"Call-ID: x\r\nContent-Length: many\r\n\r\n", b"SIP/2.0 200 OK\r\nno colon\r\n\r\n"])
def test_unreadable_messages_are_refused_in_japanese(raw: bytes) -> None:
    from drivers.dialer.sip import SipError

    with pytest.raises((SipError, ValueError)) as caught:
        parse_message(raw)
    if isinstance(caught.value, SipError):
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff"
                   for c in str(caught.value))


def test_a_server_answering_garbage_is_a_failed_call_not_a_crash() -> None:
    import socket
    import threading

    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.1)
    done = threading.Event()

    def answer_garbage() -> None:
        while not done.is_set():
            try:
                _, peer = server.recvfrom(65535)
            except TimeoutError:
                continue
            server.sendto(b"SIP/2.0 200 OK\r\nbroken\r\n\r\n", peer)
            server.sendto(b"\x00\xff" * 40, peer)

    thread = threading.Thread(target=answer_garbage)
    thread.start()
    try:
        sip = SipLine(f"127.0.0.1:{server.getsockname()[1]}", "issei", transaction_timeout=1.0)
        outcome, _, error = call(sip, "0311110000")
        sip.close()
    finally:
        done.set()
        thread.join()
        server.close()
    assert outcome is Outcome.FAILED and "答えません" in error


def test_sdp_answer_finds_address_port_and_event_type() -> None:
    answer = parse_sdp(b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                       b"t=0 0\r\nm=audio 4000 RTP/AVP 0 96\r\nc=IN IP4 192.0.2.9\r\n"
                       b"a=rtpmap:96 telephone-event/8000\r\n")
    assert (answer.address, answer.port, answer.formats, answer.event_pt) == (
        "192.0.2.9", 4000, (0, 96), 96)


def test_events_count_each_key_press_once() -> None:
    receiver = rtp.EventReceiver(101)

    def event(ts: int, digit: int, end: bool, seq: int) -> rtp.RtpPacket:
        return rtp.parse(rtp.build(101, seq, ts, 5, rtp.event_payload(digit, end=end,
                                                                       duration=160)))

    packets = [event(100, 1, False, 1), event(100, 1, False, 2), event(100, 1, True, 3),
               event(100, 1, True, 4), event(100, 1, True, 5),  # the 3 end packets: once
               event(900, 5, False, 6),  # "5" whose end packets are all lost ...
               event(1700, 11, False, 7), event(1700, 11, True, 8)]  # ... then "#"
    digits = "".join(receiver.feed(p) for p in packets)
    assert digits == "15#"
    audio = rtp.parse(rtp.build(0, 9, 1800, 5, b"\xff" * 160))
    assert receiver.feed(audio) == ""  # PCMU is not an event


def test_rtp_parse_rejects_and_strips() -> None:
    with pytest.raises(rtp.RtpError):
        rtp.parse(b"\x40" + bytes(11))  # version 1
    with_padding = bytearray(rtp.build(0, 1, 2, 3, b"abc\x00\x02"))
    with_padding[0] |= 0x20
    assert rtp.parse(bytes(with_padding)).payload == b"abc"
    csrc = bytearray(rtp.build(0, 1, 2, 3, struct.pack("!I", 42) + b"xy"))
    csrc[0] |= 1
    assert rtp.parse(bytes(csrc)).payload == b"xy"


# -- calls against the peer ---------------------------------------------------------------------


def test_answered_call_sends_paced_pcmu_and_reads_the_digit(peer: SipUas) -> None:
    audio = message(0.3)
    sip = line(peer)
    try:
        outcome, digits, error = call(sip, "0311110000", audio=audio)
    finally:
        sip.close()
    assert (outcome, digits, error) == (Outcome.CONFIRMED, "1", "")
    assert peer.errors == []
    (log,) = peer.calls.values()
    assert log.acked and log.bye and log.digits_sent == "1"
    packets = log.rtp
    assert len(packets) >= peer.digit_after
    assert {p.payload_type for p in packets} == {0}
    assert {len(p.payload) for p in packets} == {160}
    assert len({p.ssrc for p in packets}) == 1
    assert all((b.sequence - a.sequence) % 65536 == 1 for a, b in itertools.pairwise(packets))
    assert all((b.timestamp - a.timestamp) % 2**32 == 160 for a, b in itertools.pairwise(packets))
    # the message itself (looped), in PCMU
    pcm = to_mulaw(audio.samples)
    sent = b"".join(p.payload for p in packets)
    looped = (pcm * 4)[:len(sent)]
    assert sent == looped
    # real-time pacing: 20 ms a packet, never faster (a 60 ms allowance for the first
    # packet being read late), slower only on a loaded machine
    span = packets[-1].at - packets[0].at
    assert (len(packets) - 1) * 0.02 - 0.06 <= span <= (len(packets) - 1) * 0.02 + 0.5


@pytest.mark.parametrize(("number", "outcome"), [
    ("0322220000", Outcome.BUSY),
    ("0355550000", Outcome.NO_ANSWER),
    ("0344440000", Outcome.ANSWERED),
    ("0366660000", Outcome.ANSWERED),  # the resident hangs up without the digit
])
def test_call_outcomes(peer: SipUas, number: str, outcome: Outcome) -> None:
    sip = line(peer)
    try:
        got, digits, _ = call(sip, number, confirm=0.5)
    finally:
        sip.close()
    assert (got, digits) == (outcome, "")
    assert peer.errors == []
    (log,) = peer.calls.values()
    if outcome is Outcome.ANSWERED:
        assert log.acked and log.bye and log.rtp


def test_ringing_without_answer_is_cancelled(peer: SipUas) -> None:
    sip = line(peer)
    try:
        outcome, _, _ = call(sip, "0333330000", answer=0.4)
    finally:
        sip.close()
    assert outcome is Outcome.NO_ANSWER
    assert peer.errors == []
    (log,) = peer.calls.values()
    assert log.cancelled and not log.acked


@pytest.mark.parametrize("proxy_auth", [False, True])
def test_digest_auth_and_register(proxy_auth: bool) -> None:
    with uas({"0311110000": "answer"}, password="秘密pw", proxy_auth=proxy_auth) as peer:
        sip = line(peer, password="秘密pw", register=True)
        try:
            outcome, digits, _ = call(sip, "0311110000")
        finally:
            sip.close()
        assert (outcome, digits) == (Outcome.CONFIRMED, "1")
        assert peer.errors == []
        assert peer.registered == 1
        (log,) = peer.calls.values()
        assert log.authorized and log.invites == 2


def test_wrong_password_and_missing_password_are_clear() -> None:
    with uas({"0311110000": "answer"}, password="right") as peer:
        for password, words in (("wrong", "認証に失敗"), (None, "パスワードがありません")):
            sip = line(peer, password=password)
            try:
                outcome, _, error = call(sip, "0311110000")
            finally:
                sip.close()
            assert outcome is Outcome.FAILED and words in error
        assert peer.errors == []


def test_server_that_does_not_answer_fails_with_a_message() -> None:
    import socket

    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        sip = SipLine(f"127.0.0.1:{silent.getsockname()[1]}", "issei",
                      transaction_timeout=1.0)
        outcome, _, error = call(sip, "0311110000")
        sip.close()
    finally:
        silent.close()
    assert outcome is Outcome.FAILED and "答えません" in error
    bad = SipLine("127.0.0.1:5060", "issei")
    assert call(bad, "03-1234")[0] is Outcome.FAILED  # not digits: never dialled


def test_campaign_over_sip_lines(peer: SipUas, sessions: sessionmaker[Session]) -> None:
    lines = [line(peer, name="sip1"), line(peer, name="sip2")]
    campaign = Campaign(lines, CampaignSettings(max_attempts=2, retry_delay=0.05,
                                                answer_timeout=2.0, confirm_timeout=1.5),
                        sessions=sessions, console="卓1")
    targets = [(None, n) for n in ("0311110000", "0322220000", "0344440000")]
    result = asyncio.run(campaign.run(targets, message(), title="避難指示", text="避難"))
    calls = {c["number"]: c for c in (r.as_json() for r in result.calls)}
    assert calls == {
        "0311110000": {"number": "0311110000", "outcome": "confirmed", "digits": "1",
                       "attempts": 1},
        "0322220000": {"number": "0322220000", "outcome": "busy", "digits": "",
                       "attempts": 2},
        "0344440000": {"number": "0344440000", "outcome": "answered", "digits": "",
                       "attempts": 1},
    }
    assert not campaign.training  # a SIP line is a real line
    assert peer.errors == []
    with sessions() as session:
        rows = {d.target: d for d in session.scalars(select(Delivery))}
    assert rows["0311110000"].state == "delivered"
    assert rows["0322220000"].state == "failed"


# -- configuration and the one-click send ------------------------------------------------------


def write_config(tmp_path: Path, dialer: str) -> Path:
    path = tmp_path / "issei.toml"
    path.write_text(f"[dialer]\n{dialer}\n", encoding="utf-8")
    return path


def test_config_checks_the_sip_keys(tmp_path: Path) -> None:
    from app.config import load_config
    from app.voice.config import hardware_config

    for bad, words in (('backend = "sip"\nsip_user = "6001"', "sip_server"),
                       ('backend = "sip"\nsip_server = "pbx"\nsip_user = "6001"\nlines = 0',
                        "lines"),
                       ('backend = "sip"\nsip_server = "pbx"\nsip_user = "6001"\n'
                        'sip_password = "x"', "知らない設定項目"),  # secrets: keyring only
                       ('backend = "sip"\nsip_server = "sip:pbx:50x"\nsip_user = "1"',
                        "ホスト名"),
                       ('backend = "skype"', "v253・sip・simulator")):
        with pytest.raises(ConfigError, match=words):
            hardware_config(load_config(write_config(tmp_path, bad), tmp_path))


def test_one_click_phone_send_goes_through_sip(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """[dialer] backend = "sip" → the phone medium of the real set calls over SIP with the
    password from ISSEI_DIALER_SIP_PASSWORD; the recording is what goes out."""
    from app.config import load_config
    from app.db.session import make_engine as engine_for
    from app.dispatch.driver import BatchJob, Target
    from app.dispatch.driver import Outcome as Sent
    from app.domain import Medium
    from app.voice import recordings
    from drivers import voice_media

    monkeypatch.setenv("ISSEI_DIALER_SIP_PASSWORD", "秘密pw")
    with uas({"0311110000": "answer", "0322220000": "busy"}, password="秘密pw") as peer:
        path = write_config(tmp_path, f'backend = "sip"\nsip_server = "{peer.address}"\n'
                                      'sip_user = "issei"\nlines = 2\nconfirm_timeout = 3\n'
                                      'max_attempts = 2')
        config = load_config(path, tmp_path)
        engine = engine_for(config.database_url)
        upgrade(engine)
        digest = recordings.store(session_factory(engine), message(0.5))
        engine.dispose()
        drivers = voice_media.real_drivers(config)
        phone = drivers[Medium.PHONE]
        assert [type(line).__name__ for line in phone.lines] == ["SipLine", "SipLine"]
        assert not phone.capabilities.simulated and phone.capabilities.concurrency == 2

        async def send(phone: Any, number: str) -> Any:
            job = BatchJob("m1", Medium.PHONE, "k", 1, False,
                           {"text": "", "recording": digest}, (Target(1, number),))
            return (await phone.send(job)).results[0]

        async def scenario(drivers: dict[Medium, Any]) -> list[Any]:
            try:
                phone = drivers[Medium.PHONE]
                return [await send(phone, "03-1111-0000"), await send(phone, "0322220000")]
            finally:
                for driver in drivers.values():
                    await driver.aclose()

        confirmed, busy = asyncio.run(scenario(drivers))
        assert confirmed.outcome is Sent.SENT
        assert "confirmed digits=1" in confirmed.provider_ref
        assert busy.outcome is Sent.TEMPORARY
        assert "話し中" in busy.error
        assert peer.errors == []
        answered = [c for c in peer.calls.values() if c.number == "0311110000"]
        assert answered[0].authorized and answered[0].rtp


# -- against baresip, an independent SIP phone ---------------------------------------------------


@contextlib.contextmanager
def baresip(tmp_path: Path, numbers: list[str], **kwargs: Any) -> Iterator[Any]:
    from tests.conftest import require
    from tests.peers.baresip import BARESIP, Baresip

    require(BARESIP is not None, "baresip (Debian package baresip-core) is not installed")
    phone = Baresip(tmp_path / "baresip", numbers, **kwargs).start()
    try:
        yield phone
    finally:
        phone.close()


def test_baresip_answers_hears_the_message_and_presses_1(
        tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    from app.voice.audio import from_mulaw

    audio = message(1.0)
    with baresip(tmp_path, ["0311110000"], press="1") as phone:
        sip = SipLine(phone.address, "issei", domain="127.0.0.1", name="sip1")
        campaign = Campaign([sip], CampaignSettings(max_attempts=1, answer_timeout=5,
                                                    confirm_timeout=5),
                            sessions=sessions, console="卓1")
        result = asyncio.run(campaign.run([(None, "0311110000")], audio, title="避難指示",
                                          text="避難"))
    assert [r.as_json() for r in result.calls] == [
        {"number": "0311110000", "outcome": "confirmed", "digits": "1", "attempts": 1}]
    assert "send DTMF digit: '1'" in phone.log()
    # what baresip decoded from our RTP is our message, sample for sample (PCMU)
    (heard,) = phone.decoded()
    expected = from_mulaw(to_mulaw(audio.samples))
    n = min(len(heard), len(expected))
    assert n >= 2400  # at least 0.3 s arrived before the digit came back
    assert np.max(np.abs(heard[:n] - expected[:n])) < 1e-3


def test_baresip_busy_when_its_line_is_taken(tmp_path: Path,
                                             sessions: sessionmaker[Session]) -> None:
    import threading

    with baresip(tmp_path, ["0311110000"], max_calls=1) as phone:
        first = SipLine(phone.address, "issei", domain="127.0.0.1")
        held = threading.Thread(target=first.call, args=("0311110000", message(0.2)),
                                kwargs=dict(confirm_digit="1", answer_timeout=5,
                                            confirm_timeout=2.0))
        held.start()
        try:
            deadline = time.monotonic() + 5
            while phone.established == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            second = SipLine(phone.address, "issei", domain="127.0.0.1", name="sip2")
            campaign = Campaign([second], CampaignSettings(max_attempts=1, answer_timeout=5,
                                                           confirm_timeout=1),
                                sessions=sessions, console="卓1")
            result = asyncio.run(campaign.run([(None, "0311110000")], message(0.2),
                                              title="避難指示", text="避難"))
        finally:
            held.join()
            first.close()
    assert [r.as_json() for r in result.calls] == [
        {"number": "0311110000", "outcome": "busy", "digits": "", "attempts": 1}]
    assert "486 Max Calls" in b"".join(m for d, m in second.transcript if d == "<").decode()


def test_issei_dial_cli_over_sip(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``issei dial --json`` with ``[dialer] backend = "sip"``: the campaign outcome JSON."""
    import json

    from app.voice.audio import write_wav
    from tests.unit.test_radio_cli import run

    monkeypatch.setenv("ISSEI_DIALER_SIP_PASSWORD", "pw")
    wav = tmp_path / "message.wav"
    write_wav(message(0.4), wav)
    with uas({"0311110000": "answer", "0322220000": "busy"}, password="pw") as peer:
        path = write_config(tmp_path, f'backend = "sip"\nsip_server = "{peer.address}"\n'
                                      'sip_user = "issei"\nsip_register = true\n'
                                      'confirm_timeout = 3\nmax_attempts = 1')
        code, out, _ = run(capsys, "--config", str(path), "--data-dir", str(tmp_path / "d"),
                           "dial", "--to", "03-1111-0000,0322220000", "--audio", str(wav),
                           "--json")
    assert json.loads(out)["calls"] == [
        {"number": "0311110000", "outcome": "confirmed", "digits": "1", "attempts": 1},
        {"number": "0322220000", "outcome": "busy", "digits": "", "attempts": 1}]
    assert code == 1  # not every call confirmed
    assert peer.errors == [] and peer.registered == 1
