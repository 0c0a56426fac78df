"""Audio out and in through a real sound server: a private PulseAudio with a null sink.

What is played is recorded from the sink's monitor and compared by cross-correlation; the
tests wait on recorded frame counts, never on fixed sleeps. In CI a missing PulseAudio fails.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.voice.assembly import Programme
from app.voice.audio import Audio
from app.voice.levels import Level
from drivers.audio.devices import AudioDeviceError, Recorder, SoundDeviceOut, find_device
from drivers.radio.procedure import ProcedureSettings, RadioProcedure
from drivers.radio.simulator import SimulatedRadio
from tests.conftest import require
from tests.peers.pulse import (
    SINE_SOURCE,
    SINK,
    PulseDaemon,
    pulse_available,
    sounddevice_on_pulse,
)

RATE = 48_000


@pytest.fixture(scope="module")
def pulse() -> Iterator[PulseDaemon]:
    require(pulse_available(), "pulseaudio/pactl are not installed (.ci/apt/voice.txt)")
    with sounddevice_on_pulse(RATE) as daemon:
        yield daemon


def wait_frames(recorder: Recorder, frames: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while recorder.frames < frames:
        assert time.monotonic() < deadline, f"only {recorder.frames} of {frames} frames recorded"
        time.sleep(0.01)


def signal(seconds: float, hz: float, seed: int) -> Audio:
    """A noise burst then a tone: a sharp, unambiguous correlation peak."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    noise = rng.uniform(-0.3, 0.3, n // 2)
    t = np.arange(n - n // 2) / RATE
    return Audio(np.concatenate([noise, 0.3 * np.sin(2 * np.pi * hz * t)]).astype(np.float32),
                 RATE)


def correlate(recorded: np.ndarray, reference: np.ndarray) -> tuple[int, float, np.ndarray]:
    """Best lag, normalised correlation there, and the aligned part of the recording."""
    if len(recorded) < len(reference):
        return 0, 0.0, recorded
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(reference))))
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size))
    lag = int(np.argmax(np.fft.irfft(spectrum, size)[: len(recorded) - len(reference) + 1]))
    segment = recorded[lag:lag + len(reference)]
    norm = float(np.linalg.norm(segment) * np.linalg.norm(reference))
    return lag, float(np.dot(segment, reference) / norm) if norm else 0.0, segment


def wait_for(recorder: Recorder, reference: np.ndarray, timeout: float = 10.0) -> None:
    """Until the reference is in the recording: the sink delivers in its own time (the null
    sink buffers up to 2 s), so the test waits on the condition itself."""
    deadline = time.monotonic() + timeout
    while correlate(recorder.snapshot().samples, reference)[1] < 0.99:
        assert time.monotonic() < deadline, "the played signal never reached the monitor"
        time.sleep(0.05)


def test_radio_programme_reaches_the_line_output(pulse: PulseDaemon) -> None:
    """The radio procedure plays chime, programme, chime to the sound card, in order."""
    programme = Programme(signal(0.2, 600, 1), signal(0.4, 1000, 2), signal(0.2, 1500, 3), (), "")
    recorder = Recorder("pulse", RATE)
    recorder.start()
    try:
        wait_frames(recorder, 2048)  # capture is running before anything is played
        settings = ProcedureSettings(on_air_timeout=1.0, poll_interval=0.005, settle=0.0)
        result = RadioProcedure(SimulatedRadio(on_air_delay=0.0), SoundDeviceOut("pulse"),
                                settings).run(programme)
        assert result.ok, result.error
        wait_for(recorder, programme.closing.samples)
    finally:
        take = recorder.stop()
    lags = []
    for part in (programme.opening, programme.body, programme.closing):
        lag, coefficient, segment = correlate(take.samples, part.samples)
        assert coefficient > 0.99
        rms_ratio = np.sqrt(np.mean(segment**2) / np.mean(part.samples**2))
        assert abs(20 * np.log10(rms_ratio)) < 0.5  # the level arrives unchanged
        lags.append(lag)
    assert lags == sorted(lags)  # in the operator's order
    assert lags[1] >= lags[0] + len(programme.opening.samples)


def test_abort_stops_the_sound(pulse: PulseDaemon) -> None:
    out = SoundDeviceOut("pulse")
    stop = threading.Event()
    long = Audio(np.full(RATE * 5, 0.2, dtype=np.float32), RATE)
    timer = threading.Timer(0.3, stop.set)
    started = time.monotonic()
    timer.start()
    out.play(long, stop)
    assert time.monotonic() - started < 1.5


def test_microphone_level_meter_from_a_sine_source(pulse: PulseDaemon) -> None:
    """module-sine-source stands in for the operator's microphone (440 Hz, RMS 0.354)."""
    module = pulse.pactl("load-module", "module-sine-source", f"source_name={SINE_SOURCE}",
                         "frequency=440", f"rate={RATE}").strip()
    pulse.pactl("set-default-source", SINE_SOURCE)
    levels: list[Level] = []
    recorder = Recorder("pulse", RATE, on_level=levels.append)
    try:
        recorder.start()
        wait_frames(recorder, RATE // 2)
        take = recorder.stop()
    finally:
        pulse.pactl("set-default-source", f"{SINK}.monitor")
        pulse.pactl("unload-module", module)
    steady = take.samples[RATE // 10:]
    spectrum = np.abs(np.fft.rfft(steady * np.hanning(len(steady))))
    peak_hz = float(np.fft.rfftfreq(len(steady), 1 / RATE)[int(np.argmax(spectrum))])
    assert abs(peak_hz - 440) < 3
    assert levels and abs(levels[-1].rms_dbfs - (-9.0)) < 1.0 and not levels[-1].clipping


def test_missing_device_is_named_for_the_operator(pulse: PulseDaemon) -> None:
    with pytest.raises(AudioDeviceError, match="「防災無線USB」が見つかりません"):
        find_device("防災無線USB", output=True)
    assert find_device("pulse", output=True) is not None


def test_voice_record_cli_trims_and_normalises(pulse: PulseDaemon, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from app.voice.audio import read_wav
    from tests.unit.test_radio_cli import run

    module = pulse.pactl("load-module", "module-sine-source", f"source_name={SINE_SOURCE}",
                         "frequency=440", f"rate={RATE}").strip()
    pulse.pactl("set-default-source", SINE_SOURCE)
    try:
        code, out, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "voice", "record",
                           "--seconds", "0.8", "--out", str(tmp_path / "take.wav"), "--json")
    finally:
        pulse.pactl("set-default-source", f"{SINK}.monitor")
        pulse.pactl("unload-module", module)
    assert code == 0, out
    result = json.loads(out)
    assert result["clipped"] == 0 and abs(result["rms_dbfs"] - (-20.0)) < 1.0
    take = read_wav(tmp_path / "take.wav")
    assert take.rate == RATE and take.seconds > 0.2
