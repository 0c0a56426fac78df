"""One radio console as the rest of Issei sees it: async, one worker thread, in the ledger.

All blocking work (the serial port, the audio device) runs on the station's single worker
thread, in order; the asyncio side awaits it. pyserial's asyncio add-on is not used: it has
no Windows support. A J-Alert alarm pre-empts: it aborts a manual broadcast on air and refuses
new ones until the operator clears the alarm.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.domain import DeliveryState, Medium
from app.voice import ledger
from app.voice.assembly import Programme
from drivers.radio.procedure import (
    AudioOut,
    BroadcastResult,
    ProcedureSettings,
    RadioBackend,
    RadioError,
    RadioProcedure,
    RadioState,
)

log = logging.getLogger("issei.radio")


@dataclass(frozen=True)
class BroadcastRequest:
    programme: Programme
    zones: tuple[str, ...]
    title: str
    text: str  # the script, or the audio file's name
    source: str = "manual"  # manual | jalert | rule
    operator: str = ""


@dataclass(frozen=True)
class BroadcastRecord:
    message_id: str
    delivery_id: int
    result: BroadcastResult


class RadioStation:
    def __init__(self, backend: RadioBackend, audio_out: AudioOut,
                 settings: ProcedureSettings, *, sessions: sessionmaker[Session] | None,
                 console: str = "", training: bool = False,
                 on_state: Callable[[RadioState, str], None] | None = None) -> None:
        self.backend = backend
        self.audio_out = audio_out
        self.settings = settings
        self.sessions = sessions
        self.console = console
        self.training = training or backend.simulated
        self.on_state = on_state
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="radio")
        self._opened = False
        self._current: RadioProcedure | None = None
        self._lock = threading.Lock()
        self.alarm: str | None = None  # the J-Alert event that holds the radio
        self._ledger_lock = asyncio.Lock()
        self._recovered = False

    @property
    def simulated(self) -> bool:
        return self.backend.simulated

    # -- pre-emption (J-Alert) ----------------------------------------------------------------

    def preempt(self, reason: str) -> None:
        """A J-Alert alarm: abort the manual broadcast on air, hold the radio."""
        with self._lock:
            self.alarm = reason
            current = self._current
        if current is not None:
            current.abort(f"Jアラート受信のため放送を中断しました（{reason}）", "jalert")
        log.warning("radio pre-empted by J-Alert: %s", reason)

    def clear_alarm(self) -> None:
        with self._lock:
            self.alarm = None

    def abort(self, reason: str = "操作員が中止しました") -> None:
        with self._lock:
            current = self._current
        if current is not None:
            current.abort(reason, "operator")

    # -- broadcast ----------------------------------------------------------------------------

    async def broadcast(self, request: BroadcastRequest) -> BroadcastRecord:
        with self._lock:
            if self.alarm is not None and request.source == "manual":
                raise RadioError(f"Jアラート受信中のため手動放送はできません（{self.alarm}）")
        if self.sessions is None:
            raise RadioError("台帳に記録できないため放送しません（データベース未接続）")
        sessions = self.sessions
        async with self._ledger_lock:
            if not self._recovered:  # what this console left on air when it last stopped
                await asyncio.to_thread(ledger.fail_interrupted, sessions, Medium.RADIO,
                                        self.console)
                self._recovered = True
            entry = await asyncio.to_thread(
                ledger.open_entry, sessions, medium=Medium.RADIO, title=request.title,
                body=request.text, targets=[(None, "、".join(request.zones) or "一括")],
                payload={"script": request.text, "reading": request.programme.reading,
                         "zones": list(request.zones),
                         "seconds": round(request.programme.seconds, 2),
                         "source": request.source, "backend": self.backend.name},
                training=self.training, operator=request.operator, console=self.console,
            )
        result = await asyncio.get_running_loop().run_in_executor(
            self._executor, self._run, request)
        state = DeliveryState.SENT if result.ok else DeliveryState.FAILED
        await asyncio.to_thread(
            ledger.close_delivery, sessions, entry.delivery_ids[0], state=state,
            provider_ref=result.confirmation, error=result.error or None,
        )
        await asyncio.to_thread(
            ledger.finish, sessions, entry, Medium.RADIO, operator=request.operator,
            console=self.console, detail=_result_detail(result),
        )
        return BroadcastRecord(entry.message_id, entry.delivery_ids[0], result)

    async def transmit(self, request: BroadcastRequest) -> BroadcastResult:
        """The broadcast alone, without a ledger entry of its own: for the outbox engine,
        whose delivery row already stands for this broadcast (drivers.voice_media)."""
        with self._lock:
            if self.alarm is not None and request.source == "manual":
                return _refused(self.backend.name, request.zones,
                                f"Jアラート受信中のため手動放送はできません（{self.alarm}）")
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._run, request)

    def _run(self, request: BroadcastRequest) -> BroadcastResult:
        procedure = RadioProcedure(self.backend, self.audio_out, self.settings, self.on_state)
        with self._lock:
            if self.alarm is not None and request.source == "manual":
                return _refused(self.backend.name, request.zones,
                                f"Jアラート受信中のため手動放送はできません（{self.alarm}）")
            self._current = procedure
        try:
            if not self._opened:
                self.backend.open()
                self._opened = True
            return procedure.run(request.programme, request.zones)
        except RadioError as exc:
            return _refused(self.backend.name, request.zones, str(exc))
        finally:
            with self._lock:
                self._current = None

    async def aclose(self) -> None:
        def close() -> None:
            if self._opened:
                self.backend.close()
                self._opened = False

        await asyncio.get_running_loop().run_in_executor(self._executor, close)
        self._executor.shutdown(wait=True)


def _refused(backend: str, zones: tuple[str, ...], error: str) -> BroadcastResult:
    return BroadcastResult(RadioState.FAILED, zones, backend, error=error)


def _result_detail(result: BroadcastResult) -> dict[str, object]:
    def iso(value: object) -> str | None:
        return value.isoformat() if value is not None else None  # type: ignore[attr-defined]

    return {
        "state": result.state.value,
        "zones": list(result.zones),
        "backend": result.backend,
        "keyed_at": iso(result.keyed_at),
        "on_air_at": iso(result.on_air_at),
        "released_at": iso(result.released_at),
        "error": result.error,
        "aborted_by": result.aborted_by,
        "transitions": [[iso(t.at), t.state.value] for t in result.transitions],
    }
