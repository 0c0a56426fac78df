"""一斉架電: V.253 against a modem simulator on a real pty, DLE shielding byte for byte,
DTMF across read boundaries, campaigns on two lines with retries, results in the ledger."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Delivery, Message, Recipient
from app.db.session import make_engine, session_factory, upgrade
from app.voice.audio import Audio, from_mulaw
from drivers.dialer.campaign import Campaign, CampaignSettings
from drivers.dialer.profiles import PROFILES
from drivers.dialer.simulator import SimulatedLine
from drivers.dialer.v253 import (
    Codec,
    DleParser,
    ModemError,
    Outcome,
    V253Modem,
    choose_codec,
    dle_escape,
    encode,
    parse_vsm,
)
from tests.peers.modem_sim import USR_VSM, V253_VSM, ModemSimulator, Plan


def message(samples_count: int = 1600) -> Audio:
    """0.2 s (by default) whose 8-bit encodings are full of 0x10 (DLE) and 0x03 (ETX)."""
    rng = np.random.default_rng(5)
    samples = rng.uniform(-1, 1, samples_count).astype(np.float32)
    samples[::7] = (0x10 - 128) / 127  # u8 0x10
    samples[2::7] = from_mulaw(b"\x10")[0]  # µ-law 0x10
    samples[3::11] = (0x03 - 128) / 127
    samples[-1] = 0.0  # the last sample is not a DLE: the end marker stays unambiguous
    return Audio(samples, 8000)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def sim() -> Iterator[ModemSimulator]:
    simulator = ModemSimulator({
        "0311110000": Plan(["VCON"], dtmf="1", dtmf_after=4800),  # early in the 2nd playing
        "0322220000": Plan(["BUSY"]),
        "0333330000": Plan(["NO ANSWER"]),
        "0344440000": Plan(["NO DIALTONE"]),
        "0355550000": Plan(["VCON"]),  # answers, never presses a digit
    }).start()
    yield simulator
    simulator.close()


def modem(sim: ModemSimulator, profile: str = "generic") -> V253Modem:
    return V253Modem(sim.path, PROFILES[profile], pace=0.0, command_timeout=2.0)


def test_dle_parser_survives_chunk_boundaries() -> None:
    assert dle_escape(b"\x01\x10\x10\x03") == b"\x01\x10\x10\x10\x10\x03"
    parser = DleParser()
    seen = [parser.feed(bytes([b])) for b in b"A\x10\x10B\x101\x10/\x10#\x10~\x10b\x10\x03"]
    assert b"".join(bytes(e.data) for e in seen) == b"A\x10B"
    assert "".join(e.dtmf for e in seen) == "1#"
    assert "".join(e.events for e in seen) == "b"
    assert [e.end for e in seen].count(True) == 1
    split = DleParser()
    assert split.feed(b"xx\x10").dtmf == "" and split.feed(b"5yy").dtmf == "5"


def test_codec_is_queried_not_assumed() -> None:
    v253 = parse_vsm([line.decode() for line in V253_VSM])
    assert [c for c, _ in v253] == [0, 1, 4]
    assert choose_codec(v253, PROFILES["generic"]) == Codec(4, "ulaw", "G.711U")
    usr = parse_vsm([line.decode() for line in USR_VSM])
    assert choose_codec(usr, PROFILES["usr5637"]).cml == 128
    assert choose_codec(usr, PROFILES["generic"]) == Codec(128, "u8", "8-BIT LINEAR")
    with pytest.raises(ModemError, match="使える音声形式"):
        choose_codec([(129, "ADPCM")], PROFILES["generic"])


def test_answered_call_gets_the_exact_audio_and_the_digit(sim: ModemSimulator) -> None:
    # Paced in real time like a modem's buffer: 0.5 s a playing, the digit 0.1 s into the
    # second one, so the driver must notice it while sending and stop early.
    line = V253Modem(sim.path, PROFILES["generic"], pace=1.0, command_timeout=2.0)
    result = line.call("0311110000", message(4000), confirm_digit="1", answer_timeout=2,
                       confirm_timeout=10)
    line.close()
    assert result.outcome is Outcome.CONFIRMED and result.digits == "1", result.error
    assert result.plays == 2
    assert sim.commands[:6] == ["ATE0", "ATV1", "AT+FCLASS=8", "AT+GCI=00", "AT+VSM=?",
                                "AT+VSM=4,8000"]
    assert sim.commands[-1] == "ATH0" and sim.errors == []
    pcm = encode(message(4000), Codec(4, "ulaw", ""))
    assert pcm.count(0x10) > 50  # the test audio really exercises the shielding
    first, second = sim.transmissions
    assert bytes(first.wire) == dle_escape(pcm) + b"\x10\x03"  # byte for byte
    assert bytes(first.audio) == pcm
    # The digit came during the second playing: it stopped early, and cleanly.
    assert 0 < len(second.audio) < len(pcm) and pcm.startswith(bytes(second.audio))
    assert second.end_dles == 1


def test_usr_profile_and_triple_dle_model(sim: ModemSimulator) -> None:
    sim.vsm = USR_VSM
    line = modem(sim, "usr5637")
    assert line.call("0311110000", message(), confirm_digit="1", answer_timeout=2,
                     confirm_timeout=10).outcome is Outcome.CONFIRMED
    assert "AT+VSM=128,8000" in sim.commands
    pcm = encode(message(), Codec(128, "u8", ""))
    assert bytes(sim.transmissions[0].audio) == pcm
    line.close()
    sim.transmissions.clear()
    zoom = modem(sim, "zoom3095")
    sim.vsm = V253_VSM
    zoom.call("0355550000", message(), confirm_digit="1", answer_timeout=2,
              confirm_timeout=0.01)
    zoom.close()
    wire = bytes(sim.transmissions[0].wire)
    assert wire.endswith(b"\x10\x10\x10\x03") and sim.transmissions[0].end_dles == 3
    assert "AT+VSM=1,8000,0,0" in sim.commands


@pytest.mark.parametrize(("number", "outcome", "error"), [
    ("0322220000", Outcome.BUSY, ""),
    ("0333330000", Outcome.NO_ANSWER, ""),
    ("0344440000", Outcome.FAILED, "発信音がありません"),
    ("0355550000", Outcome.ANSWERED, ""),
])
def test_call_outcomes(sim: ModemSimulator, number: str, outcome: Outcome, error: str) -> None:
    line = modem(sim)
    result = line.call(number, message(), confirm_digit="1", answer_timeout=2,
                       confirm_timeout=0.3)
    line.close()
    assert result.outcome is outcome and error in result.error
    assert (len(sim.transmissions) > 0) is (outcome is Outcome.ANSWERED)
    assert sim.commands[-1] == "ATH0"


def test_modem_that_does_not_answer_is_a_failure(tmp_path: Path) -> None:
    line = V253Modem(str(tmp_path / "no-such-port"), PROFILES["generic"], pace=0.0)
    result = line.call("0311110000", message(), confirm_digit="1", answer_timeout=1,
                       confirm_timeout=1)
    assert result.outcome is Outcome.FAILED and "開けません" in result.error


def test_campaign_on_two_lines_with_retries(sessions: sessionmaker[Session]) -> None:
    plans = {
        "0311110000": Plan(["VCON"], dtmf="1", dtmf_after=100),
        "0322220000": Plan(["BUSY", "VCON"], dtmf="1", dtmf_after=100),
        "0333330000": Plan(["NO ANSWER"]),
        "0355550000": Plan(["VCON"]),
    }
    sims = [ModemSimulator(plans).start(), ModemSimulator(plans).start()]
    for s in sims[1:]:  # attempts are counted per simulator; share one plan book
        s._attempts = sims[0]._attempts
    try:
        lines = [modem(s) for s in sims]
        campaign = Campaign(lines, CampaignSettings(max_attempts=2, retry_delay=0.05,
                                                    answer_timeout=2, confirm_timeout=0.3),
                            sessions=sessions, console="卓1")
        targets = [(None, n) for n in ("0311110000", "0322220000", "0333330000", "0355550000")]
        result = asyncio.run(campaign.run(targets, message(), title="避難指示", text="避難"))
    finally:
        for s in sims:
            s.close()
    calls = {c["number"]: c for c in (r.as_json() for r in result.calls)}
    assert calls["0311110000"] == {"number": "0311110000", "outcome": "confirmed",
                                   "digits": "1", "attempts": 1}
    assert calls["0322220000"]["outcome"] == "confirmed"
    assert calls["0322220000"]["attempts"] == 2
    assert calls["0333330000"] == {"number": "0333330000", "outcome": "no_answer",
                                   "digits": "", "attempts": 2}
    assert calls["0355550000"]["outcome"] == "answered"
    assert calls["0355550000"]["attempts"] == 1  # answered is final: no second call
    assert all(s.dialled for s in sims)  # both lines worked
    with sessions() as session:
        message_row = session.scalars(select(Message)).one()
        assert message_row.media == ["phone"] and not message_row.training
        rows = {d.target: d for d in session.scalars(select(Delivery))}
    assert rows["0311110000"].state == "delivered"
    assert rows["0355550000"].state == "sent"
    assert "確認番号が押されませんでした" in (rows["0355550000"].last_error or "")
    assert rows["0333330000"].state == "failed" and rows["0333330000"].attempts == 2
    assert "応答なし" in (rows["0333330000"].last_error or "")
    assert (rows["0322220000"].provider_ref or "").endswith("busy/confirmed")


def test_simulated_line_is_training(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        resident = Recipient(name="高齢者A", phone="0311110000", needs_phone_call=True)
        session.add(resident)
        session.flush()
        resident_id = resident.id
    line = SimulatedLine(script={"0322220000": ["busy", "busy", "busy"]})
    campaign = Campaign([line], CampaignSettings(max_attempts=3, retry_delay=0.0),
                        sessions=sessions)
    result = asyncio.run(campaign.run([(resident_id, "0311110000"), (None, "0322220000")],
                                      message(),
                                      title="t", text="t"))
    assert [c.outcome.value for c in result.calls] == ["confirmed", "busy"]
    assert line.calls.count("0322220000") == 3
    with sessions() as session:
        assert session.scalars(select(Message)).one().training
        assert session.scalars(select(Delivery.recipient_id).where(
            Delivery.target == "0311110000")).one() == resident_id
