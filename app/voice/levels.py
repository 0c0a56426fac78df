"""What the recording dialog needs: level meter values, clipping, silence trim, loudness.

Loudness is normalised to an RMS target measured over the speech only (blocks above the
silence gate), not to a full ITU-R BS.1770 LUFS measure: the radio path has its own AGC and a
steady speech RMS is what keeps residents from hearing one announcement louder than the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.voice.audio import Audio, Samples

CLIP_LEVEL = 0.999
SILENCE_DBFS = -45.0
TARGET_DBFS = -20.0
BLOCK_S = 0.02


def dbfs(value: float) -> float:
    return 20.0 * float(np.log10(max(value, 1e-10)))


@dataclass(frozen=True)
class Level:
    rms_dbfs: float
    peak_dbfs: float
    clipped: int  # samples at full scale

    @property
    def clipping(self) -> bool:
        return self.clipped > 0


def level(samples: Samples) -> Level:
    """One meter reading (the UI calls it per input block)."""
    if len(samples) == 0:
        return Level(dbfs(0.0), dbfs(0.0), 0)
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    peak = float(np.max(np.abs(samples)))
    return Level(dbfs(rms), dbfs(peak), int(np.count_nonzero(np.abs(samples) >= CLIP_LEVEL)))


def _block_rms(samples: Samples, block: int) -> np.ndarray:
    count = len(samples) // block
    if count == 0:
        return np.zeros(0)
    blocks = samples[: count * block].astype(np.float64).reshape(count, block)
    return np.sqrt(np.mean(blocks**2, axis=1))


def trim_silence(audio: Audio, threshold_dbfs: float = SILENCE_DBFS,
                 keep_s: float = 0.15) -> Audio:
    """Cut leading and trailing silence, keeping a short margin so words are not clipped."""
    block = max(1, round(BLOCK_S * audio.rate))
    rms = _block_rms(audio.samples, block)
    loud = np.flatnonzero(rms > 10 ** (threshold_dbfs / 20))
    if len(loud) == 0:
        return Audio(audio.samples[:0], audio.rate)
    keep = round(keep_s * audio.rate)
    start = max(0, loud[0] * block - keep)
    end = min(len(audio.samples), (loud[-1] + 1) * block + keep)
    return Audio(audio.samples[start:end].copy(), audio.rate)


def normalise(audio: Audio, target_dbfs: float = TARGET_DBFS,
              gate_dbfs: float = SILENCE_DBFS) -> Audio:
    """Scale speech to the target RMS; the peak never exceeds -1 dBFS (no new clipping)."""
    block = max(1, round(BLOCK_S * audio.rate))
    rms = _block_rms(audio.samples, block)
    voiced = rms[rms > 10 ** (gate_dbfs / 20)]
    if len(voiced) == 0:
        return audio
    speech_rms = float(np.sqrt(np.mean(voiced**2)))
    gain = 10 ** (target_dbfs / 20) / speech_rms
    peak = float(np.max(np.abs(audio.samples)))
    gain = min(gain, 10 ** (-1 / 20) / peak) if peak > 0 else gain
    return Audio((audio.samples * gain).astype(np.float32), audio.rate)
