"""``issei radio broadcast`` and ``issei voice …`` as an operator runs them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.voice.audio import Audio, read_wav, write_wav


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in-process (a subprocess per call would cost seconds of imports each)."""
    try:
        code = main(list(args))
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):  # main() opens the log file; close it again
            if not type(handler).__module__.startswith("_pytest"):
                handler.close()
                root.removeHandler(handler)
    out, err = capsys.readouterr()
    return code, out, err


def test_radio_broadcast_text_json_and_status(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data-dir", data, "radio", "broadcast", "--text",
                       "避難所を開設しました。", "--zones", "東地区,西地区", "--json")
    assert code == 0
    result = json.loads(out)  # stdout is one JSON document, nothing else
    assert result["ok"] and result["state"] == "done" and result["simulated"]
    assert result["zones"] == ["東地区", "西地区"]
    assert result["reading"] == "ヒナンジョヲカイセツシマシタ。"
    assert result["keyed_at"] <= result["on_air_at"] <= result["released_at"]
    code, out, _ = run(capsys, "--data-dir", data, "status", result["message_id"], "--json")
    status = json.loads(out)
    assert status["media"]["radio"]["total"] == 1 and status["media"]["radio"]["sent"] == 1
    assert status["training"] is True


def test_radio_broadcast_recorded_audio(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    t = np.arange(44_100) / 44_100
    write_wav(Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 44_100),
              tmp_path / "take.wav")
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "radio", "broadcast",
                       "--audio", str(tmp_path / "take.wav"), "--json")
    assert code == 0 and json.loads(out)["ok"]
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "radio", "broadcast",
                         "--audio", str(tmp_path / "none.wav"), "--json")
    assert code == 2 and "見つかりません" in json.loads(out)["error"]


def test_voice_reading_word_and_say(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data-dir", data, "voice", "reading", "月見里地区", "--json")
    assert json.loads(out)["reading"] == "ツキミサトチク"
    code, out, _ = run(capsys, "--data-dir", data, "voice", "word", "月見里", "やまなし")
    assert code == 0 and "ヤマナシ" in out
    code, out, _ = run(capsys, "--data-dir", data, "voice", "reading", "月見里地区", "--json")
    assert json.loads(out)["reading"] == "ヤマナシチク"
    code, out, _ = run(capsys, "--data-dir", data, "voice", "say", "月見里地区です。",
                       "--phone", "--out", str(tmp_path / "phone.wav"))
    assert code == 0 and read_wav(tmp_path / "phone.wav").rate == 8000
    code, out, _ = run(capsys, "--data-dir", data, "voice", "say", "テスト", "--reading",
                       "abc", "--out", str(tmp_path / "x.wav"))
    assert code == 2


def test_dial_json_shape_and_flagged_residents(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data-dir", data, "dial", "--to",
                       "03-1111-0000,０９０１２３４５６７８", "--text", "避難指示を発令しました。",
                       "--json")
    assert code == 0
    result = json.loads(out)
    assert result["calls"] == [
        {"number": "0311110000", "outcome": "confirmed", "digits": "1", "attempts": 1},
        {"number": "09012345678", "outcome": "confirmed", "digits": "1", "attempts": 1}]
    code, out, _ = run(capsys, "--data-dir", data, "status", result["message_id"], "--json")
    phone = json.loads(out)["media"]["phone"]
    assert phone["total"] == 2 and phone["sent"] == 2  # delivered counts as sent
    code, out, _ = run(capsys, "--data-dir", data, "dial", "--flagged", "--text", "避難",
                       "--json")
    flagged = json.loads(out)["calls"]
    assert flagged and all(c["outcome"] == "confirmed" for c in flagged)  # sample residents
    code, out, _ = run(capsys, "--data-dir", data, "dial", "--to", "abc", "--text", "x",
                       "--json")
    assert code == 2 and "数字" in json.loads(out)["error"]
