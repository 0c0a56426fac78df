"""Radio, phone and FAX as media of the one-click send, behind the driver protocol.

- Radio: one single-target delivery, the broadcast. The station runs the operator procedure
  (zones, key, on-air confirmation, chimes, programme, release) on its own worker thread; the
  provider reference carries the on-air and release timestamps. A broadcast interrupted by a
  crash is not repeated by itself after the restart (failed, with the reason): the operator
  decides whether to broadcast it again.
- Phone: one delivery per resident flagged for calls (要配慮者); batches of one, as many in
  flight as there are lines (one modem per line, each with its own thread). A call counts
  only when the confirming digit is pressed; busy, no answer or no digit is retried after
  ``[dialer] retry_delay`` up to ``max_attempts``. Each call's result is written by the outbox
  as soon as the call ends, so after a crash a restart does not call again those already
  confirmed (the outbox recovery re-queues only the calls that were in progress).
- FAX: one delivery per resident with a fax number: the A4 page drawn from the rendition and
  sent through the configured sender (e-mail-to-FAX gateway, efax on a fax modem, or the drill
  folder).

Voice: text-to-speech by default; the operator's recording when the message carries one
(``payload["recording"]``, loaded by digest from the store — see app.voice.recordings).
In training mode the drill set holds only simulators: no real port is ever opened.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome, TargetResult
from app.domain import Medium
from app.voice.assembly import PhoneMessage, Programme, phone_message, radio_programme
from app.voice.audio import Audio
from app.voice.config import DialerSettings, FaxSettings
from app.voice.tts import Speaker, TTSError

log = logging.getLogger("issei.voice_media")

RecordingSource = Callable[[str], Audio]  # digest -> the operator's recording


def _no_recordings(digest: str) -> Audio:
    from app.voice.recordings import RecordingError

    raise RecordingError(f"録音を読み出せません（{digest[:12]}…）")


def dial_digits(text: str) -> str:
    """Digits only: 03-1234-5678 and ０３（１２３４）５６７８ dial the same."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit() or c in "*#")


class _VoiceCache:
    """Audio made once per message text or recording (not once per call)."""

    def __init__(self, speaker: Speaker, recordings: RecordingSource) -> None:
        self.speaker = speaker
        self.recordings = recordings
        self._lock = threading.Lock()
        self._items: dict[str, Any] = {}

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                return self._items[key]
            value = make()
            self._items[key] = value
            while len(self._items) > 16:
                self._items.pop(next(iter(self._items)))
            return value

    def close(self) -> None:
        dispose = getattr(self.recordings, "dispose", None)
        if dispose is not None:
            dispose()

    def recording(self, payload: dict[str, Any]) -> Audio | None:
        digest = str(payload.get("recording") or "")
        return self.recordings(digest) if digest else None


def _key(kind: str, payload: dict[str, Any]) -> str:
    text = f"{kind}\x1f{payload.get('text', '')}\x1f{payload.get('recording', '')}"
    return hashlib.sha256(text.encode()).hexdigest()


# -- radio ---------------------------------------------------------------------------------


INTERRUPTED = ("前回の放送が途中で止まった可能性があります（コンソールの停止など）。"
               "自動では再放送しません。内容を確かめて再送してください")


class RadioDriver:
    medium = Medium.RADIO

    def __init__(self, station: Any, speaker: Speaker, *,
                 recordings: RecordingSource = _no_recordings,
                 opening: Audio | None = None, closing: Audio | None = None) -> None:
        self.station = station  # drivers.radio.station.RadioStation
        self.voice = _VoiceCache(speaker, recordings)
        self.opening, self.closing = opening, closing
        self.endpoint = f"radio:{station.backend.name}"
        self.capabilities = Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                         deduplicates=False, simulated=station.simulated)

    def _programme(self, payload: dict[str, Any]) -> Programme:
        def make() -> Programme:
            recorded = self.voice.recording(payload)
            if recorded is not None:
                return radio_programme(self.voice.speaker, recorded=recorded,
                                       opening=self.opening, closing=self.closing)
            return radio_programme(self.voice.speaker, str(payload.get("text", "")),
                                   opening=self.opening, closing=self.closing)

        return self.voice.get(_key("radio", payload), make)  # type: ignore[no-any-return]

    async def send(self, job: BatchJob) -> BatchResult:
        from drivers.radio.station import BroadcastRequest

        if job.attempt > 1:
            # Only the outbox's crash recovery (or an internal error) brings a broadcast back
            # by itself: it may have gone out whole or in part, maybe long ago. A radio does
            # not repeat itself unasked; the operator's 再送 starts again from attempt 1.
            return BatchResult.all(job, Outcome.PERMANENT, INTERRUPTED)
        try:
            programme = await asyncio.to_thread(self._programme, job.payload)
        except (TTSError, ValueError) as exc:  # AudioError / RecordingError are ValueErrors
            return BatchResult.all(job, Outcome.PERMANENT, f"放送の音声を作れません: {exc}")
        zones = tuple(str(z) for z in job.payload.get("zones") or ())
        result = await self.station.transmit(BroadcastRequest(
            programme, zones, title="", text=str(job.payload.get("text", ""))))
        # (source "manual": a one-click send is refused while a J-Alert alarm holds the radio)
        if result.ok:
            iso = "%Y-%m-%dT%H:%M:%S.%f"
            ref = (f"{result.backend}: 放送中確認 {result.on_air_at.strftime(iso)[:-3]}Z"
                   if result.on_air_at else result.confirmation)
            if result.released_at is not None:
                ref += f" 終了 {result.released_at.strftime(iso)[:-3]}Z"
            return BatchResult.all(job, Outcome.SENT, provider_ref=ref)
        # A failed broadcast is not repeated by itself: a late repeat may mislead; the
        # operator decides (再送).
        return BatchResult.all(job, Outcome.PERMANENT, result.error or "放送できませんでした",
                               provider_ref=result.confirmation)

    async def aclose(self) -> None:
        await self.station.aclose()
        self.voice.close()


# -- phone ---------------------------------------------------------------------------------


class PhoneDriver:
    medium = Medium.PHONE

    def __init__(self, lines: list[Any], settings: DialerSettings, speaker: Speaker, *,
                 recordings: RecordingSource = _no_recordings) -> None:
        if not lines:
            raise ValueError("発信に使う回線がありません（[dialer] ports）")
        self.lines = lines  # V253Modem or SimulatedLine: blocking, one thread each
        self.settings = settings
        self.voice = _VoiceCache(speaker, recordings)
        simulated = all(getattr(line, "simulated", False) for line in lines)
        self.endpoint = "phone:" + ",".join(str(line.name) for line in lines)
        self.capabilities = Capabilities(batch_size=1, concurrency=len(lines),
                                         requests_per_second=None, deduplicates=False,
                                         simulated=simulated)
        self._free: asyncio.Queue[Any] | None = None
        self._executors = {
            id(line): concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"dial-{index}")
            for index, line in enumerate(lines)
        }
        self.stop = threading.Event()

    def _message(self, payload: dict[str, Any]) -> PhoneMessage:
        def make() -> PhoneMessage:
            recorded = self.voice.recording(payload)
            if recorded is not None:
                return phone_message(self.voice.speaker, recorded=recorded)
            return phone_message(self.voice.speaker, str(payload.get("text", "")))

        return self.voice.get(_key("phone", payload), make)  # type: ignore[no-any-return]

    async def send(self, job: BatchJob) -> BatchResult:
        if self._free is None:
            self._free = asyncio.Queue()
            for line in self.lines:
                self._free.put_nowait(line)
        try:
            message = await asyncio.to_thread(self._message, job.payload)
        except (TTSError, ValueError) as exc:
            return BatchResult.all(job, Outcome.PERMANENT, f"電話の音声を作れません: {exc}")
        results = [await self._call(job, target.delivery_id, target.address, message)
                   for target in job.targets]
        temporary = any(r.outcome is Outcome.TEMPORARY for r in results)
        return BatchResult(results, retry_after=self.settings.retry_delay if temporary else None)

    async def _call(self, job: BatchJob, delivery_id: int, address: str,
                    message: PhoneMessage) -> TargetResult:
        from drivers.dialer.v253 import Outcome as Call

        number = dial_digits(address)
        if not number:
            return TargetResult(delivery_id, Outcome.PERMANENT,
                                f"電話番号「{address}」に数字がありません")
        assert self._free is not None
        line = await self._free.get()
        s = self.settings
        digit = str(job.payload.get("confirm_digit") or s.confirm_digit)
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self._executors[id(line)], lambda: line.call(
                    number, message.audio, confirm_digit=digit,
                    answer_timeout=s.answer_timeout, confirm_timeout=s.confirm_timeout,
                    stop=self.stop))
        finally:
            self._free.put_nowait(line)
        ref = f"{result.outcome.value} digits={result.digits or '-'} line={result.line}"[:200]
        if result.outcome is Call.CONFIRMED:
            return TargetResult(delivery_id, Outcome.SENT, provider_ref=ref)
        reason = {
            Call.ANSWERED: "応答はありましたが、確認番号が押されませんでした",
            Call.BUSY: "話し中",
            Call.NO_ANSWER: "応答なし",
        }.get(result.outcome, "発信できませんでした") + (
            f": {result.error}" if result.error else "")
        if result.outcome is Call.ANSWERED:
            # The message looped for confirm_timeout without the digit: not confirmed, and
            # not called again by itself (staff follow up, or the operator retries).
            return TargetResult(delivery_id, Outcome.PERMANENT, reason, provider_ref=ref)
        if job.attempt >= s.max_attempts:
            return TargetResult(delivery_id, Outcome.PERMANENT,
                                f"{reason}（{job.attempt}回発信）", provider_ref=ref)
        return TargetResult(delivery_id, Outcome.TEMPORARY, f"{reason}（{job.attempt}回目）",
                            provider_ref=ref)

    async def aclose(self) -> None:
        self.stop.set()
        loop = asyncio.get_running_loop()
        for line in self.lines:
            executor = self._executors[id(line)]
            await loop.run_in_executor(executor, line.close)
            executor.shutdown(wait=True)
        self.voice.close()


# -- FAX -----------------------------------------------------------------------------------


class FaxDriver:
    medium = Medium.FAX

    def __init__(self, sender: Any, settings: FaxSettings) -> None:
        self.sender = sender  # drivers.dialer.fax: EmailFaxGateway | EfaxModem | DrillFax
        self.settings = settings
        self.endpoint = f"fax:{sender.name}"
        self.capabilities = Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                         deduplicates=False, simulated=sender.simulated)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="fax")

    def _page(self, payload: dict[str, Any]) -> tuple[Any, int]:
        """The pages as the sender wants them: a PDF (gateway, drill) or the document itself
        (efax writes one PBM a page)."""
        from app.voice.fax import render

        document = render(str(payload.get("title", "")), str(payload.get("body", "")),
                          sender=self.settings.sender_name, font_path=self.settings.font)
        wants = getattr(self.sender, "wants", "pdf")
        return (document if wants == "document" else document.pdf()), len(document.pages)

    async def send(self, job: BatchJob) -> BatchResult:
        from app.voice.fax import FaxPageError

        loop = asyncio.get_running_loop()
        try:
            page, _pages = await loop.run_in_executor(self._executor, self._page, job.payload)
        except FaxPageError as exc:
            return BatchResult.all(job, Outcome.PERMANENT, str(exc))
        title = str(job.payload.get("title", ""))
        results: list[TargetResult] = []
        for target in job.targets:
            number = dial_digits(target.address)
            if not number:
                results.append(TargetResult(target.delivery_id, Outcome.PERMANENT,
                                            f"FAX番号「{target.address}」に数字がありません"))
                continue
            sent = await loop.run_in_executor(self._executor, self.sender.send, number, title,
                                              page)
            if sent.sent:
                results.append(TargetResult(target.delivery_id, Outcome.SENT,
                                            provider_ref=sent.reference[:200] or None))
            elif sent.temporary and job.attempt < self.settings.max_attempts:
                results.append(TargetResult(target.delivery_id, Outcome.TEMPORARY, sent.error))
            else:
                results.append(TargetResult(target.delivery_id, Outcome.PERMANENT, sent.error))
        temporary = any(r.outcome is Outcome.TEMPORARY for r in results)
        return BatchResult(results, retry_after=self.settings.retry_delay if temporary else None)

    async def aclose(self) -> None:
        self._executor.shutdown(wait=True)


# -- the sets ------------------------------------------------------------------------------


class StoreRecordings:
    """Recordings read from the message store by digest (the same database as the outbox)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._lock = threading.Lock()
        self._engine: Any = None
        self._sessions: Any = None

    def __call__(self, digest: str) -> Audio:
        from app.db.session import make_engine, session_factory
        from app.voice.recordings import load

        with self._lock:
            if self._sessions is None:
                self._engine = make_engine(self.database_url)
                self._sessions = session_factory(self._engine)
            sessions = self._sessions
        return load(sessions, digest)

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = self._sessions = None


def _hardware(config: Any) -> Any:
    from app.voice.config import hardware_config

    return hardware_config(config)


def _voice(hw: Any) -> tuple[Speaker, Audio | None, Audio | None]:
    from app.voice.audio import read_wav
    from app.voice.cli import speaker_for
    from app.voice.tts import set_default_speaker

    speaker = speaker_for(hw)
    set_default_speaker(speaker)  # the composer's radio/phone previews read with the same dict
    opening = read_wav(hw.path(hw.voice.opening_chime)) if hw.voice.opening_chime else None
    closing = read_wav(hw.path(hw.voice.closing_chime)) if hw.voice.closing_chime else None
    return speaker, opening, closing


def real_drivers(config: Any) -> dict[Medium, Any]:
    """Only what the configuration connects to real equipment; a medium left on its
    simulator is not offered outside training (the composer says it is not configured)."""
    hw = _hardware(config)
    drivers: dict[Medium, Any] = {}
    wants_voice = hw.radio.backend != "simulator" or hw.dialer.backend in ("v253", "sip")
    if wants_voice:
        speaker, opening, closing = _voice(hw)
        recordings = StoreRecordings(config.database_url)
        if hw.radio.backend != "simulator":
            from drivers.radio.factory import build_station

            station = build_station(_untrained(hw), None, config.console_name)
            drivers[Medium.RADIO] = RadioDriver(station, speaker, recordings=recordings,
                                                opening=opening, closing=closing)
        if hw.dialer.backend == "v253":
            from drivers.dialer.profiles import profile
            from drivers.dialer.v253 import V253Modem

            d = hw.dialer
            lines = [V253Modem(str(url), profile(d.profile), country=d.country, pace=d.pace)
                     for url in d.ports]
            drivers[Medium.PHONE] = PhoneDriver(lines, d, speaker, recordings=recordings)
        elif hw.dialer.backend == "sip":
            from drivers.dialer.sip import sip_lines

            drivers[Medium.PHONE] = PhoneDriver(
                list(sip_lines(hw.dialer, config.secret("dialer", "sip_password"))), hw.dialer,
                speaker, recordings=recordings)
    f = hw.fax
    if f.backend == "email":
        from drivers.dialer.fax import EmailFaxGateway

        drivers[Medium.FAX] = FaxDriver(EmailFaxGateway(
            f.gateway_host, f.gateway_port, f.sender, f.address_template, f.starttls,
            f.username, config.secret("fax", "password") if f.username else None), f)
    elif f.backend == "efax":
        from drivers.dialer.efax import EfaxModem

        drivers[Medium.FAX] = FaxDriver(EfaxModem(
            f.device, program=f.efax, fax_class=f.fax_class, station_id=f.station_id), f)
    return drivers


def _untrained(hw: Any) -> Any:
    """The real set is built even when the app starts in training mode (a training send
    uses the drill set, the guard keeps it there)."""
    from dataclasses import replace

    return replace(hw, training=False)


def drill_drivers(config: Any) -> dict[Medium, Any]:
    """Simulators only, whatever the configuration says: the drill set never opens a port."""
    from dataclasses import replace

    from drivers.dialer.fax import DrillFax
    from drivers.dialer.simulator import SimulatedLine
    from drivers.radio.factory import build_station

    hw = replace(_hardware(config), training=True)
    speaker, opening, closing = _voice(hw)
    recordings = StoreRecordings(config.database_url)
    station = build_station(hw, None, config.console_name)
    count = max(1, hw.dialer.lines if hw.dialer.backend == "sip" else len(hw.dialer.ports))
    lines = [SimulatedLine(f"シミュレータ{i + 1}（実機未接続）") for i in range(count)]
    return {
        Medium.RADIO: RadioDriver(station, speaker, recordings=recordings, opening=opening,
                                  closing=closing),
        Medium.PHONE: PhoneDriver(lines, hw.dialer, speaker, recordings=recordings),
        Medium.FAX: FaxDriver(DrillFax(config.data_dir / "drill" / "fax"), hw.fax),
    }
