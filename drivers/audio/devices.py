"""Sound cards through sounddevice (PortAudio), with explicit streams.

sounddevice's convenience functions share one stream, so playing while recording truncates
the recording (HARDWARE.md §4); every use here opens its own ``OutputStream`` or
``InputStream``. Devices are chosen by a part of their name (``"USB Audio"``), because
Windows renumbers them when a USB interface moves to another socket.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from app.voice.audio import Audio
from app.voice.levels import Level, level

log = logging.getLogger("issei.audio")

BLOCK = 1024


class AudioDeviceError(RuntimeError):
    """The device is missing or refused; the message is for the operator."""


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library missing
        raise AudioDeviceError(f"音声装置のライブラリ（PortAudio）が見つかりません: {exc}") from exc
    return sounddevice


def devices() -> list[dict[str, Any]]:
    return [dict(d) for d in _sd().query_devices()]


def find_device(name: str, *, output: bool) -> int | None:
    """The first device whose name contains ``name``; None (the default) for an empty name."""
    if not name:
        return None
    key = "max_output_channels" if output else "max_input_channels"
    candidates = [(i, d) for i, d in enumerate(devices()) if d[key] > 0]
    for index, device in candidates:
        if name.lower() in str(device["name"]).lower():
            return index
    kind = "出力" if output else "入力"
    known = "、".join(str(d["name"]) for _, d in candidates) or "なし"
    raise AudioDeviceError(f"音声{kind}装置「{name}」が見つかりません（あるもの: {known}）")


class SoundDeviceOut:
    """Plays to a named output; returns early when ``stop`` is set (abort, J-Alert)."""

    def __init__(self, device: str = "") -> None:
        self.device_name = device

    def play(self, audio: Audio, stop: threading.Event) -> None:
        """Callback streaming: ``stop`` aborts within 20 ms even when the device buffers a
        lot (a blocking write cannot be interrupted while PortAudio waits for room)."""
        sd = _sd()
        device = find_device(self.device_name, output=True)
        data = np.zeros(0, dtype=np.float32)
        position = 0
        finished = threading.Event()

        def callback(outdata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
            nonlocal position
            if status.output_underflow:
                log.warning("audio output underflow")
            n = min(frames, len(data) - position)
            outdata[:n, 0] = data[position:position + n]
            outdata[n:, 0] = 0.0
            position += n
            if n < frames:
                raise sd.CallbackStop

        try:
            stream = sd.OutputStream(samplerate=audio.rate, channels=1, dtype="float32",
                                     device=device, callback=callback,
                                     finished_callback=finished.set)
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"音声を再生できません: {exc}") from exc
        # A starting stream may swallow its first milliseconds and a closing one drops what
        # the device still buffers: the chime's attack or the closing chime's end would be
        # cut, and the radio released before its last sample. Silence as long as the output
        # latency on both sides keeps every real sample intact.
        pad = np.zeros(round((float(stream.latency) + 0.05) * audio.rate), dtype=np.float32)
        data = np.concatenate([pad, np.asarray(audio.samples, dtype=np.float32), pad])
        try:
            with stream:
                while not finished.wait(0.02):
                    if stop.is_set():
                        stream.abort()
                        return
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"音声を再生できません: {exc}") from exc


class Recorder:
    """The operator's microphone: level per block for the meter, then the take."""

    def __init__(self, device: str = "", rate: int = 48_000,
                 on_level: Callable[[Level], None] | None = None) -> None:
        self.device_name = device
        self.rate = rate
        self.on_level = on_level
        self._blocks: list[np.ndarray] = []
        self._stream: Any = None
        self._lock = threading.Lock()
        self.clipped = 0

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, status: Any) -> None:
        block = indata[:, 0].copy()
        with self._lock:
            self._blocks.append(block)
        reading = level(block)
        self.clipped += reading.clipped
        if status:
            log.warning("recording status: %s", status)
        if self.on_level:
            self.on_level(reading)

    def start(self) -> None:
        sd = _sd()
        device = find_device(self.device_name, output=False)
        try:
            self._stream = sd.InputStream(samplerate=self.rate, channels=1, dtype="float32",
                                          device=device, blocksize=BLOCK,
                                          callback=self._callback)
            self._stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"録音を開始できません: {exc}") from exc

    def stop(self) -> Audio:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        with self._lock:
            blocks, self._blocks = self._blocks, []
        samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        return Audio(samples.astype(np.float32), self.rate)

    def snapshot(self) -> Audio:
        """What has been recorded so far, without stopping (for playback-before-use)."""
        with self._lock:
            blocks = list(self._blocks)
        samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        return Audio(samples.astype(np.float32), self.rate)

    @property
    def frames(self) -> int:
        with self._lock:
            return sum(len(b) for b in self._blocks)
