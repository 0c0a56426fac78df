"""A call campaign: a list of numbers, several lines in parallel, retries, the ledger.

Each line (modem) has its own worker thread; the asyncio side hands out numbers, puts a
busy or unanswered number back in the queue after ``retry_delay``, and records every call's
outcome in the ledger as it ends, so the live monitor follows the campaign call by call.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.domain import DeliveryState, Medium
from app.voice import ledger
from app.voice.audio import Audio
from drivers.dialer.v253 import CallResult, Outcome

log = logging.getLogger("issei.dialer")

RETRYABLE = frozenset({Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED})


class Line(Protocol):
    """One phone line: a V.253 modem, a SIP line (sip.SipLine) or the simulator. Blocking;
    one thread uses it."""

    name: str
    simulated: bool

    def call(self, number: str, message: Audio, *, confirm_digit: str,
             answer_timeout: float, confirm_timeout: float,
             stop: threading.Event | None = None) -> CallResult: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CampaignSettings:
    max_attempts: int = 3
    retry_delay: float = 60.0
    answer_timeout: float = 60.0
    confirm_timeout: float = 90.0
    confirm_digit: str = "1"


@dataclass
class CallRecord:
    number: str
    recipient_id: int | None
    outcome: Outcome = Outcome.FAILED
    digits: str = ""
    attempts: int = 0
    history: list[str] = field(default_factory=list)  # outcome per attempt
    error: str = ""
    delivery_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"number": self.number, "outcome": self.outcome.value,
                "digits": self.digits, "attempts": self.attempts}


@dataclass(frozen=True)
class CampaignResult:
    message_id: str
    calls: list[CallRecord]


def _ledger_state(record: CallRecord) -> tuple[DeliveryState, str | None]:
    if record.outcome is Outcome.CONFIRMED:
        return DeliveryState.DELIVERED, None
    if record.outcome is Outcome.ANSWERED:
        return DeliveryState.SENT, "応答はありましたが、確認番号が押されませんでした"
    reason = record.outcome.label + (f": {record.error}" if record.error else "")
    return DeliveryState.FAILED, f"{reason}（{record.attempts}回発信）"


class Campaign:
    def __init__(self, lines: Sequence[Line], settings: CampaignSettings, *,
                 sessions: sessionmaker[Session], console: str = "", training: bool = False,
                 on_call: Callable[[CallRecord], None] | None = None) -> None:
        if not lines:
            raise ValueError("発信に使う回線がありません（[dialer] ports）")
        self.lines = list(lines)
        self.settings = settings
        self.sessions = sessions
        self.console = console
        self.training = training or any(line.simulated for line in lines)
        self.on_call = on_call
        self.stop = threading.Event()

    async def run(self, targets: Sequence[tuple[int | None, str]], message: Audio, *,
                  title: str, text: str, operator: str = "") -> CampaignResult:
        records = [CallRecord(number, rid) for rid, number in targets]
        entry = await asyncio.to_thread(
            ledger.open_entry, self.sessions, medium=Medium.PHONE, title=title, body=text,
            targets=[(r.recipient_id, r.number) for r in records],
            payload={"script": text, "seconds": round(message.seconds, 2),
                     "confirm_digit": self.settings.confirm_digit,
                     "lines": [line.name for line in self.lines]},
            training=self.training, operator=operator, console=self.console,
        )
        for record, delivery_id in zip(records, entry.delivery_ids, strict=True):
            record.delivery_id = delivery_id
        queue: asyncio.Queue[tuple[float, CallRecord]] = asyncio.Queue()
        for record in records:
            queue.put_nowait((0.0, record))
        remaining = len(records)
        all_done = asyncio.Event()
        if not records:
            all_done.set()

        async def work(line: Line) -> None:
            nonlocal remaining
            executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"dial-{line.name}")
            loop = asyncio.get_running_loop()
            try:
                while not all_done.is_set():
                    getter = asyncio.ensure_future(queue.get())
                    finished = asyncio.ensure_future(all_done.wait())
                    await asyncio.wait({getter, finished},
                                       return_when=asyncio.FIRST_COMPLETED)
                    finished.cancel()
                    if not getter.done():
                        getter.cancel()
                        return
                    not_before, record = getter.result()
                    delay = not_before - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    result = await loop.run_in_executor(executor, self._call, line, record,
                                                        message)
                    record.attempts += 1
                    record.history.append(result.outcome.value)
                    record.outcome, record.error = result.outcome, result.error
                    record.digits += result.digits
                    retry = (result.outcome in RETRYABLE and not self.stop.is_set()
                             and record.attempts < self.settings.max_attempts)
                    if retry:
                        queue.put_nowait((time.monotonic() + self.settings.retry_delay, record))
                        continue
                    await asyncio.to_thread(self._record, record)
                    remaining -= 1
                    if remaining == 0:
                        all_done.set()
            finally:
                await loop.run_in_executor(executor, line.close)
                executor.shutdown(wait=True)

        await asyncio.gather(*(work(line) for line in self.lines))
        await asyncio.to_thread(
            ledger.finish, self.sessions, entry, Medium.PHONE, operator=operator,
            console=self.console,
            detail={"calls": [r.as_json() for r in records]},
        )
        return CampaignResult(entry.message_id, records)

    def _call(self, line: Line, record: CallRecord, message: Audio) -> CallResult:
        s = self.settings
        log.info("calling %s on %s (attempt %d)", record.number, line.name, record.attempts + 1)
        return line.call(record.number, message, confirm_digit=s.confirm_digit,
                         answer_timeout=s.answer_timeout, confirm_timeout=s.confirm_timeout,
                         stop=self.stop)

    def _record(self, record: CallRecord) -> None:
        assert record.delivery_id is not None
        state, error = _ledger_state(record)
        ref = f"{record.outcome.value} digits={record.digits or '-'} " + "/".join(record.history)
        ledger.close_delivery(self.sessions, record.delivery_id, state=state,
                              provider_ref=ref, error=error, attempts=record.attempts)
        if self.on_call:
            self.on_call(record)
