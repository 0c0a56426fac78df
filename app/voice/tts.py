"""Offline Japanese text-to-speech with pyopenjtalk-plus.

The dictionary and the voice (MMDAgent "mei", CC BY 3.0: credit in the README) ship inside
the wheel, for Windows too, so nothing is downloaded at run time. The operator sees the
reading (読み) before anything is broadcast and can correct it: a corrected reading is spoken
from katakana, and a word corrected once goes into the place-name dictionary (``userdict``).

Synthesis is cached by everything that changes the sound (text, reading, dictionary, voice,
speed), in memory and as WAV files, because the same 定型文 is spoken night after night.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import logging
import re
import threading
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from app.voice.audio import Audio, AudioError, read_wav, write_wav
from app.voice.userdict import KATAKANA, UserDictionary, normalise_reading

log = logging.getLogger("issei.voice.tts")

CACHE_VERSION = "2"  # bump when the synthesis itself changes (2: sentence by sentence)
TTS_LEVEL = 0.7  # peak after normalisation: headroom for the radio's limiter
READING_PUNCTUATION = set("、。！？!?,.")
# The front end runs sentence by sentence (after 。！？): a sentence analysed once is not
# analysed again when the operator edits another one. Reading and synthesis both come from
# these same per-sentence features, so what the preview shows is what is spoken.
SENTENCE_END = re.compile(r"(?<=[。！？!?])")
SENTENCE_CACHE = 512  # sentences kept per speaker (a few long messages)

_engine: ModuleType | None = None
_engine_lock = threading.Lock()
_synth_lock = threading.Lock()  # pyopenjtalk's HTS engine is one global object
_thread_ready = threading.local()


class TTSError(RuntimeError):
    """Speech could not be made; the message says why, in Japanese."""


def load_engine() -> ModuleType:
    """Import pyopenjtalk once. It prints a notice about ONNX Runtime on stdout at import;
    that goes to the log instead, so that ``--json`` output stays clean."""
    global _engine
    with _engine_lock:
        if _engine is None:
            captured = io.StringIO()
            try:
                with contextlib.redirect_stdout(captured):
                    import pyopenjtalk
            except ImportError as exc:
                raise TTSError(
                    "音声合成（pyopenjtalk-plus）がインストールされていません"
                ) from exc
            if captured.getvalue().strip():
                log.info("pyopenjtalk: %s", captured.getvalue().strip().replace("\n", " "))
            _engine = pyopenjtalk
    _prepare_thread(_engine)
    return _engine


def _prepare_thread(engine: ModuleType) -> None:
    """pyopenjtalk-plus makes one Sudachi tokenizer per thread through a call that SudachiPy
    0.7 deprecates; that warning says nothing about our code, so the tokenizer is made here,
    once per thread, with exactly that warning silenced (under pytest it would be an error)."""
    if getattr(_thread_ready, "done", False):
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Dictionary\.create\(\) is deprecated",
                                category=DeprecationWarning)
        engine.utils.get_sudachi_tokenizer()
    _thread_ready.done = True


@dataclass(frozen=True)
class WordReading:
    surface: str
    reading: str  # katakana as spoken (発音), "、" for a pause


@dataclass(frozen=True)
class Speech:
    text: str
    reading: str
    audio: Audio
    cached: bool


def check_reading(reading: str) -> str:
    """An operator-corrected reading: katakana and punctuation only."""
    kana = normalise_reading(reading)
    letters = "".join(c for c in kana if c not in READING_PUNCTUATION)
    if not letters or not KATAKANA.match(letters):
        raise TTSError("読みはカタカナ（と「、」「。」）で入力してください")
    return kana


# While set (on the console's keystroke path only), a sentence not analysed yet is not
# analysed: its written text stands in for its reading until the console's background
# prepare, which renders in full, fills the cache a moment later. The send always renders
# in full. The front end is pure Python after MeCab (≈ 0.1 ms a character), so a long
# sentence being typed would otherwise cost tens of milliseconds on every key.
_ANALYSED_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("analysed_only",
                                                                      default=False)
PENDING_POS = "未解析"


@contextlib.contextmanager
def analysed_sentences_only() -> Iterator[None]:
    token = _ANALYSED_ONLY.set(True)
    try:
        yield
    finally:
        _ANALYSED_ONLY.reset(token)


class Speaker:
    def __init__(self, cache_dir: Path | None = None,
                 user_dict: UserDictionary | None = None, speed: float = 1.0) -> None:
        self.cache_dir = cache_dir
        self.user_dict = user_dict or UserDictionary()
        self.speed = speed
        self._memory: OrderedDict[str, Audio] = OrderedDict()
        self._jtalk: Any = None
        self._jtalk_digest: str | None = None
        self._lock = threading.Lock()
        self._sentences: OrderedDict[tuple[str, str], tuple[dict[str, Any], ...]] = (
            OrderedDict())
        self.frontend_runs = 0  # sentences analysed (a test checks that edits re-use the rest)

    def set_user_dict(self, user_dict: UserDictionary) -> None:
        with self._lock:
            self.user_dict = user_dict
            self._jtalk = None

    def _frontend(self) -> Any:
        """A private OpenJTalk with our dictionary: the module-global one stays untouched."""
        return self._frontend_and_digest()[0]

    def _frontend_and_digest(self) -> tuple[Any, str]:
        """The OpenJTalk and the dictionary digest it was made with, read together."""
        engine = load_engine()
        with self._lock:
            if self._jtalk is None or self._jtalk_digest != self.user_dict.digest:
                compiled = None
                if self.user_dict.words:
                    base = self.cache_dir or Path.home() / ".cache" / "issei-voice"
                    compiled = self.user_dict.compile(base / "dict")
                self._jtalk = engine.OpenJTalk(
                    dn_mecab=engine.OPEN_JTALK_DICT_DIR,
                    userdic=str(compiled).encode() if compiled else b"",
                )
                self._jtalk_digest = self.user_dict.digest
            return self._jtalk, str(self._jtalk_digest)

    # -- reading (読み) ---------------------------------------------------------------------

    def features(self, text: str) -> list[dict[str, Any]]:
        """Open JTalk's front end (NJD features) for ``text``, cleaned, sentence by sentence
        and cached per sentence: the radio and phone previews ask on every keystroke, and
        only the sentence being edited is analysed again."""
        engine = load_engine()
        jtalk, digest = self._frontend_and_digest()
        features: list[dict[str, Any]] = []
        for sentence in SENTENCE_END.split(_clean(text)):
            if not sentence:
                continue
            key = (digest, sentence)
            with self._lock:
                cached = self._sentences.get(key)
                if cached is not None:
                    self._sentences.move_to_end(key)
            if cached is None and _ANALYSED_ONLY.get():
                features.append({"string": sentence, "pron": sentence, "pos": PENDING_POS})
                continue
            if cached is None:
                cached = tuple(engine.run_frontend(sentence, jtalk=jtalk))
                with self._lock:
                    self.frontend_runs += 1
                    self._sentences[key] = cached
                    while len(self._sentences) > SENTENCE_CACHE:
                        self._sentences.popitem(last=False)
            features.extend(cached)
        return features

    def pending(self, text: str) -> bool:
        """Whether ``text`` has a sentence whose reading is not analysed yet (only ever
        true inside ``analysed_sentences_only``)."""
        return any(f["pos"] == PENDING_POS for f in self.features(text))

    def words(self, text: str) -> list[WordReading]:
        """Word by word, for the preview where the operator spots a wrong reading."""
        # A user-dictionary entry's pron carries Open JTalk's accent mark (’): not part of
        # the reading the operator reads.
        return [WordReading(str(f["string"]), str(f["pron"]).replace("’", ""))
                for f in self.features(text)]

    def reading(self, text: str) -> str:
        """The katakana reading, as pyopenjtalk's ``g2p(kana=True)`` makes it from the same
        features: punctuation as written, words as pronounced."""
        return "".join(
            (str(f["string"]) if f["pos"] == "記号" else str(f["pron"])).replace("’", "")
            for f in self.features(text))

    # -- speech -----------------------------------------------------------------------------

    def key(self, text: str, reading: str | None) -> str:
        parts = (CACHE_VERSION, str(self.speed), self.user_dict.digest, _clean(text),
                 reading or "")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def speak(self, text: str, reading: str | None = None) -> Speech:
        """Speech for ``text`` (or for the operator's corrected ``reading``), 48 kHz."""
        text = _clean(text)
        if reading is not None:
            reading = check_reading(reading)
        if not text and not reading:
            raise TTSError("読み上げる文を入力してください")
        key = self.key(text, reading)
        audio = self._memory.get(key)
        cached = audio is not None
        if audio is None and self.cache_dir is not None:
            path = self.cache_dir / f"{key}.wav"
            if path.exists():
                try:
                    audio, cached = read_wav(path), True
                except AudioError:  # a damaged cache file is made again, never trusted
                    log.warning("cache file unreadable, synthesising again: %s", path)
        if audio is None:
            audio = self._synthesise(reading or text, use_dict=reading is None)
            if self.cache_dir is not None:
                write_wav(audio, self.cache_dir / f"{key}.wav")
        self._memory[key] = audio
        while len(self._memory) > 64:
            self._memory.popitem(last=False)
        spoken = reading or self.reading(text)
        return Speech(text, spoken, audio, cached)

    def _synthesise(self, text: str, *, use_dict: bool) -> Audio:
        engine = load_engine()
        try:
            if use_dict:  # the features the reading shows, cached per sentence
                labels = engine.make_label([dict(f) for f in self.features(text)],
                                           jtalk=self._frontend())
            else:  # the operator's katakana reading, without the place-name dictionary
                labels = engine.extract_fullcontext(text)
        except Exception as exc:  # any engine failure is reported, never a crash
            raise TTSError(f"音声合成に失敗しました: {exc}") from exc
        with _synth_lock:
            try:
                samples, rate = engine.synthesize(labels, speed=self.speed)
            except Exception as exc:  # any engine failure is reported, never a crash
                raise TTSError(f"音声合成に失敗しました: {exc}") from exc
        samples = np.asarray(samples, dtype=np.float64)
        peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
        if peak <= 0:
            raise TTSError("音声合成の結果が無音でした")
        return Audio((samples / peak * TTS_LEVEL).astype(np.float32), int(rate))


def _clean(text: str) -> str:
    # NFKC makes full-width digits (震度５弱) read like half-width ones; newlines become
    # pauses instead of being read as nothing.
    text = unicodedata.normalize("NFKC", text)
    return "、".join(line.strip() for line in text.splitlines() if line.strip())


_default: Speaker | None = None
_default_lock = threading.Lock()


def default_speaker() -> Speaker:
    """The speaker previews read with (the composer's renditions). The composition root sets
    the configured one (place-name dictionary, speed) with ``set_default_speaker``; until then
    a plain speaker without a file cache."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Speaker()
        return _default


def set_default_speaker(speaker: Speaker) -> None:
    global _default
    with _default_lock:
        _default = speaker
