"""The opening and closing chimes (上りチャイム・下りチャイム), generated, so no licence note is
needed: four bell tones rising before an announcement and falling after it, as 防災行政無線
operators play them. A site that has its own recorded chime configures a WAV instead.
"""

from __future__ import annotations

import numpy as np

from app.voice.audio import Audio

# F4 A4 C5 F5: the major arpeggio most municipal chimes use.
NOTES_HZ = (349.23, 440.00, 523.25, 698.46)
# Partials of a struck bar (relative frequency, relative amplitude, decay per second): a pure
# sine sounds like a test tone, and residents must hear "chime", not "alarm".
PARTIALS = ((1.0, 1.0, 2.2), (2.0, 0.35, 3.5), (3.0, 0.12, 5.0), (4.2, 0.05, 7.0))
NOTE_SPACING_S = 0.55
RING_S = 1.6
LEVEL = 0.5  # peak well below full scale: the radio's own limiter must not pump


def bell(frequency: float, rate: int, seconds: float = RING_S) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    tone = np.zeros_like(t)
    for ratio, amplitude, decay in PARTIALS:
        if frequency * ratio < rate / 2:  # never write a partial the rate cannot carry
            tone += amplitude * np.exp(-decay * t) * np.sin(2 * np.pi * frequency * ratio * t)
    attack = np.minimum(1.0, t / 0.004)  # a 4 ms attack avoids a click at the start
    return tone * attack


def chime(rate: int, *, rising: bool) -> Audio:
    notes = NOTES_HZ if rising else tuple(reversed(NOTES_HZ))
    total = round((NOTE_SPACING_S * (len(notes) - 1) + RING_S) * rate)
    out = np.zeros(total)
    for i, frequency in enumerate(notes):
        start = round(i * NOTE_SPACING_S * rate)
        tone = bell(frequency, rate)
        out[start:start + len(tone)] += tone
    fade = min(len(out), round(0.05 * rate))  # end exactly at silence
    out[-fade:] *= np.linspace(1.0, 0.0, fade)
    out *= LEVEL / np.max(np.abs(out))
    return Audio(out.astype(np.float32), rate)


def opening_chime(rate: int) -> Audio:
    return chime(rate, rising=True)


def closing_chime(rate: int) -> Audio:
    return chime(rate, rising=False)
