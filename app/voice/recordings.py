"""Operator recordings stored with the message: radio and phone play them instead of TTS.

Stored **in the database**, content-addressed by the SHA-256 of a canonical WAV (mono, 16-bit,
the recording's own rate), not as a file under the data folder: with the shared PostgreSQL
store the batch may be claimed by a worker or console on another PC, which has no access to
this PC's data folder; in the database the recording is written in the same store as the
message, backed up with it, and present for every retry and after crash recovery. A minute
at 48 kHz is about 5.8 MB, well within what SQLite and PostgreSQL keep comfortably.

Use: ``digest = store(sessions, audio, name="録音1.wav")`` then
``Draft(..., recording=digest)``; drivers call ``load(sessions, digest)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
from sqlalchemy import Float, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from app.db.models import Base, utcnow
from app.domain import Finding, Medium, Rendition, Severity
from app.voice.audio import Audio, AudioError, read_wav, wav_bytes

MAX_SECONDS = 300.0  # the radio's default transmit limit; longer is refused at store time
MIN_SECONDS = 0.3
SILENCE_PEAK = 1e-3


class RecordingError(AudioError):
    """A recording cannot be stored or found; the message says why, in Japanese."""


class Recording(Base):
    __tablename__ = "recordings"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of ``wav``
    wav: Mapped[bytes] = mapped_column(LargeBinary)
    rate: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")


def check(audio: Audio) -> None:
    if audio.seconds < MIN_SECONDS:
        raise RecordingError(f"録音が短すぎます（{audio.seconds:.1f}秒）")
    if audio.seconds > MAX_SECONDS:
        raise RecordingError(
            f"録音が長すぎます（{audio.seconds:.0f}秒、上限{MAX_SECONDS:.0f}秒）")
    peak = float(np.max(np.abs(audio.samples))) if len(audio.samples) else 0.0
    if peak < SILENCE_PEAK:
        raise RecordingError("録音が無音です。マイクを確認して録音し直してください")


def store(sessions: sessionmaker[Session], audio: Audio, *, name: str = "",
          operator: str = "") -> str:
    """Store the recording (idempotent: the same sound gives the same digest)."""
    check(audio)
    data = wav_bytes(audio)
    digest = hashlib.sha256(data).hexdigest()
    with sessions.begin() as session:
        if session.get(Recording, digest) is None:
            session.add(Recording(digest=digest, wav=data, rate=audio.rate,
                                  seconds=round(audio.seconds, 3), name=name[:200],
                                  created_by=operator))
    return digest


def store_file(sessions: sessionmaker[Session], path: Path, *, operator: str = "") -> str:
    return store(sessions, read_wav(path), name=path.name, operator=operator)


def load(sessions: sessionmaker[Session], digest: str) -> Audio:
    """The recording, checked against its digest (a damaged row is refused, never played)."""
    with sessions() as session:
        data = session.scalar(select(Recording.wav).where(Recording.digest == digest))
    if data is None:
        raise RecordingError(f"録音が見つかりません（{digest[:12]}…）")
    if hashlib.sha256(data).hexdigest() != digest:
        raise RecordingError(f"録音のデータが壊れています（{digest[:12]}…）")
    return read_wav(io.BytesIO(data))


def exists(sessions: sessionmaker[Session], digest: str) -> bool:
    with sessions() as session:
        return session.scalar(
            select(Recording.digest).where(Recording.digest == digest)) is not None


def check_renditions(sessions: sessionmaker[Session], recording: str,
                     renditions: list[Rendition]) -> None:
    """A draft that names a recording the store does not hold: an error on the spoken media
    (radio, phone), before anything is queued."""
    if not recording or exists(sessions, recording):
        return
    for rendition in renditions:
        if rendition.medium in (Medium.RADIO, Medium.PHONE):
            rendition.findings.append(Finding(
                Severity.ERROR, "recording_missing",
                "録音が見つかりません。録音し直すか、音声合成に切り替えてください"))
