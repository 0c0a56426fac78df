"""The voice panel on a real sound server: a private PulseAudio whose sine source stands in
for the operator's microphone and whose null sink's monitor hears what the panel plays.
Waits are on recorded frames and widget states, never on fixed sleeps. In CI a missing
PulseAudio fails (``require``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from app.domain import Medium
from app.voice import recordings
from app.voice.audio import read_wav
from app.voice.levels import level
from drivers.audio.devices import Recorder
from tests.conftest import require
from tests.peers.pulse import (
    SINE_SOURCE,
    SINK,
    PulseDaemon,
    pulse_available,
    sounddevice_on_pulse,
)
from widgets.main_window import MainWindow
from widgets.voice_panel import RECORD_TAB, VoicePanel, meter_value

RATE = 48_000


@pytest.fixture(scope="module")
def pulse() -> Iterator[PulseDaemon]:
    require(pulse_available(), "pulseaudio/pactl are not installed (.ci/apt/voice.txt)")
    with sounddevice_on_pulse(RATE) as daemon:
        yield daemon


@pytest.fixture
def microphone(pulse: PulseDaemon) -> Iterator[str]:
    """module-sine-source as the default input: 440 Hz, RMS 0.354 (-9 dBFS)."""
    module = pulse.pactl("load-module", "module-sine-source", f"source_name={SINE_SOURCE}",
                         "frequency=440", f"rate={RATE}").strip()
    pulse.pactl("set-default-source", SINE_SOURCE)
    try:
        yield SINE_SOURCE
    finally:
        pulse.pactl("set-default-source", f"{SINK}.monitor")
        pulse.pactl("unload-module", module)


def recording_panel(qtbot: QtBot, window: MainWindow) -> VoicePanel:
    window.composer.set_voice_source("recording")
    panel = window.open_voice_panel()
    assert panel is not None and panel.tabs.currentIndex() == RECORD_TAB
    qtbot.waitUntil(lambda: panel.device_combo.findData("pulse") >= 0, timeout=10000)
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("pulse"))  # by name
    return panel


def record(qtbot: QtBot, panel: VoicePanel, seconds: float) -> None:
    panel.record_button.click()
    qtbot.waitUntil(lambda: panel.recording is not None and panel.recording.seconds >= seconds
                    and panel.record_button.text() == "■ 録音停止", timeout=10000)
    qtbot.waitUntil(lambda: panel.meter.value() > 0)  # the meter follows the take


def peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[int(np.argmax(spectrum))])


def sounding(samples: np.ndarray) -> np.ndarray:
    """From the first to the last sample above the noise floor (one contiguous stretch)."""
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0]:loud[-1] + 1] if len(loud) else samples[:0]


def monitor_while(qtbot: QtBot, pulse: PulseDaemon, start: object, done: object) -> np.ndarray:
    """Record the null sink's monitor while the panel plays; returns what the sink heard."""
    pulse.pactl("set-default-source", f"{SINK}.monitor")
    recorder = Recorder("pulse", RATE)
    recorder.start()
    try:
        deadline = time.monotonic() + 5
        while recorder.frames < RATE // 10:  # the monitor stream runs before playback starts
            assert time.monotonic() < deadline
            time.sleep(0.01)
        start()  # type: ignore[operator]
        qtbot.waitUntil(done, timeout=20000)  # type: ignore[arg-type]
    finally:
        heard = recorder.stop()
    return heard.samples


def test_record_meter_trim_normalise_play_and_use(qtbot: QtBot, window: MainWindow,
                                                  pulse: PulseDaemon, microphone: str) -> None:
    panel = recording_panel(qtbot, window)
    record(qtbot, panel, 0.6)
    assert abs(panel.meter.value() - meter_value(-9.0)) <= 15  # the sine's -9 dBFS, live
    assert "dBFS" in panel.meter.format()
    assert not panel.clip_label.isVisibleTo(panel)
    panel.record_button.click()  # stop
    qtbot.waitUntil(lambda: panel.take is not None, timeout=10000)
    take = panel.take
    assert take is not None and not take.clipping
    assert abs(take.rms_dbfs - (-20.0)) < 1.0  # loudness normalised to the target
    assert take.audio.seconds > 0.4 and "音量をそろえました" in panel.take_label.text()
    assert panel.use_button.isEnabled() and panel.play_button.isEnabled()

    # Playback before use: the null sink hears the take (440 Hz, at the take's level).
    heard = monitor_while(qtbot, pulse, panel.play_button.click,
                          lambda: panel.play_button.text() == "▶ 再生して確かめる"
                          and panel._playing is None)
    loud = sounding(heard)
    assert len(loud) > RATE // 4, "the sink heard nothing"
    assert abs(peak_hz(loud) - 440) < 5
    assert abs(level(loud).rms_dbfs - take.rms_dbfs) < 2.0

    with qtbot.waitSignal(panel.recording_chosen, timeout=10000) as chosen:
        panel.use_button.click()
    path = chosen.args[0]
    assert path.parent == window.voice.recordings_folder  # type: ignore[union-attr]
    saved = read_wav(path)
    assert saved.rate == RATE and abs(saved.seconds - take.audio.seconds) < 0.01
    # Handed to the draft: stored with the message (the database), carried by radio/phone.
    composer = window.composer
    qtbot.waitUntil(lambda: composer.recording_digest != "", timeout=10000)
    assert composer.recording_path == path
    assert composer.voice_label.text() == f"録音: {path.name}"
    stored = recordings.load(window.bridge.issei.sessions, composer.recording_digest)
    assert stored.rate == RATE and len(stored.samples) == len(saved.samples)
    composer.media_checks[Medium.RADIO].setChecked(True)
    assert composer.draft().recording == composer.recording_digest
    composer.set_voice_source("tts")  # the operator goes back to text-to-speech
    assert composer.draft().recording == ""


def test_clipping_is_shown_while_recording(qtbot: QtBot, window: MainWindow,
                                           pulse: PulseDaemon, microphone: str) -> None:
    pulse.pactl("set-source-volume", microphone, "300%")  # far too loud: full-scale samples
    panel = recording_panel(qtbot, window)
    record(qtbot, panel, 0.3)
    qtbot.waitUntil(lambda: panel.clip_label.isVisibleTo(panel), timeout=5000)
    assert "音割れ" in panel.clip_label.text()
    panel.record_button.click()
    qtbot.waitUntil(lambda: panel.take is not None, timeout=10000)
    assert panel.take is not None and panel.take.clipping
    assert panel.clip_label.isVisibleTo(panel)


def test_a_silent_take_is_refused_and_kept(qtbot: QtBot, window: MainWindow,
                                           pulse: PulseDaemon) -> None:
    pulse.pactl("set-default-source", f"{SINK}.monitor")  # nothing plays: silence
    panel = recording_panel(qtbot, window)
    record_started = time.monotonic()
    panel.record_button.click()
    qtbot.waitUntil(lambda: panel.recording is not None and panel.recording.seconds >= 0.4
                    and panel.record_button.text() == "■ 録音停止", timeout=10000)
    panel.record_button.click()
    qtbot.waitUntil(lambda: "声が録音されていません" in panel.record_status.text(),
                    timeout=10000)
    assert panel.take is None and not panel.use_button.isEnabled()
    assert panel.raw is not None and panel.raw.seconds >= 0.4  # the raw take is kept
    assert panel.play_button.isEnabled() and panel.record_button.text() == "● 録り直す"
    assert time.monotonic() - record_started < 10


def test_speech_is_synthesised_played_and_cached(qtbot: QtBot, window: MainWindow,
                                                 pulse: PulseDaemon) -> None:
    window.composer.body_edit.setPlainText("土佐市に避難")
    window.composer.set_voice_source("tts")
    panel = window.open_voice_panel()
    assert panel is not None

    def spoken() -> bool:
        return panel.speech is not None and panel._playing is None \
            and panel.speak_button.text() == "▶ 合成して再生"

    heard = monitor_while(qtbot, pulse, panel.speak_button.click, spoken)
    assert panel.speech is not None and not panel.speech.cached
    assert panel.speech.reading.startswith("トサシニ")
    voiced = sounding(heard)
    assert len(voiced) > RATE // 2, "the sink heard no speech"
    assert "読み: トサシニ" in panel.tts_status.text()

    panel.speech = None
    monitor_while(qtbot, pulse, panel.speak_button.click, spoken)
    assert panel.speech is not None and panel.speech.cached  # cached by text
    assert "保存済みの音声" in panel.tts_status.text()
