"""The operator procedure at the 操作卓, as a state machine that a computer can follow.

select zones → key (呼出) → wait for the on-air contact (with a timeout) → opening chime →
programme → closing chime → release (終話). Abort is possible from every state and always
releases; a transmit time limit (independent of the audio) releases a stuck transmitter; a
J-Alert pre-emption is an abort with its own reason. Everything here is blocking and runs on
the device's single worker thread; ``abort`` is the one method other threads may call.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.voice.assembly import Programme
from app.voice.audio import Audio

log = logging.getLogger("issei.radio")


class RadioState(enum.StrEnum):
    IDLE = "idle"
    SELECTING = "selecting"  # 地区選択
    KEYING = "keying"  # 呼出（起動接点）
    WAITING_ON_AIR = "waiting_on_air"  # 放送中ランプ待ち
    OPENING_CHIME = "opening_chime"
    PROGRAMME = "programme"
    CLOSING_CHIME = "closing_chime"
    RELEASING = "releasing"  # 終話
    DONE = "done"
    ABORTED = "aborted"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    RadioState.IDLE: "待機中",
    RadioState.SELECTING: "地区選択",
    RadioState.KEYING: "起動（呼出）",
    RadioState.WAITING_ON_AIR: "放送開始待ち",
    RadioState.OPENING_CHIME: "開始チャイム",
    RadioState.PROGRAMME: "放送中",
    RadioState.CLOSING_CHIME: "終了チャイム",
    RadioState.RELEASING: "終話",
    RadioState.DONE: "放送完了",
    RadioState.ABORTED: "中止",
    RadioState.FAILED: "失敗",
}


class RadioError(RuntimeError):
    """The radio or its interface refused or failed; the message is for the operator."""


class RadioBackend(Protocol):
    """Blocking primitives of one console interface. Called from one worker thread only."""

    name: str  # for the ledger: "contact rfc2217://…", "vendor:xyz COM3", "simulator"
    simulated: bool

    def open(self) -> None: ...

    def close(self) -> None: ...

    def select_zones(self, zones: tuple[str, ...]) -> None:
        """Empty: every zone (一括)."""
        ...

    def clear_zones(self) -> None: ...

    def key(self, on: bool) -> None: ...

    def on_air(self) -> bool: ...


class AudioOut(Protocol):
    def play(self, audio: Audio, stop: threading.Event) -> None:
        """Play to the end, or return early once ``stop`` is set. Blocking."""
        ...


@dataclass
class Transition:
    at: dt.datetime
    state: RadioState
    note: str = ""


@dataclass
class BroadcastResult:
    state: RadioState
    zones: tuple[str, ...]
    backend: str
    transitions: list[Transition] = field(default_factory=list)
    keyed_at: dt.datetime | None = None
    on_air_at: dt.datetime | None = None  # the console confirmed: on air
    released_at: dt.datetime | None = None
    error: str = ""  # why it did not finish, in Japanese
    aborted_by: str = ""  # operator | jalert | time_limit

    @property
    def ok(self) -> bool:
        return self.state is RadioState.DONE

    @property
    def confirmation(self) -> str:
        """What goes in the ledger's provider reference."""
        if self.on_air_at is None:
            return f"{self.backend}: 放送中の確認なし"
        return f"{self.backend}: 放送中確認 {self.on_air_at.isoformat(timespec='milliseconds')}"


class _AbortedError(Exception):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ProcedureSettings:
    on_air_timeout: float = 5.0  # seconds from key to the on-air contact
    tx_limit: float = 300.0  # seconds from key to release, whatever happens
    poll_interval: float = 0.02
    settle: float = 0.2  # after selecting zones, before keying (relays settle)
    play_chimes: bool = True  # False when the console plays its own chime


class RadioProcedure:
    def __init__(self, backend: RadioBackend, audio_out: AudioOut,
                 settings: ProcedureSettings | None = None,
                 on_state: Callable[[RadioState, str], None] | None = None) -> None:
        self.backend = backend
        self.audio_out = audio_out
        self.settings = settings or ProcedureSettings()
        self.on_state = on_state
        self.state = RadioState.IDLE
        self._stop = threading.Event()
        self._abort_reason = ("", "")
        self._lock = threading.Lock()

    def abort(self, reason: str = "操作員が中止しました", by: str = "operator") -> None:
        """From any thread: stop what is happening and release the transmitter."""
        with self._lock:
            if not self._stop.is_set():
                self._abort_reason = (reason, by)
                self._stop.set()

    def _enter(self, result: BroadcastResult, state: RadioState, note: str = "") -> None:
        self.state = state
        result.transitions.append(Transition(_now(), state, note))
        log.info("radio %s: %s %s", self.backend.name, state.value, note)
        if self.on_state:
            self.on_state(state, note)

    def _check(self, keyed_at: float | None) -> None:
        if keyed_at is not None and time.monotonic() - keyed_at > self.settings.tx_limit:
            self.abort(f"送信時間の上限（{self.settings.tx_limit:.0f}秒）に達したため終話しました",
                       "time_limit")
        if self._stop.is_set():
            raise _AbortedError

    def run(self, programme: Programme, zones: tuple[str, ...] = ()) -> BroadcastResult:
        result = BroadcastResult(RadioState.IDLE, zones, self.backend.name)
        self._stop.clear()
        s = self.settings
        needed = programme.seconds if s.play_chimes else programme.body.seconds
        if needed + s.on_air_timeout > s.tx_limit:
            result.state = RadioState.FAILED
            result.error = (f"放送の長さ（{needed:.0f}秒）が送信時間の上限"
                            f"（{s.tx_limit:.0f}秒）を超えるため、放送しません")
            return result
        keyed: float | None = None
        watchdog: threading.Timer | None = None
        try:
            self._check(None)
            self._enter(result, RadioState.SELECTING, "、".join(zones) or "一括")
            self.backend.select_zones(zones)
            if self._stop.wait(s.settle):
                raise _AbortedError
            self._enter(result, RadioState.KEYING)
            keyed = time.monotonic()
            # The watchdog releases even if the audio device blocks and never returns.
            watchdog = threading.Timer(s.tx_limit, self._check_limit_from_timer)
            watchdog.daemon = True
            watchdog.start()
            self.backend.key(True)
            result.keyed_at = _now()
            self._enter(result, RadioState.WAITING_ON_AIR)
            deadline = keyed + s.on_air_timeout
            while not self.backend.on_air():
                self._check(keyed)
                if time.monotonic() > deadline:
                    raise RadioError(f"{s.on_air_timeout:.0f}秒以内に放送中の応答がありません"
                                     "（操作卓が話中か、起動接点の配線を確認してください）")
                time.sleep(s.poll_interval)
            result.on_air_at = _now()
            if s.play_chimes:
                self._enter(result, RadioState.OPENING_CHIME)
                self._play(programme.opening, keyed)
            self._enter(result, RadioState.PROGRAMME)
            self._play(programme.body, keyed)
            if s.play_chimes:
                self._enter(result, RadioState.CLOSING_CHIME)
                self._play(programme.closing, keyed)
            result.state = RadioState.DONE
        except _AbortedError:
            reason, by = self._abort_reason
            result.state, result.error, result.aborted_by = RadioState.ABORTED, reason, by
        except RadioError as exc:
            result.state, result.error = RadioState.FAILED, str(exc)
        except Exception as exc:  # a broken device must still release
            log.exception("radio procedure failed")
            result.state, result.error = RadioState.FAILED, f"無線装置の異常: {exc}"
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._release(result)
        self._enter(result, result.state, result.error)
        return result

    def _check_limit_from_timer(self) -> None:
        self.abort(f"送信時間の上限（{self.settings.tx_limit:.0f}秒）に達したため終話しました",
                   "time_limit")

    def _play(self, audio: Audio, keyed: float) -> None:
        self._check(keyed)
        self.audio_out.play(audio, self._stop)
        self._check(keyed)

    def _release(self, result: BroadcastResult) -> None:
        self._enter(result, RadioState.RELEASING)
        errors: list[str] = []
        for step in (lambda: self.backend.key(False), self.backend.clear_zones):
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - try every release step, report all
                errors.append(str(exc))
        result.released_at = _now()
        if errors:
            log.error("radio release failed: %s", errors)
            result.state = RadioState.FAILED
            result.error = (result.error + " / " if result.error else "") + (
                "終話に失敗しました。操作卓を手動で終話してください: " + "; ".join(errors))
