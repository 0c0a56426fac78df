"""What the console's voice screens ask of the core: recording takes, the reading (読み)
preview with corrections saved to the place-name dictionary, the J-Alert alarm watch with its
acknowledgement, and which devices run on a simulator.

No Qt here. The console calls these on worker threads (``widgets/bridge.py``); device I/O is
done by ``drivers/audio`` and ``drivers/jalert``, imported lazily, as the CLI does
(``app/voice/cli.py``): this module is the composition of those drivers for the console.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.config import Config
from app.events import EventBus
from app.voice.alarm import FollowUp, JAlertEvent, JAlertMonitor
from app.voice.audio import Audio, AudioError, read_wav, write_wav
from app.voice.config import HardwareConfig, hardware_config
from app.voice.levels import Level, level, normalise, trim_silence
from app.voice.tts import Speaker, Speech, TTSError, WordReading, check_reading
from app.voice.userdict import UserDictError, UserDictionary

log = logging.getLogger("issei.voice.console")

RECORD_RATE = 48_000
MAX_RECORD_S = 600.0
READING_CACHE = 128


class VoiceError(RuntimeError):
    """A voice action cannot be done; the message says why, in Japanese."""


# -- simulators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceBackend:
    device: str  # radio | dialer | jalert
    label: str  # 防災無線 …
    backend: str  # simulator, contact, vendor, v253, mail, none …
    simulated: bool


def device_backends(hw: HardwareConfig) -> list[DeviceBackend]:
    """Every hardware device and what drives it. Training mode replaces every output device
    by its simulator whatever the file says (``app/voice/config.py``). J-Alert is an input:
    a configured receiver (contact port, mail port) is live even in training, because a real
    alarm must never be missed; with neither, J-Alert is simulated (the console's
    「Jアラート受信の試験」)."""
    r, d, j = hw.radio, hw.dialer, hw.jalert
    radio_sim = hw.training or r.backend == "simulator"
    dialer_sim = hw.training or d.backend == "simulator"
    inputs = [name for name, on in (("contact", bool(j.port)), ("mail", bool(j.smtp_port)))
              if on]
    jalert_sim = not inputs
    return [
        DeviceBackend("radio", "防災無線", "simulator" if radio_sim else r.backend, radio_sim),
        DeviceBackend("dialer", "電話・FAX", "simulator" if dialer_sim else d.backend,
                      dialer_sim),
        DeviceBackend("jalert", "Jアラート", "simulator" if jalert_sim else "+".join(inputs),
                      jalert_sim),
    ]


def simulated_labels(hw: HardwareConfig) -> list[str]:
    return [b.label for b in device_backends(hw) if b.simulated]


# -- recording ------------------------------------------------------------------------------


class AudioIO(Protocol):
    """The sound card as the console needs it (``drivers.audio.devices`` in production)."""

    def input_devices(self) -> list[str]: ...

    def recorder(self, device: str, on_level: Callable[[Level], None]) -> Any: ...

    def play(self, audio: Audio, stop: threading.Event, device: str = "") -> None: ...


class SoundCard:
    """``AudioIO`` on PortAudio through sounddevice, with explicit streams."""

    def input_devices(self) -> list[str]:
        from drivers.audio.devices import devices

        names: list[str] = []
        for device in devices():
            name = str(device["name"])
            if int(device["max_input_channels"]) > 0 and name not in names:
                names.append(name)
        return names

    def recorder(self, device: str, on_level: Callable[[Level], None]) -> Any:
        from drivers.audio.devices import Recorder

        return Recorder(device, RECORD_RATE, on_level=on_level)

    def play(self, audio: Audio, stop: threading.Event, device: str = "") -> None:
        from drivers.audio.devices import SoundDeviceOut

        SoundDeviceOut(device).play(audio, stop)


@dataclass(frozen=True)
class Take:
    """A recording ready to use: silence trimmed, loudness normalised."""

    audio: Audio
    recorded_seconds: float
    clipped: int
    rms_dbfs: float
    peak_dbfs: float

    @property
    def clipping(self) -> bool:
        return self.clipped > 0


def finish_take(raw: Audio, clipped: int) -> Take:
    """Trim leading/trailing silence and set the loudness; an empty take is refused with a
    message that tells the operator what to check (the raw take is the caller's to keep)."""
    trimmed = trim_silence(raw)
    if not len(trimmed.samples):
        raise VoiceError("声が録音されていません（マイクの接続と音量を確認してください）")
    result = normalise(trimmed)
    reading = level(result.samples)
    return Take(result, raw.seconds, clipped, reading.rms_dbfs, reading.peak_dbfs)


class Recording:
    """One take in progress: the latest meter reading is kept for the UI to poll (the
    PortAudio callback thread never touches a widget)."""

    def __init__(self, audio_io: AudioIO, device: str = "") -> None:
        self.device = device
        self.latest: Level | None = None
        self.clipped = 0
        self._recorder = audio_io.recorder(device, self._on_level)
        self.started_at: float | None = None

    def _on_level(self, reading: Level) -> None:
        self.latest = reading
        self.clipped += reading.clipped

    def start(self) -> None:
        self._recorder.start()
        self.started_at = time.monotonic()

    @property
    def frames(self) -> int:
        return int(self._recorder.frames)

    @property
    def seconds(self) -> float:
        return self.frames / RECORD_RATE

    def stop(self) -> Audio:
        return self._recorder.stop()  # type: ignore[no-any-return]

    def stop_and_finish(self) -> tuple[Audio, Take]:
        raw = self.stop()
        return raw, finish_take(raw, self.clipped)


def save_recording(take: Take, folder: Path, *, now: dt.datetime | None = None) -> Path:
    """The take as a 16-bit WAV in the data folder's ``recordings`` (never overwritten)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"rec-{stamp}.wav"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"rec-{stamp}-{n}.wav"
    try:
        write_wav(take.audio, path)
    except OSError as exc:
        raise VoiceError(f"録音を保存できませんでした（{folder}）: {exc}") from exc
    log.info("recording saved %s (%.1f s)", path, take.audio.seconds)
    return path


# -- reading (読み) --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadingPreview:
    text: str
    reading: str
    words: tuple[WordReading, ...]


class ReadingDesk:
    """The reading preview and the place-name dictionary the operator corrects it with.

    Previews are cached by (text, dictionary); a saved word changes the dictionary's digest,
    so the next preview of the same text is computed again and shows the correction."""

    def __init__(self, speaker: Speaker, dictionary: Path | None) -> None:
        self.speaker = speaker
        self.dictionary = dictionary
        self._cache: OrderedDict[tuple[str, str], ReadingPreview] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # previews actually computed (the rest came from the cache)

    def preview(self, text: str) -> ReadingPreview:
        if not text.strip():
            raise VoiceError("読み上げる文を入力してください")
        key = (text, self.speaker.user_dict.digest)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        words = tuple(self.speaker.words(text))
        preview = ReadingPreview(text, self.speaker.reading(text), words)
        with self._lock:
            self.computed += 1
            self._cache[key] = preview
            while len(self._cache) > READING_CACHE:
                self._cache.popitem(last=False)
        return preview

    def save_word(self, surface: str, reading: str) -> UserDictionary:
        """Add (or replace) a word in the dictionary file and use it from now on."""
        if self.dictionary is None:
            raise VoiceError("読み辞書のファイルが設定されていません（[voice] dictionary）")
        surface = unicodedata.normalize("NFKC", surface).strip()
        if not surface:
            raise VoiceError("登録する語（表記）を入力してください")
        try:
            current = (UserDictionary.load(self.dictionary) if self.dictionary.exists()
                       else UserDictionary())
            updated = current.with_word(surface, reading)
        except UserDictError as exc:
            raise VoiceError(str(exc)) from exc
        try:
            self.dictionary.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.dictionary.with_suffix(self.dictionary.suffix + ".part")
            tmp.write_text(updated.to_toml(), encoding="utf-8")
            tmp.replace(self.dictionary)
        except OSError as exc:
            raise VoiceError(f"読み辞書を保存できませんでした（{self.dictionary}）: {exc}") from exc
        self.speaker.set_user_dict(updated)
        log.info("reading saved to the dictionary: %s -> %s", surface,
                 next(w.reading for w in updated.words if w.surface == surface))
        return updated

    def speak(self, text: str, reading: str | None = None) -> Speech:
        if reading is not None and not reading.strip():
            reading = None
        try:
            if reading is not None:
                check_reading(reading)
            return self.speaker.speak(text, reading)
        except TTSError as exc:
            raise VoiceError(str(exc)) from exc


# -- J-Alert --------------------------------------------------------------------------------


class ManualRadioGate:
    """What a J-Alert holds: manual radio use. Stations (the other media's radio driver)
    register here; the gate forwards the pre-emption to each and remembers it for the UI
    until the operator acknowledges the alarm."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.held: str | None = None
        self.held_since: dt.datetime | None = None
        self.stations: list[Any] = []

    def register(self, station: Any) -> None:
        with self._lock:
            self.stations.append(station)
            held = self.held
        if held is not None:
            station.preempt(held)

    def preempt(self, reason: str) -> None:
        with self._lock:
            self.held = reason
            self.held_since = dt.datetime.now(dt.UTC)
            stations = list(self.stations)
        for station in stations:
            station.preempt(reason)

    def release(self) -> None:
        with self._lock:
            self.held = None
            self.held_since = None
            stations = list(self.stations)
        for station in stations:
            clear = getattr(station, "clear_alarm", None)
            if clear is not None:
                clear()


def acknowledge(sessions: sessionmaker[Session], event: JAlertEvent, *, operator: str,
                console: str) -> None:
    """The operator saw the alarm: in the audit log, with the alarm it answers."""
    with sessions.begin() as session:
        audit.append(session, "jalert_ack", operator=operator, console=console,
                     detail={"source": event.source, "title": event.title,
                             "received_at": event.received_at.isoformat(),
                             "acknowledged_at": dt.datetime.now(dt.UTC).isoformat()})
    log.info("J-Alert alarm acknowledged by %s: %s", operator or "?", event.title)


@dataclass
class AlarmWatch:
    """The J-Alert monitor of one console, on its own small asyncio loop in a thread (the
    console's loop may not exist yet, and an alarm must never wait on the UI). Inputs are
    the receiver's contact and its rule e-mail; alarms reach the UI as ``JAlertAlarm``
    events on the event bus."""

    hw: HardwareConfig
    events: EventBus
    sessions: sessionmaker[Session]
    console: str
    gate: ManualRadioGate = field(default_factory=ManualRadioGate)
    follow_ups: list[FollowUp] = field(default_factory=list)
    monitor: JAlertMonitor | None = None
    errors: list[str] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _inputs: list[Any] = field(default_factory=list)

    def start(self) -> AlarmWatch:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="issei-jalert", daemon=True)
        self._thread.start()
        ready.wait(5)
        self.monitor = JAlertMonitor(self.events, self.sessions, console=self.console,
                                     radio=self.gate, follow_ups=self.follow_ups)
        self.monitor.attach(loop)
        j = self.hw.jalert
        if j.smtp_port:
            try:
                from drivers.jalert.mail import MailListener

                self._inputs.append(MailListener(
                    self.monitor.submit, host=j.smtp_host, port=j.smtp_port,
                    allowed_senders=j.allowed_senders).start())
            except (OSError, RuntimeError) as exc:
                self.errors.append(
                    f"Jアラートのメール受信（{j.smtp_host}:{j.smtp_port}）を開始できません: {exc}")
        if j.port:
            try:
                from drivers.jalert.contact import ContactWatcher

                monitor = self.monitor

                def contact(active: bool) -> None:
                    monitor.submit(JAlertEvent("contact", "Jアラート起動接点", active=active))

                self._inputs.append(ContactWatcher(
                    j.port, contact, line=j.line, active_high=j.active_high,
                    debounce=j.debounce, supply_line=j.supply_line).start())
            except (OSError, RuntimeError, ValueError) as exc:
                self.errors.append(str(exc))
        for error in self.errors:
            log.error("%s", error)
        return self

    def submit(self, event: JAlertEvent) -> None:
        """From any thread: the inputs, or the console's 「Jアラート受信の試験」."""
        if self.monitor is None:
            raise RuntimeError("AlarmWatch.start() was not called")
        self.monitor.submit(event)

    def stop(self) -> None:
        for source in self._inputs:
            try:
                source.stop()
            except Exception:
                log.exception("J-Alert input did not stop cleanly")
        self._inputs.clear()
        loop, self._loop = self._loop, None
        if loop is None:
            return
        if self.monitor is not None:
            future = asyncio.run_coroutine_threadsafe(self.monitor.aclose(), loop)
            try:
                future.result(timeout=10)
            except Exception:
                log.exception("J-Alert monitor did not close cleanly")
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        loop.close()


# -- the console's voice services ------------------------------------------------------------


class ConsoleVoice:
    """Everything above, built once from the configuration for one console window."""

    def __init__(self, hw: HardwareConfig, *, audio_io: AudioIO | None = None,
                 speaker: Speaker | None = None) -> None:
        self.hw = hw
        self.audio_io: AudioIO = audio_io or SoundCard()
        self._speaker = speaker
        self._desk: ReadingDesk | None = None
        self._lock = threading.Lock()
        self.watch: AlarmWatch | None = None

    @classmethod
    def from_config(cls, config: Config, **kwargs: Any) -> ConsoleVoice:
        return cls(hardware_config(config), **kwargs)

    @property
    def input_device(self) -> str:
        return self.hw.voice.input_device

    @property
    def recordings_folder(self) -> Path:
        return self.hw.data_dir / "recordings"

    @property
    def dictionary_path(self) -> Path | None:
        return self.hw.path(self.hw.voice.dictionary) if self.hw.voice.dictionary else None

    def desk(self) -> ReadingDesk:
        """Built on first use (loading the dictionary reads a file: call on a worker)."""
        with self._lock:
            if self._desk is None:
                speaker = self._speaker
                if speaker is None:
                    words = UserDictionary()
                    path = self.dictionary_path
                    if path is not None and path.exists():
                        try:
                            words = UserDictionary.load(path)
                        except UserDictError as exc:
                            raise VoiceError(str(exc)) from exc
                    speaker = Speaker(self.hw.cache_dir, words, self.hw.voice.speed)
                self._desk = ReadingDesk(speaker, self.dictionary_path)
            return self._desk

    def simulated(self) -> list[str]:
        return simulated_labels(self.hw)

    def new_recording(self, device: str) -> Recording:
        return Recording(self.audio_io, device)

    def play(self, audio: Audio, stop: threading.Event) -> None:
        self.audio_io.play(audio, stop)

    def play_file(self, path: Path, stop: threading.Event) -> None:
        try:
            audio = read_wav(path)
        except AudioError as exc:
            raise VoiceError(str(exc)) from exc
        self.audio_io.play(audio, stop)

    def start_watch(self, events: EventBus, sessions: sessionmaker[Session],
                    console: str) -> AlarmWatch:
        self.watch = AlarmWatch(self.hw, events, sessions, console).start()
        return self.watch

    def stop_watch(self) -> None:
        watch, self.watch = self.watch, None
        if watch is not None:
            watch.stop()
