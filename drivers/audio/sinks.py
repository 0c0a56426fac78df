"""Audio outputs that are not a sound card: for the simulator, training and tests.

``PacedSink`` keeps time like a device (a broadcast of 20 s takes 20 s × ``pace``), so the
radio's time limit and abort behave as they would on air; it keeps what it was given.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from app.voice.audio import Audio

CHUNK_S = 0.05


class PacedSink:
    def __init__(self, pace: float = 0.0) -> None:
        self.pace = pace  # 1.0: real time; 0.0: instant
        self.played: list[Audio] = []
        self.interrupted = False

    def play(self, audio: Audio, stop: threading.Event) -> None:
        chunk = max(1, round(CHUNK_S * audio.rate))
        done = 0
        started = time.monotonic()
        while done < len(audio.samples):
            if stop.is_set():
                self.interrupted = True
                break
            done = min(len(audio.samples), done + chunk)
            if self.pace > 0:
                target = started + done / audio.rate * self.pace
                delay = target - time.monotonic()
                if delay > 0 and stop.wait(delay):
                    self.interrupted = True
                    break
        self.played.append(Audio(audio.samples[:done].copy(), audio.rate))

    @property
    def samples(self) -> np.ndarray:
        if not self.played:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate([a.samples for a in self.played])
