"""Mono audio as float32 arrays in [-1, 1], with the conversions the radio and the phone need.

Resampling is a windowed-sinc low-pass followed by interpolation (numpy only, so the frozen
Windows build carries no scipy): exact for the integer ratio 48 kHz → 8 kHz that the phone
path uses, and good enough for arbitrary ratios of operator recordings.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

RADIO_RATE = 48_000
PHONE_RATE = 8_000


class AudioError(ValueError):
    """The audio cannot be used; the message says why, in Japanese."""


@dataclass(frozen=True)
class Audio:
    samples: Samples
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def at(self, rate: int) -> Audio:
        return self if rate == self.rate else Audio(resample(self.samples, self.rate, rate), rate)

    @staticmethod
    def silence(seconds: float, rate: int) -> Audio:
        return Audio(np.zeros(round(seconds * rate), dtype=np.float32), rate)


def as_samples(values: npt.ArrayLike) -> Samples:
    array = np.asarray(values, dtype=np.float32)
    if array.ndim == 2:  # frames × channels: the operator's stereo file becomes mono
        array = array.mean(axis=1, dtype=np.float32)
    if array.ndim != 1:
        raise AudioError("音声データの形式が正しくありません")
    return np.ascontiguousarray(array)


def lowpass_kernel(cutoff: float, taps: int = 255) -> npt.NDArray[np.float64]:
    """Windowed-sinc FIR; ``cutoff`` is a fraction of the sampling rate (0 < cutoff < 0.5)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.blackman(taps)
    return kernel / kernel.sum()


def resample(samples: Samples, src: int, dst: int) -> Samples:
    if src == dst or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    x = samples.astype(np.float64)
    if dst < src:  # remove what the lower rate cannot carry before it folds back (aliasing)
        x = np.convolve(x, lowpass_kernel(0.45 * dst / src), mode="same")
        if src % dst == 0:
            return x[:: src // dst].astype(np.float32)
    count = round(len(x) * dst / src)
    positions = np.arange(count) * (src / dst)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


def concat(parts: list[Audio], rate: int) -> Audio:
    return Audio(np.concatenate([p.at(rate).samples for p in parts]).astype(np.float32), rate)


def to_pcm16(samples: Samples) -> bytes:
    clipped = np.clip(samples, -1.0, 1.0)
    return (clipped * 32767.0).round().astype("<i2").tobytes()


def to_u8(samples: Samples) -> bytes:
    """8-bit unsigned linear (V.253 ``+VSM=1`` and USR's 128): silence is 0x80."""
    clipped = np.clip(samples, -1.0, 1.0)
    return (clipped * 127.0 + 128.0).round().clip(0, 255).astype(np.uint8).tobytes()


def from_u8(data: bytes) -> Samples:
    return ((np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 127.0)


MULAW_BIAS = 0x84
MULAW_CLIP = 32635


def to_mulaw(samples: Samples) -> bytes:
    """G.711 µ-law (V.253 ``+VSM=4``), bit-exact with the ITU reference encoder."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(pcm), MULAW_CLIP) + MULAW_BIAS
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def from_mulaw(data: bytes) -> Samples:
    u = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = ((mantissa << 3) + MULAW_BIAS) << exponent
    pcm = np.where(sign, MULAW_BIAS - magnitude, magnitude - MULAW_BIAS)
    return (pcm / 32767.0).astype(np.float32)


def write_wav(audio: Audio, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(to_pcm16(audio.samples))
    tmp.replace(path)  # a cache file is either whole or absent, even after a crash


def wav_bytes(audio: Audio) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(to_pcm16(audio.samples))
    return buffer.getvalue()


def read_wav(path: Path | io.BytesIO) -> Audio:
    """PCM WAV (8/16/24/32-bit, any channel count) as mono float32; a file or bytes in memory
    (``io.BytesIO``, e.g. a recording stored in the database)."""
    try:
        with wave.open(path if isinstance(path, io.BytesIO) else str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise AudioError(f"音声ファイルが見つかりません: {path}") from None
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"音声ファイルはPCMのWAV形式にしてください: {path}（{exc}）") from None
    if width == 1:
        values = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        values = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        values = ints.astype(np.float32) / 8388608.0
    elif width == 4:
        values = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648.0
    else:
        raise AudioError(f"対応していない量子化ビット数です: {width * 8} bit")
    if channels > 1:
        values = values.reshape(-1, channels)
    return Audio(as_samples(values), rate)
